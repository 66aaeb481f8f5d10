package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.adanspark.io.DataSetLocator;
import org.adanspark.spark.cli.TrainMain;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The submit jar on a real standalone cluster — a master and two one-core workers, separate JVMs — against
 * the embedded {@code local[*]} launcher: the same flags and partition count give the same
 * {@code params_sha256} — the README's main job (IDX files) gives the README's, a9a (LIBSVM) the embedded
 * run's — and a run survives {@code kill -9} of an executor (a9a; the README's job in the barrier execution),
 * of a worker for good (a barrier run that continues in the jobs execution) and, with {@code --resume}, of the
 * driver (Fashion-MNIST; a barrier run resumed by the jobs
 * execution), ending on the undisturbed run's bits. Small models keep each run to
 * seconds; the cluster is started once for the class.
 */
class ClusterTest {

    /** Fashion-MNIST (IDX files, read by the executors): 12 steps, long enough to kill something mid-run. */
    private static final List<String> IDX_RUN = List.of("--data", "fashion-mnist", "--model", "mlp:32",
            "--optimizer", "adan", "--global-batch", "2000", "--micro-batch", "500", "--epochs", "2", "--seed", "7",
            "--conf", "adan.data.train-limit=12000", "--conf", "adan.data.test-limit=2000",
            "--partitions", "2");
    /** Steps IDX_RUN takes. */
    private static final int IDX_STEPS = 12;

    /** Kept after the run: each process's console log, the drivers' metrics, the executors' logs. */
    private static Path dir;

    private static StandaloneCluster cluster;
    private static String idxLocalSha;
    /** a9a (LIBSVM, read by Spark's reader on the executors): 12 steps of 2,048 rows. */
    private static List<String> a9aRun;
    private static String a9aLocalSha;
    private static final AtomicInteger RUNS = new AtomicInteger();

    @BeforeAll
    static void startCluster() throws Exception {
        dir = Build.ROOT.resolve("dist/target/cluster-test");
        Build.deleteRecursively(dir);
        Files.createDirectories(dir);
        cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "2g");
        idxLocalSha = localSha(IDX_RUN);
        Path a9a = new DataSetLocator(null).locate("a9a", "a9a", "a9a.t").resolve("a9a");
        a9aRun = List.of("--data", "libsvm:" + a9a, "--model", "mlp:16", "--global-batch", "2048", "--epochs", "1",
                "--max-steps", "12", "--partitions", "2", "--execution", "jobs");
        a9aLocalSha = localSha(a9aRun);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theReadmesMainJobInTheBarrierExecutionSurvivesAnExecutorKillWithTheReadmesParamsSha256() throws Exception {
        // Fashion-MNIST from IDX files; two one-core workers give Spark's default two partitions, as
        // bin/adan-train's local[*] does on the two-core machines the README's figure comes from. The barrier
        // execution (optimizer shards in the executors) gives the jobs execution's bits, and when an executor
        // dies mid-stage Spark restarts the stage, which replays from the start to the same bits.
        Build.MainJob job = Build.readmeMainJob();
        List<String> flags = new ArrayList<>(job.flags());
        flags.addAll(List.of("--execution", "barrier"));
        Path metrics = dir.resolve("barrier-executor-kill.jsonl");
        StandaloneCluster.Driver driver = cluster.submit("barrier-executor-kill", withMetrics(flags, metrics));
        awaitStep(driver, metrics, 3);
        long pid = cluster.killExecutorOf(1);
        assertEquals(0, driver.await(300), driver.output());
        assertEquals(job.paramsSha256(), finalSha(metrics), "after kill -9 of executor pid " + pid);
        assertTrue(driver.output().contains("Spark restarted the stage"), driver.output());
        assertEquals(45, stepLines(metrics), "each step is reported once, the replayed ones too");
    }

    @Test
    void libsvmDataWithAnExecutorKilledMidRunGivesTheEmbeddedLaunchersBits() throws Exception {
        // a9a through Spark's LIBSVM reader: the embedded launcher's bits, even when an executor dies mid-run
        Path metrics = dir.resolve("executor-kill.jsonl");
        StandaloneCluster.Driver driver = cluster.submit("executor-kill", withMetrics(a9aRun, metrics));
        awaitStep(driver, metrics, 3);
        long pid = cluster.killExecutorOf(1);
        assertEquals(0, driver.await(300), driver.output());
        assertEquals(a9aLocalSha, finalSha(metrics), "after kill -9 of executor pid " + pid);
        assertTrue(driver.output().contains("params_sha256 " + a9aLocalSha), driver.output());
    }

