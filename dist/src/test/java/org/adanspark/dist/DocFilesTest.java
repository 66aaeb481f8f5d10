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
import org.junit.jupiter.api.Test;

/**
 * The files and the tests the docs name exist. A repository path in backticks ({@code conf/application.conf},
 * {@code python/adan_spark/torchscript.py}) must be in the checkout, and a test, benchmark or check the prose cites as
 * evidence ({@code NonTrainedStateTest}, {@code ChaosBenchmark}, {@code AdanNetPipelineSpec}) must be a source
 * file of the repository: a renamed file or test leaves a sentence pointing at nothing. Build outputs
 * ({@code …/target/…}) and synopses with placeholders ({@code docs/results/NAME.csv}) are not checked.
 */
class DocFilesTest {

    /** A path inside the repository: one of its top-level directories, then anything without spaces. */
    private static final Pattern REPO_PATH = Pattern.compile("^(?:json:|torchscript:|libsvm:|text:)?((?:bin|conf|docs"
            + "|examples|python|benchmarks|adan-core|adan-dl4j|adan-spark|dist|nd4j-compat|spark-runtime|\\.ci)/[^\\s]*)$");
    private static final Pattern PLACEHOLDER = Pattern.compile("[<>…*]|\\b[A-Z]{2,}\\b|/target(/|$)");
    /** A test class, as the docs cite them. */
    private static final Pattern TEST_CLASS = Pattern.compile("^([A-Z]\\w*(?:Test|Spec|Benchmark|Check))(?:#\\w+)?$");
    /** Named in the docs but not ours: Spark's worker configuration file. */
    private static final Set<String> OTHERS = Set.of("conf/spark-env.sh");

    @Test
    void everyRepositoryPathTheDocsNameExists() throws IOException {
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Build.CodeSpan span : Build.docCodeSpans()) {
            Matcher path = REPO_PATH.matcher(span.text());
            if (!path.matches() || PLACEHOLDER.matcher(path.group(1)).find() || OTHERS.contains(path.group(1))) {
                continue;
            }
            checked++;
            if (!Files.exists(Build.ROOT.resolve(path.group(1)))) {
                missing.add(span.place() + ": " + path.group(1));
            }
        }
        assertTrue(checked >= 40, "only " + checked + " repository paths found in the docs' prose");
        assertTrue(missing.isEmpty(), "paths the docs name that the repository does not hold:\n  "
                + String.join("\n  ", missing));
    }

    @Test
    void everyTestTheDocsCiteExists() throws IOException {
        Set<String> sources = new HashSet<>();
        try (Stream<Path> files = Files.walk(Build.ROOT)) {
            files.filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/"))
                    .map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".java") || n.endsWith(".scala"))
                    .forEach(n -> sources.add(n.substring(0, n.lastIndexOf('.'))));
        }
        List<String> missing = new ArrayList<>();
        int checked = 0;
        for (Build.CodeSpan span : Build.docCodeSpans()) {
            Matcher test = TEST_CLASS.matcher(span.text());
            if (test.matches()) {
                checked++;
                if (!sources.contains(test.group(1))) {
                    missing.add(span.place() + ": " + test.group(1));
                }
            }
        }
        assertTrue(checked >= 30, "only " + checked + " tests cited in the docs' prose");
        assertTrue(missing.isEmpty(), "tests the docs cite that no source file defines:\n  " + String.join("\n  ", missing));
    }
}
