package org.adanspark.dist;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.adanspark.spark.cli.CommandLine;
import org.adanspark.spark.run.RunPlan;
import org.yaml.snakeyaml.Yaml;

/**
 * What the dist tests share: the project's paths and the build's facts (passed by Maven as system
 * properties), a way to run a command as a user would, with its output kept, and readings of the
 * compose file and of spark-submit command lines.
 */
final class Build {

    /**
     * The project root: Maven runs these tests there ({@code adan.root}, surefire's working directory), so
     * a documented command's relative paths mean in a test what they mean to a user at the root.
     */
    static final Path ROOT = Path.of(System.getProperty("adan.root", "..")).toAbsolutePath().normalize();

    private Build() {
    }

    /** @return the Maven property passed to the tests under {@code name}, which must be set */
    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set: run these tests through Maven");
        }
        return value;
    }

    /** @return the submit jar, {@code dist/target/adan-spark-<version>.jar} */
    static Path submitJar() {
        return Path.of(property("adan.submitJar"));
    }

    /** @return Spark's own classpath, resolved alone by the spark-runtime module */
    static String sparkClasspath() throws IOException {
        return Files.readString(ROOT.resolve("spark-runtime/target/classpath.txt")).trim();
    }

    /** A finished command: its exit status and its stdout and stderr, interleaved. */
    record Result(int status, String output) {
    }

    /**
     * Runs a command in {@code dir}, with {@code env} added to this JVM's environment.
     *
     * @throws AssertionError when it does not finish in {@code timeoutS} seconds
     */
    static Result run(List<String> command, Path dir, Map<String, String> env, long timeoutS)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                out[0] = in.readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output lost: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutS + " s");
        }
        reader.join();
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    /**
     * The README's main job, the line its set-up block marks {@code # main job}, and the
     * {@code params_sha256} the README shows it printing.
     *
     * @param command the command, whitespace collapsed
     * @param paramsSha256 the fingerprint the README prints
     */
    record MainJob(String command, String paramsSha256) {

        /** @return the job's flags, the words after {@code bin/adan-train} */
        List<String> flags() {
            List<String> words = List.of(command.split(" "));
            return words.subList(1, words.size());
        }
    }

    /** @return the README's main job */
    static MainJob readmeMainJob() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Matcher job = Pattern.compile("\\n(bin/adan-train [^\\n#]*?)\\s+# main job")
                .matcher(readme);
        if (!job.find()) {
            throw new AssertionError("README.md marks its main job with '# main job'");
        }
        Matcher sha = Pattern.compile("params_sha256 ([0-9a-f]{64})").matcher(readme);
        if (!sha.find()) {
            throw new AssertionError("README.md prints the main job's params_sha256");
        }
        return new MainJob(job.group(1).trim().replaceAll("\\s+", " "), sha.group(1));
    }

    /** A line of prose in a documentation page (outside fenced code blocks), numbered from 1. */
    record ProseLine(Path page, int number, String text) {

        /** @return {@code PAGE:LINE}, relative to the repository */
        String place() {
            return ROOT.relativize(page) + ":" + number;
        }
    }

    /** @return the README's and {@code docs/*.md}'s lines outside fenced code blocks, page by page */
    static List<ProseLine> docProse() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<ProseLine> prose = new ArrayList<>();
        for (Path page : pages) {
            List<String> lines = Files.readAllLines(page);
            boolean code = false;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("```")) {
                    code = !code;
                } else if (!code) {
                    prose.add(new ProseLine(page, i + 1, lines.get(i)));
                }
            }
        }
        return prose;
    }

    /** A code span ({@code `…`}) in the docs' prose, stripped, and where it is. */
    record CodeSpan(String place, String text) {
    }

    /** @return every code span in the README's and {@code docs/*.md}'s prose, page by page */
    static List<CodeSpan> docCodeSpans() throws IOException {
        java.util.regex.Pattern span = java.util.regex.Pattern.compile("`([^`]+)`");
        List<CodeSpan> spans = new ArrayList<>();
        for (ProseLine line : docProse()) {
            java.util.regex.Matcher m = span.matcher(line.text());
            while (m.find()) {
                spans.add(new CodeSpan(line.place(), m.group(1).strip()));
            }
        }
        return spans;
    }

    /** Deletes {@code dir} and everything under it, if it exists (symbolic links are removed, not followed). */
    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** @return the JVM flags Spark's launcher adds on Java 17, split for a command line */
    static List<String> sparkJvmOpens() {
        return new ArrayList<>(List.of(property("adan.sparkJvmOpens").trim().split("\\s+")));
    }

    /** @return whether an executable named {@code tool} is on this process's PATH */
    static boolean onPath(String tool) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, tool)));
    }

    /** @return {@code docker-compose.yml}'s services, by name, as SnakeYAML reads them (anchors merged) */
    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> composeServices() throws IOException {
        try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    /**
     * A spark-submit command split into spark-submit's own options (each followed by its value, as every
     * option these commands use is), the application jar (the first word that is not an option), and the
     * job's flags after it.
     *
     * @param options spark-submit's options and their values, in order
     * @param jar the application jar, as written
     * @param flags TrainMain's flags
     */
    record Submission(List<String> options, String jar, List<String> flags) {

        /** @param words the command, {@code spark-submit} (any path to it) first */
        static Submission of(List<String> words) {
            int at = 1;
            while (at < words.size() && words.get(at).startsWith("--")) {
                at += 2;
            }
            if (at >= words.size()) {
                throw new AssertionError("no application jar in " + words);
            }
            return new Submission(words.subList(1, at), words.get(at), words.subList(at + 1, words.size()));
        }

        /** @return the value of spark-submit option {@code name}, which must be given */
        String option(String name) {
            int i = options.indexOf(name);
            if (i < 0 || i + 1 >= options.size()) {
                throw new AssertionError(name + " missing in " + options);
            }
            return options.get(i + 1);
        }

        /**
         * Validates the job's flags (plus any {@code more}) as TrainMain does before Spark starts.
         *
         * @return the settings they give
         * @throws IllegalArgumentException naming a bad flag or value
         */
        RunPlan settings(String... more) {
            List<String> all = new ArrayList<>(flags);
            all.addAll(List.of(more));
            return RunPlan.from(CommandLine.parse(all.toArray(String[]::new)));
        }
    }
}
