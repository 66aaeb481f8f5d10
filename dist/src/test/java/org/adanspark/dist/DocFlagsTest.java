package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.adanspark.spark.cli.CommandLine;
import org.junit.jupiter.api.Test;

/**
 * Every flag the README and {@code docs/*.md} name in prose (a {@code --flag} inside backticks) exists: one of
 * {@code adan-train}'s (its {@code --help}), one the benchmark launcher parses (a string literal in the
 * benchmarks' sources), or one of the other tools' the docs show (spark-submit, java, docker-compose). The
 * commands in code blocks are run by DocumentedCommandsTest; this catches a renamed flag in a sentence.
 */
class DocFlagsTest {

    private static final Pattern FLAG = Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*");
    /** Flags of the other tools the docs show: spark-submit, java, docker-compose. */
    private static final Set<String> OTHER_TOOLS = Set.of("--master", "--deploy-mode", "--class", "--conf", "--jars",
            "--files", "--driver-memory", "--executor-memory", "--executor-cores", "--num-executors",
            "--total-executor-cores", "--properties-file", "--packages", "--py-files", "--name", "--add-opens", "--rm");

    @Test
    void everyFlagNamedInTheDocsExists() throws IOException {
        Set<String> known = new HashSet<>(OTHER_TOOLS);
        Matcher usage = FLAG.matcher(CommandLine.USAGE);
        while (usage.find()) {
            known.add(usage.group());
        }
        String benchSources = benchmarkSources();
        List<String> unknown = new ArrayList<>();
        int seen = 0;
        for (Build.CodeSpan span : Build.docCodeSpans()) {
            if (span.text().contains("unknown flag")) {
                continue; // the CLI's answer to a misspelt flag, quoted
            }
            Matcher flag = FLAG.matcher(span.text());
            while (flag.find()) {
                seen++;
                String f = flag.group();
                if (!known.contains(f) && !benchSources.contains("\"" + f + "\"")) {
                    unknown.add(span.place() + ": " + f + " in `" + span.text() + "`");
                }
            }
        }
        assertTrue(seen > 100, "only " + seen + " flags found in the docs: the pattern no longer matches them");
        assertTrue(unknown.isEmpty(), "flags the docs name that no tool has:\n  " + String.join("\n  ", unknown));
    }

    private static String benchmarkSources() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(Build.ROOT.resolve("benchmarks/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }
}
