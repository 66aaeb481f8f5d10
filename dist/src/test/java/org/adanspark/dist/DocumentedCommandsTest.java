package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.adanspark.spark.cli.CommandLine;
import org.adanspark.spark.cli.TrainMain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command the README and {@code docs/*.md} show, exercised: each line of a {@code bash} block, and
 * each inline code span that is a whole command (no placeholders such as {@code FILE} or {@code [flags]}).
 * One dynamic test per distinct command, in document order:
 * <ul>
 *   <li>{@code bin/adan-train …}: the README's main job runs through the script in full, checked against
 *       the {@code params_sha256} the README prints, and so does {@code --help}; a command whose comment
 *       ends in the test accuracy it reaches ({@code # test split a9a.t: 0.850}) runs in full and must reach
 *       it within a point; every other run stops after two steps (four for {@code --resume}), evaluated on
 *       the first 1,000 test rows; these run
 *       TrainMain in this JVM with the arguments the
 *       shell gives the script (one JVM start instead of one per command), with {@code /tmp/} moved into
 *       a temporary directory;</li>
 *   <li>{@code bin/adan-docs}, {@code docker-compose config}, {@code mvn -version} and read-only shell
 *       commands ({@code java}, {@code ls}, {@code unzip}, …) run as written;</li>
 *   <li>{@code mvn -Pcuda …} and {@code mvn -Dnd4j.classifier=… [-Dnd4j.extension=…] …} must resolve that backend's dependency
 *       tree (their natives are hundreds of MB; the full 650 MB CUDA build is recorded in docs/GPU.md);
 *       {@code mvn -B verify} is what {@code .ci/run} runs, and every other {@code mvn … package} is part
 *       of it;</li>
 *   <li>{@code bin/adan-bench NAME} and {@code bin/adan-example java|scala} run through the same scripts
 *       in BenchmarksSmokeTest (at {@code --quick} size) and ExamplesTest;</li>
 *   <li>{@code spark-submit …} (no Spark installation here) must name TrainMain, the jar dist builds and
 *       existing files, and its job flags must pass the CLI's validation; SubmitJarTest runs the same jar
 *       through Spark's own SparkSubmit;</li>
 *   <li>{@code docker-compose up|run|logs|ps|down …} (no Docker engine here) must name services the
 *       compose file defines; DockerComposeTest checks what those services run.</li>
 * </ul>
 * A command that fits none of these fails the test, naming the file and line.
 */
class DocumentedCommandsTest {

    private static final Pattern FENCE = Pattern.compile("^```\\s*(\\w*)\\s*$");
    private static final Pattern INLINE = Pattern.compile("`([^`]+)`");
    /** Inline spans that begin like a shell command; anything else in backticks is a name or a value. */
    private static final Pattern COMMAND_START = Pattern.compile("^(bin/|mvn |spark-submit |docker-compose "
            + "|conf/gpu-discovery\\.sh|\\.ci/run|java |jar |ls |unzip |cat |grep |apt-get |apt |sudo |rm |cd |export "
            + "|curl |wget |git |docker )");
    /** Placeholders mark a synopsis, not a command: FILE, DIR, NAME, [flags], <jar>, …. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\b[A-Z][A-Z_]{1,}\\b(?![=])|\\[|<|…|\\.\\.\\.");
    private static final Pattern COMMENT = Pattern.compile("(^|\\s)#(\\s|$)");
    private static final Set<String> READ_ONLY_TOOLS = Set.of("java", "jar", "ls", "unzip", "cat", "head", "tail",
            "grep", "wc", "sha256sum", "nproc", "free");

    @TempDir
    static Path tmp;

    /**
     * The commands this JVM runs in-process log as {@code bin/adan-train} makes them log (conf/log4j2.properties,
     * the log file in the test's directory), not with Spark's default profile, which prints Spark's INFO lines:
     * the clean-console check is about adan-train's console, not this harness's.
     */
    @BeforeAll
    static void logAsTheLauncherDoes() {
        System.setProperty("adan.log.file", tmp.resolve("adan-train.log").toString());
        org.apache.logging.log4j.core.config.Configurator.reconfigure(
                Build.ROOT.resolve("conf/log4j2.properties").toUri());
    }

    /** Each backend's tree is resolved once, however many documented commands build it. */
    private static final Set<String> resolvedBackends = new HashSet<>();

    /**
     * A command and where the docs show it.
     *
     * @param claims test accuracies its comments say it reaches ({@code # test split a9a.t: 0.850})
     */
    private record Shown(String command, List<String> places, List<Double> claims) {
    }

    /** A comment that ends in the accuracy the command reaches: {@code # test split a9a.t: 0.850}. */
    private static final Pattern CLAIM = Pattern.compile(":\\s*(0\\.\\d+)\\s*$");

    @TestFactory
    Stream<DynamicTest> everyDocumentedCommandIsExercised() throws IOException {
        Map<String, Shown> commands = new LinkedHashMap<>();
        List<Path> pages = new ArrayList<>(List.of(Build.ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(Build.ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        for (Path page : pages) {
            collect(page, commands);
        }
        assertTrue(commands.size() > 20, "too few commands found: " + commands.keySet());
        assertTrue(commands.values().stream().anyMatch(c -> !c.claims().isEmpty()),
                "no command's comment states the accuracy it reaches (the README's a9a line did): the pattern is stale");
        return commands.values().stream().map(shown -> DynamicTest.dynamicTest(
                shown.places().get(0) + (shown.places().size() > 1 ? " (+" + (shown.places().size() - 1) + ")" : "")
                        + ": " + shown.command(),
                () -> {
                    try {
                        exercise(shown);
                    } catch (AssertionError e) {
                        throw new AssertionError(shown.places() + " " + shown.command() + ": " + e.getMessage(), e);
                    }
                }));
    }

    /** Adds the page's commands: bash-block lines (continuations joined) and whole-command code spans. */
    private static void collect(Path page, Map<String, Shown> commands) throws IOException {
        String name = Build.ROOT.relativize(page).toString();
        List<String> lines = Files.readAllLines(page);
        String fence = null;
        StringBuilder pending = new StringBuilder();
        int pendingLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher f = FENCE.matcher(line);
            if (f.matches()) {
                fence = fence == null ? f.group(1) : null;
                continue;
            }
            if (fence != null) {
                if (!Set.of("bash", "sh", "shell").contains(fence)) {
                    continue;
                }
                String code = stripComment(line).trim();
                if (code.isEmpty()) {
                    continue;
                }
                if (pending.length() == 0) {
                    pendingLine = i + 1;
                }
                if (code.endsWith("\\")) {
                    pending.append(code, 0, code.length() - 1).append(' ');
                    continue;
                }
                pending.append(code);
                Matcher claim = CLAIM.matcher(line.substring(stripComment(line).length()));
                add(commands, pending.toString(), name + ":" + pendingLine,
                        claim.find() ? Double.valueOf(claim.group(1)) : null);
                pending.setLength(0);
            } else {
                Matcher m = INLINE.matcher(line);
                while (m.find()) {
                    String span = m.group(1).trim();
                    // a bare script name (`bin/adan-train`) names the tool; a command has arguments
                    if (COMMAND_START.matcher(span).find() && span.contains(" ") && !PLACEHOLDER.matcher(span).find()) {
                        add(commands, span, name + ":" + (i + 1), null);
                    }
                }
            }
        }
        assertTrue(fence == null, name + ": a code block is not closed");
    }

    private static void add(Map<String, Shown> commands, String command, String place, Double claim) {
        String normalized = command.trim().replaceAll("\\s+", " ");
        Shown shown = commands.computeIfAbsent(normalized, c -> new Shown(c, new ArrayList<>(), new ArrayList<>()));
        shown.places().add(place);
        if (claim != null) {
            shown.claims().add(claim);
        }
    }

    private static String stripComment(String line) {
        Matcher m = COMMENT.matcher(line);
        return m.find() ? line.substring(0, m.start()) : line;
    }

    private static void exercise(Shown shown) throws Exception {
        String c = shown.command();
        String[] words = c.split(" ");
        String head = words[0].contains("=") && words.length > 1 ? words[1] : words[0];
        switch (head) {
            case "bin/adan-train" -> train(c, shown.claims());
            case "bin/adan-docs" -> docs(c);
            case "bin/adan-bench" -> coveredBy(c, "benchmarks/src/test/java/org/adanspark/bench/BenchmarksSmokeTest.java",
                    "bench(\"" + words[1] + "\"");
            case "bin/adan-example" -> {
                if (words[1].equals("python")) {
                    coveredBy(c, "python/tests/test_examples.py", "examples\" / \"python\" / \"skin_pipeline.py");
                } else {
                    coveredBy(c, "examples/src/test/java/org/adanspark/examples/ExamplesTest.java",
                            "example(\"" + words[1] + "\"");
                }
            }
            case "bin/adan-python-test" -> coveredBy(c, "dist/pom.xml", "bin/adan-python-test");
            // the install the Python tests' venv makes of this checkout's package, from PyPI's pyspark
            case "pip" -> coveredBy(c, "bin/lib/python-env.sh", "pip\" install -q --disable-pip-version-check --no-deps");
            case "conf/gpu-discovery.sh" -> coveredBy(c,
                    "adan-spark/src/test/java/org/adanspark/spark/train/GpuDiscoveryScriptTest.java", "gpu-discovery.sh");
            case ".ci/run" -> assertTrue(Files.isExecutable(Build.ROOT.resolve(".ci/run")), ".ci/run");
            case "mvn" -> maven(c);
            case "spark-submit" -> sparkSubmit(c);
            case "docker-compose" -> compose(c);
            default -> {
                assertTrue(READ_ONLY_TOOLS.contains(head), shown.places() + ": '" + c + "' is not exercised by any "
                        + "test; run it in DocumentedCommandsTest or point it at the test that does");
                ok(run(c));
            }
        }
    }

    // ---- bin/adan-train

    private static void train(String command, List<Double> claims) throws Exception {
        Build.MainJob mainJob = Build.readmeMainJob();
        if (command.equals(mainJob.command())) {
            // in an environment that asks OpenBLAS and oneDNN for other kernels than the run's default, as some
            // machines' do: the launcher pins the run's kernel before OpenBLAS loads, so the bits stay the README's
            String out = ok(run("OPENBLAS_CORETYPE=Prescott DNNL_MAX_CPU_ISA=SSE41 " + command));
            assertTrue(out.contains("params_sha256 " + mainJob.paramsSha256()),
                    "the main job no longer trains the model the README shows:\n" + out);
            assertCleanConsole(command, out);
            return;
        }
        if (command.contains("--help")) {
            assertTrue(ok(run(command)).contains("usage: adan-train"));
            return;
        }
        if (!claims.isEmpty()) {
            // the docs say what it reaches: run it whole and hold it to that, within a point (another CPU's
            // kernels may round differently in the last steps)
            Build.Result r = trainHere(command);
            assertEquals(0, r.status(), r.output());
            Matcher done = Pattern.compile("done: .*test accuracy (\\d\\.\\d+)").matcher(r.output());
            assertTrue(done.find(), command + " printed no test accuracy:\n" + r.output());
            double reached = Double.parseDouble(done.group(1));
            for (double claim : claims) {
                assertTrue(Math.abs(reached - claim) <= 0.01, command + " reached test accuracy " + reached
                        + "; the docs say " + claim);
            }
            assertCleanConsole(command, r.output());
            return;
        }
        // two steps show the command works; the evaluation after them need not read the whole test split (the
        // PyTorch ResNet's took 20 s of the suite's time)
        String shortened = command + " --max-steps " + (command.contains("--resume") ? 4 : 2)
                + " --conf adan.data.test-limit=1000";
        Build.Result r = trainHere(shortened);
        assertEquals(0, r.status(), r.output());
        assertTrue(r.output().contains("done: "), shortened + ":\n" + r.output());
        assertCleanConsole(shortened, r.output());
    }

    /** What adan-train itself prints: progress, epoch and summary lines. */
    private static final Pattern OWN_LINE = Pattern.compile("step \\d+/\\d+  epoch \\d+/\\d+  loss .*"
            + "|epoch \\d+/\\d+ done at step \\d+: .*|stopped at step \\d+, in epoch \\d+/\\d+ \\(--max-steps\\): .*"
            + "|resumed from \\S+ at step \\d+|done: \\d+ steps .*|  params_sha256 [0-9a-f]{64}|  model saved to .*");
    /** A log line on the console: time, level, the class's name. */
    private static final Pattern LOG_LINE = Pattern.compile("(\\d\\d/\\d\\d/\\d\\d )?\\d\\d:\\d\\d:\\d\\d (INFO|WARN|ERROR) "
            + "(\\w+): .*"); // the launcher's pattern, or Spark's default one this test JVM logs with

    /**
     * A documented command's console holds adan-train's own lines and log lines of adan-spark's classes only: no
     * library's chatter (a print to stdout, a stack trace, another library's log line).
     */
    private static void assertCleanConsole(String command, String output) throws IOException {
        Set<String> ours = ownClassNames();
        List<String> unexpected = new ArrayList<>();
        for (String line : output.lines().toList()) {
            Matcher log = LOG_LINE.matcher(line);
            boolean fine = OWN_LINE.matcher(line).matches() || log.matches() && ours.contains(log.group(3));
            if (!fine) {
                unexpected.add(line);
            }
        }
        assertTrue(unexpected.isEmpty(), command + " printed lines that are neither adan-train's nor its log's:\n  "
                + String.join("\n  ", unexpected));
    }

    private static Set<String> ownClasses;

    /** @return the simple names of the project's classes, as the console's log lines show them */
    private static synchronized Set<String> ownClassNames() throws IOException {
        if (ownClasses == null) {
            Set<String> names = new HashSet<>();
            for (String module : List.of("adan-core", "adan-dl4j", "adan-spark", "nd4j-compat")) {
                Path classes = Build.ROOT.resolve(module + "/target/classes");
                if (!Files.isDirectory(classes)) {
                    continue;
                }
                try (java.util.stream.Stream<Path> files = Files.walk(classes)) {
                    files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".class") && !n.contains("$"))
                            .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())));
                }
            }
            ownClasses = names;
        }
        return ownClasses;
    }

    /**
     * Runs a {@code bin/adan-train} command's TrainMain in this JVM, with the arguments the shell would give
     * the script (bash splits the line, {@code /tmp/} moved as in {@link #run}) and the repository root as
     * working directory, as the script's {@code exec java … TrainMain "$@"} would: the launcher itself is
     * run by the main job and {@code --help}, and the other commands skip its JVM start.
     *
     * @return TrainMain's exit status and what it printed to stdout and stderr
     */
    private static Build.Result trainHere(String command) throws Exception {
        Build.Result words = run(command.replaceFirst("(^|\\s)bin/adan-train(\\s|$)", "$1printf '%s\\\\0'$2"));
        assertEquals(0, words.status(), words.output());
        String[] args = words.output().isEmpty() ? new String[0] : words.output().split("\0");
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        int status;
        try {
            status = TrainMain.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);
        out.print(printed);
        return new Build.Result(status, printed);
    }

    // ---- bin/adan-docs

    private static void docs(String command) throws Exception {
        Path cli = Build.ROOT.resolve("docs/CLI.md");
        Path config = Build.ROOT.resolve("docs/CONFIGURATION.md");
        String before = Files.readString(cli) + Files.readString(config);
        ok(run(command));
        assertEquals(before, Files.readString(cli) + Files.readString(config),
                "bin/adan-docs changed the committed reference pages: commit what it wrote");
    }

    // ---- mvn

    private static void maven(String command) throws Exception {
        List<String> words = Arrays.asList(command.split(" "));
        List<String> backendOptions = words.stream()
                .filter(w -> w.equals("-Pcuda") || w.startsWith("-Dnd4j.classifier=") || w.startsWith("-Dnd4j.extension="))
                .toList();
        if (words.contains("-version") || words.contains("--version")) {
            ok(run(command));
        } else if (!backendOptions.isEmpty()) {
            resolvesBackend(backendOptions);
        } else if (command.equals("mvn -B verify")) {
            assertTrue(Files.readAllLines(Build.ROOT.resolve(".ci/run")).contains(command), ".ci/run runs " + command);
        } else if (words.contains("verify") && words.contains("-pl") && words.stream().anyMatch(w -> w.startsWith("-Dtest="))) {
            // one test class of a module, named as the page says (a benchmark that lives among the tests, say):
            // too long to run here, so the class must at least exist where the command looks for it
            String module = words.get(words.indexOf("-pl") + 1);
            String test = words.stream().filter(w -> w.startsWith("-Dtest=")).findFirst().orElseThrow().substring(7);
            try (var files = Files.walk(Build.ROOT.resolve(module).resolve("src/test"))) {
                assertTrue(files.anyMatch(f -> f.getFileName().toString().equals(test + ".java")),
                        "'" + command + "' names " + test + ", which " + module + "/src/test does not hold");
            }
        } else {
            assertTrue(words.contains("package") && !words.contains("install") && !words.contains("deploy")
                    && words.stream().noneMatch(w -> w.startsWith("-P") || w.startsWith("-D") && !w.equals("-DskipTests")),
                    "'" + command + "' is not part of what CI's 'mvn -B verify' builds");
        }
    }

    /**
     * A build for another ND4J backend or platform (its natives are hundreds of MB, so CI does not build
     * it): the options must resolve adan-dl4j's dependency tree (the last module of the two, so the file's; adan-core
     * comes from the reactor) to that backend's artifacts, and to no
     * other backend's. The full -Pcuda build is recorded in docs/GPU.md.
     */
    private static void resolvesBackend(List<String> options) throws Exception {
        String key = String.join(" ", options);
        if (!resolvedBackends.add(key)) {
            return;
        }
        boolean cuda = options.contains("-Pcuda");
        String classifier = options.stream().filter(o -> o.startsWith("-Dnd4j.classifier="))
                .map(o -> o.substring(o.indexOf('=') + 1)).findFirst().orElse(Build.property("adan.nd4jClassifier"));
        // nd4j-native's natives are one build of the platform: its classifier is the platform plus nd4j.extension
        String extension = options.stream().filter(o -> o.startsWith("-Dnd4j.extension="))
                .map(o -> o.substring(o.indexOf('=') + 1)).findFirst()
                .orElse(cuda ? "" : Build.property("adan.nd4jExtension"));
        Path tree = tmp.resolve("tree-" + resolvedBackends.size() + ".txt");
        ok(runAsIs("mvn -B -q -Dstyle.color=never " + key + " -pl adan-core,adan-dl4j dependency:tree -DoutputFile=" + tree));
        String deps = Files.readString(tree);
        String backend = cuda ? "nd4j-cuda-11.6" : "nd4j-native";
        assertTrue(deps.contains("org.nd4j:" + backend + ":jar:" + classifier + extension + ":"), key + " resolves to\n" + deps);
        assertTrue(deps.contains("org.bytedeco:javacpp:jar:" + classifier + ":"), key + " resolves to\n" + deps);
        if (cuda) {
            assertFalse(deps.contains("org.nd4j:nd4j-native:") || deps.contains("org.bytedeco:openblas:"),
                    "-Pcuda keeps the CPU backend:\n" + deps);
        } else {
            assertTrue(deps.contains("org.bytedeco:openblas:jar:" + classifier + ":"), key + " resolves to\n" + deps);
        }
    }

    // ---- spark-submit

    private static void sparkSubmit(String command) throws Exception {
        Build.Submission submission = Build.Submission.of(Arrays.asList(command.split(" ")));
        assertEquals("org.adanspark.spark.cli.TrainMain", submission.option("--class"));
        Class.forName(submission.option("--class"));
        assertEquals(Build.ROOT.relativize(Build.submitJar()).toString(), submission.jar(), "the jar dist builds");
        if (submission.options().contains("--properties-file")) {
            String file = submission.option("--properties-file");
            assertTrue(Files.isRegularFile(Build.ROOT.resolve(file)), file);
        }
        submission.settings();
    }

    // ---- docker-compose

    private static void compose(String command) throws Exception {
        List<String> words = new ArrayList<>(Arrays.asList(command.split(" ")));
        String env = words.get(0).contains("=") ? words.remove(0) : null;
        String sub = words.get(1);
        if (sub.equals("config")) {
            assumeTrue(Build.onPath("docker-compose"), "docker-compose is not installed");
            ok(run(command));
            return;
        }
        Map<String, Map<String, Object>> byName = Build.composeServices();
        Set<String> services = byName.keySet();
        assertTrue(Set.of("up", "run", "logs", "ps", "down", "stop", "start").contains(sub), "docker-compose " + sub);
        for (String w : words.subList(2, words.size())) {
            if (!w.startsWith("-")) {
                assertTrue(services.contains(w), w + " is not a service of docker-compose.yml " + services);
            }
        }
        if (env != null) {
            assertTrue(env.startsWith("ADAN_TRAIN_FLAGS="), "unknown variable in " + command);
            assertTrue(((String) byName.get("train").get("command")).contains("${ADAN_TRAIN_FLAGS:-}"),
                    "the train service takes ADAN_TRAIN_FLAGS");
            String flags = env.substring(env.indexOf('=') + 1).replace("\"", "");
            CommandLine.parse(flags.trim().split("\\s+"));
        }
    }

    // ---- running

    /** Runs a documented command, its {@code /tmp/} paths moved into this test's temporary directory. */
    private static Build.Result run(String command) throws Exception {
        return runAsIs(command.replace("/tmp/", tmp + "/"));
    }

    private static Build.Result runAsIs(String command) throws Exception {
        return Build.run(List.of("bash", "-c", command), Build.ROOT, Map.of("ADAN_SKIP_BUILD", "1",
                "SPARK_LOCAL_IP", "127.0.0.1", "ADAN_JAVA_OPTS", "-Xmx3g"), 600);
    }

    private static String ok(Build.Result r) {
        assertEquals(0, r.status(), r.output());
        return r.output();
    }

    private static void coveredBy(String command, String test, String marker) throws IOException {
        Path source = Build.ROOT.resolve(test);
        assertTrue(Files.isRegularFile(source), test + " (which runs '" + command + "') is missing");
        assertTrue(Files.readString(source).contains(marker), test + " does not run '" + command + "' (" + marker + ")");
    }
}
