package org.adanspark.dist;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on this machine, as the tests need one: Spark's own
 * {@code deploy.master.Master} and N {@code deploy.worker.Worker}s, each a separate JVM on Spark's classpath
 * alone (the spark-runtime module), bound to 127.0.0.1 on free ports — the topology docker-compose.yml
 * describes. Jobs go in through {@code SparkSubmit} in client mode with the submit jar, exactly as a user
 * submits them; the workers launch executors as separate JVMs from a scratch {@code SPARK_HOME} whose
 * {@code jars/} links Spark's jars.
 *
 * <p>Faults are injected with {@code kill -9} ({@link Process#destroyForcibly} / {@link ProcessHandle})
 * of processes this cluster started — an executor, a worker, a driver — and never of anything else.
 * {@link #close} stops every process it started, by handle.
 */
final class StandaloneCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern MASTER_ALIVE = Pattern.compile("\"status\"\\s*:\\s*\"ALIVE\"");
    private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

    private final Path dir;
    private final Path sparkHome;
    private final String classpath;
    private final int cores;
    private final String memory;
    private final List<Process> started = new ArrayList<>();
    private final Map<Integer, Process> workers = new HashMap<>();
    private Process master;
    private int masterPort;
    private int masterUiPort;

    private StandaloneCluster(Path dir, int cores, String memory) throws IOException {
        this.dir = dir;
        this.classpath = Build.sparkClasspath();
        this.cores = cores;
        this.memory = memory;
        this.sparkHome = dir.resolve("spark-home");
        Path jars = Files.createDirectories(sparkHome.resolve("jars"));
        for (String jar : classpath.split(File.pathSeparator)) {
            Path target = Path.of(jar);
            Path link = jars.resolve(target.getFileName());
            if (!Files.exists(link)) {
                Files.createSymbolicLink(link, target);
            }
        }
    }

    /**
     * Starts a master and {@code workers} workers and waits until every worker has registered.
     *
     * @param dir scratch directory: SPARK_HOME, work directories, logs
     * @param workers how many workers
     * @param coresPerWorker cores each worker offers
     * @param memoryPerWorker memory each worker offers, e.g. {@code "2g"}
     * @return the running cluster; close it
     */
    static StandaloneCluster start(Path dir, int workers, int coresPerWorker, String memoryPerWorker)
            throws IOException, InterruptedException {
        StandaloneCluster cluster = new StandaloneCluster(dir, coresPerWorker, memoryPerWorker);
        try {
            cluster.startMaster();
            for (int i = 1; i <= workers; i++) {
                cluster.startWorker(i);
            }
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** @return {@code spark://127.0.0.1:PORT} */
    String masterUrl() {
        return "spark://127.0.0.1:" + masterPort;
    }

    private void startMaster() throws IOException, InterruptedException {
        masterPort = freePort();
        masterUiPort = freePort();
        master = launch("master", "256m", List.of("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUiPort)), Map.of());
        await("the master's status page on 127.0.0.1:" + masterUiPort + " (" + dir.resolve("master.log") + ")",
                START_TIMEOUT, () -> MASTER_ALIVE.matcher(masterStatus()).find());
    }

    /** @return the master's JSON status ({@code /json/}), or "" while it does not answer */
    String masterStatus() {
        if (!master.isAlive()) {
            throw new AssertionError("the master exited:\n" + read(dir.resolve("master.log")));
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + masterUiPort + "/json/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** @return how many workers the master counts as alive */
    int aliveWorkers() {
        Matcher m = ALIVE_WORKERS.matcher(masterStatus());
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /**
     * Starts worker {@code i} (again, after {@link #killWorker}) and waits until the master has it.
     *
     * @param i the worker's number, from 1
     */
    void startWorker(int i) throws IOException, InterruptedException {
        String name = "worker-" + i;
        Path work = Files.createDirectories(dir.resolve(name + "-work"));
        Files.deleteIfExists(dir.resolve(name + ".log"));
        Process worker = launch(name, "256m", List.of("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                "--port", "0", "--webui-port", Integer.toString(freePort()), "--cores", Integer.toString(cores),
                "--memory", memory, "--work-dir", work.toString(), masterUrl()),
                Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", Build.property("adan.scalaBinaryVersion")));
        workers.put(i, worker);
        int expected = liveWorkers().size();
        await(name + " to register with the master (" + dir.resolve(name + ".log") + ")", START_TIMEOUT, () -> {
            if (!worker.isAlive()) {
                throw new AssertionError(name + " exited:\n" + read(dir.resolve(name + ".log")));
            }
            return aliveWorkers() >= expected;
        });
    }

    /**
     * Submits the jar with TrainMain in client mode; the returned process is the driver.
     *
     * @param name what to call the submission (its log is {@code NAME.log} in the cluster's directory)
     * @param flags TrainMain's flags
     * @return the running driver
     */
    Driver submit(String name, List<String> flags) throws IOException {
        return submit(name, flags, "1g");
    }

    /**
     * Submits the jar with TrainMain in client mode, with executors of a given heap; the driver's heap is
     * always 1 GiB.
     *
     * @param name what to call the submission (its log is {@code NAME.log} in the cluster's directory)
     * @param flags TrainMain's flags
     * @param executorMemory {@code spark.executor.memory}
     * @return the running driver
     */
    Driver submit(String name, List<String> flags, String executorMemory) throws IOException {
        List<String> args = new ArrayList<>(List.of("org.apache.spark.deploy.SparkSubmit", "--master", masterUrl(),
                "--deploy-mode", "client", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.executor.memory=" + executorMemory,
                "--conf", "spark.executor.extraJavaOptions=-Dlog4j2.configurationFile="
                        + Build.ROOT.resolve("conf/log4j2.properties"),
                "--class", "org.adanspark.spark.cli.TrainMain", Build.submitJar().toString()));
        args.addAll(flags);
        Files.deleteIfExists(dir.resolve(name + ".log"));
        return new Driver(name, launch(name, "1g", args, Map.of()), dir.resolve(name + ".log"));
    }

    /** A submitted job's driver process and its console output. */
    record Driver(String name, Process process, Path log) {

        /**
         * Waits for the driver to end.
         *
         * @param timeoutS seconds to wait
         * @return its exit status
         * @throws AssertionError naming the submission when it does not end in time
         */
        int await(long timeoutS) throws InterruptedException {
            if (!process.waitFor(timeoutS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(name + " did not finish in " + timeoutS + " s:\n" + output());
            }
            return process.exitValue();
        }

        /** @return what the driver printed so far */
        String output() {
            try {
                return Files.readString(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(" + log + " unreadable: " + e.getMessage() + ")";
            }
        }
    }

    /**
     * {@code kill -9} of one executor JVM ({@code CoarseGrainedExecutorBackend}) that worker {@code i} runs.
     *
     * @param i the worker's number
     * @return the executor's pid
     * @throws AssertionError when the worker runs no executor
     */
    long killExecutorOf(int i) {
        ProcessHandle executor = executorsOf(i).stream().findFirst()
                .orElseThrow(() -> new AssertionError("worker " + i + " runs no executor"));
        executor.destroyForcibly();
        return executor.pid();
    }

    /** @return the executor JVMs worker {@code i} runs now */
    List<ProcessHandle> executorsOf(int i) {
        Process worker = workers.get(i);
        if (worker == null || !worker.isAlive()) {
            return List.of();
        }
        return worker.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .toList();
    }

    /**
     * {@code kill -9} of worker {@code i}'s JVM (its executors notice and exit on their own).
     *
     * @param i the worker's number
     */
    void killWorker(int i) throws InterruptedException {
        Process worker = workers.remove(i);
        worker.destroyForcibly();
        worker.waitFor(10, TimeUnit.SECONDS);
    }

    /** @return the worker numbers alive now */
    List<Integer> liveWorkers() {
        return workers.entrySet().stream().filter(e -> e.getValue().isAlive()).map(Map.Entry::getKey).sorted().toList();
    }

    /**
     * Polls until {@code condition} holds.
     *
     * @param what what is awaited, for the failure message
     * @param timeout how long to wait
     * @param condition the condition
     * @throws AssertionError when it does not hold in time
     */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Stops every process this cluster started: drivers, workers (and so their executors), the master. */
    @Override
    public void close() {
        List<ProcessHandle> all = new ArrayList<>();
        for (Process p : started) {
            p.descendants().forEach(all::add);
            all.add(p.toHandle());
        }
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : all) {
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }

    private Process launch(String name, String heap, List<String> mainAndArgs, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx" + heap);
        command.addAll(Build.sparkJvmOpens());
        command.add("-Dlog4j2.configurationFile=" + Build.ROOT.resolve("conf/log4j2.properties"));
        command.add("-Dadan.log.file=" + dir.resolve(name + "-full.log"));
        command.addAll(List.of("-cp", classpath));
        command.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(command).directory(Build.ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        // the machine's environment may name any OpenBLAS kernel (some set Haswell, others nothing): these JVMs
        // and the executors they start get one every x86-64 runs but no run uses, so a result that depends on
        // it shows; a run pins its own kernel (BlasKernel, spark.executorEnv)
        pb.environment().put("OPENBLAS_CORETYPE", "Prescott");
        pb.environment().put("DNNL_MAX_CPU_ISA", "SSE41");
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return p;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

}