    @Test
    void aBarrierRunThatLosesAWorkerForGoodContinuesInTheJobsExecutionToTheUndisturbedBits() throws Exception {
        // a barrier stage needs both slots: with worker 2 gone (not restarted), Spark would retry it forever;
        // after adan.train.capacity-wait the run continues from its newest checkpoint in the jobs execution
        Path metrics = dir.resolve("worker-lost.jsonl");
        List<String> barrier = new ArrayList<>(IDX_RUN);
        barrier.addAll(List.of("--execution", "barrier", "--checkpoint-dir", dir.resolve("worker-lost-ck").toString(),
                "--checkpoint-every", "3", "--conf", "adan.train.capacity-wait=5s"));
        StandaloneCluster.Driver driver = cluster.submit("worker-lost", withMetrics(barrier, metrics));
        try {
            awaitStep(driver, metrics, 4);
            cluster.killWorker(2);
            assertEquals(0, driver.await(300), driver.output());
            assertTrue(driver.output().contains("the barrier stage needs 2 task slots and the cluster has had 1 for "),
                    driver.output());
            assertTrue(driver.output().matches("(?s).*; continuing in the jobs execution from \\S+/step-0000000(03|06)"
                    + " at step (3|6)\\b.*"), driver.output());
            assertEquals(idxLocalSha, finalSha(metrics), "after kill -9 of worker 2");
            assertEquals(IDX_STEPS, stepLines(metrics), "each step is reported once, those the jobs execution took again too");
        } finally {
            cluster.startWorker(2); // the next test gets two workers again
        }
    }

    @Test
    void killingTheDriverAndResumingEndsOnTheUndisturbedBits() throws Exception {
        // the killed run is a barrier run, whose executors write the checkpoints; the jobs execution resumes it
        Path checkpoints = dir.resolve("driver-kill-ck");
        List<String> run = new ArrayList<>(IDX_RUN);
        run.addAll(List.of("--checkpoint-dir", checkpoints.toString(), "--checkpoint-every", "3"));
        Path metrics = dir.resolve("driver-kill.jsonl");
        List<String> barrier = new ArrayList<>(run);
        barrier.addAll(List.of("--execution", "barrier"));
        StandaloneCluster.Driver driver = cluster.submit("driver-kill", withMetrics(barrier, metrics));
        StandaloneCluster.await("a checkpoint at step 6", Duration.ofSeconds(180),
                () -> Files.isDirectory(checkpoints.resolve("step-000000006")) || !driver.process().isAlive());
        driver.process().destroyForcibly();
        driver.process().waitFor();
        assertFalse(Files.exists(checkpoints.resolve(String.format("step-%09d", IDX_STEPS))),
                "the driver was killed before it finished:\n" + driver.output());

        run.addAll(List.of("--execution", "jobs", "--resume"));
        Path resumed = dir.resolve("driver-kill-resumed.jsonl");
        StandaloneCluster.Driver again = cluster.submit("driver-kill-resumed", withMetrics(run, resumed));
        assertEquals(0, again.await(300), again.output());
        assertTrue(again.output().contains("resumed from "), again.output());
        assertEquals(idxLocalSha, finalSha(resumed));
    }

    /**
     * @return the sha an embedded {@code local[*]} run of these flags gives: TrainMain in this JVM, as
     *     {@code bin/adan-train} runs it (the README's main job is checked through the script itself, by
     *     DocumentedCommandsTest, against the same README figure the cluster run is checked against)
     */
    private static String localSha(List<String> flags) throws Exception {
        Path metrics = dir.resolve("local-" + RUNS.incrementAndGet() + ".jsonl");
        List<String> all = new ArrayList<>(withMetrics(flags, metrics));
        all.addAll(List.of("--master", "local[*]"));
        assertEquals(0, TrainMain.run(all.toArray(String[]::new)), "embedded run of " + flags);
        return finalSha(metrics);
    }

    private static List<String> withMetrics(List<String> flags, Path metrics) {
        List<String> all = new ArrayList<>(flags);
        all.addAll(List.of("--metrics-out", metrics.toString()));
        return all;
    }

    /** Waits until the driver's metrics file has {@code step} step lines. */
    private static void awaitStep(StandaloneCluster.Driver driver, Path metrics, int step) throws InterruptedException {
        StandaloneCluster.await("step " + step + " of " + driver.name(), Duration.ofSeconds(180), () -> {
            if (!driver.process().isAlive()) {
                throw new AssertionError(driver.name() + " ended before step " + step + ":\n" + driver.output());
            }
            return stepLines(metrics) >= step;
        });
    }

    private static long stepLines(Path metrics) {
        try {
            return Files.exists(metrics) ? Files.readAllLines(metrics).stream().filter(l -> l.startsWith("{\"step\"")).count() : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String finalSha(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        Config last = ConfigFactory.parseString(lines.get(lines.size() - 1));
        assertEquals("final", last.getString("event"), metrics + " ends with " + lines.get(lines.size() - 1));
        return last.getString("params_sha256");
    }
}
