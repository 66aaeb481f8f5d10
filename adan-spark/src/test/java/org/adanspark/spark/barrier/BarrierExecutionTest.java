package org.adanspark.spark.barrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.adanspark.spark.checkpoint.ParamsCodec;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.TrainingException;
import org.adanspark.spark.metrics.EvaluationResult;
import org.adanspark.spark.metrics.RunSummary;
import org.adanspark.spark.metrics.StepMetrics;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.run.SyncTrainer;
import org.adanspark.spark.run.TrainResult;
import org.adanspark.spark.testing.SparkTestSession;
import org.adanspark.spark.testing.TestConfigs;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The barrier execution against the jobs execution on one {@code local[2]} session: the same bits across
 * optimizers and shard counts (with warm-up, clipping, dropout and a partial last batch: 3000 rows at 512
 * per step), checkpoints that resume across executions, a task failure mid-stage, the same evaluations,
 * and the errors a barrier run gives before it starts.
 */
class BarrierExecutionTest {

    private static SparkSession spark;
    private static TrainTestData data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start();
        data = new DataLoader(spark, TestConfigs.mnist("adan.data.partitions = 2").dataSettings(2)).load(0);
    }

    @AfterAll
    static void stop() {
        data.release();
        spark.stop();
    }

    private static TrainResult train(String execution, String overrides, TrainingListener... listeners) {
        return new SyncTrainer(spark, TestConfigs.mnist("adan.data.partitions = 2\nadan.train.execution = " + execution
                + "\n" + overrides), List.of(listeners)).fit(data);
    }

    @ParameterizedTest(name = "{0} with {1} shards")
    @CsvSource({"adan, 3", "lamb, 2", "adamw, 1", "sgd, 4", "lookahead-radam, 3", "adam, 5", "radam, 2", "setadam, 3", "adafactor, 3"})
    void barrierGivesTheBitsOfJobs(String optimizer, int shards) {
        String settings = "adan.optimizer.name = " + optimizer + "\nadan.optimizer.shards = " + shards;
        TrainResult jobs = train("jobs", settings);
        TrainResult barrier = train("barrier", settings);
        assertEquals(jobs.summary().paramsSha256(), barrier.summary().paramsSha256(), optimizer + ", " + shards + " shards");
        assertEquals(jobs.losses(), barrier.losses());
        assertEquals(8, barrier.summary().steps());
        assertTrue(java.util.Arrays.equals(jobs.params(), barrier.params()), "the final θ reaches the driver whole");
    }

    @Test
    void barrierReportsEveryStepAndTheEvaluationsAsJobsDoes() {
        Recorder jobs = new Recorder();
        Recorder barrier = new Recorder();
        String everyEpoch = "adan.train.evaluate-every-epoch = true";
        train("jobs", everyEpoch, jobs);
        TrainResult r = train("barrier", everyEpoch, barrier);
        assertEquals(8, barrier.steps.size());
        for (int i = 0; i < 8; i++) {
            StepMetrics m = barrier.steps.get(i);
            assertEquals(i + 1, m.step());
            assertEquals(jobs.steps.get(i).loss(), m.loss());
            assertEquals(jobs.steps.get(i).examples(), m.examples());
            assertEquals(jobs.steps.get(i).lr(), m.lr());
            // task 0 times the step; the slowest partition may have started it a little earlier, so no order
            assertTrue(m.stepMs() > 0 && m.computeMs() > 0, m.toString());
            assertTrue(m.driverBytesIn() < 1024 && m.driverBytesOut() == 0, "a step's message to the driver is a few numbers");
        }
        assertEquals(2, barrier.evaluations.size(), "after epoch 1 and at the end");
        for (int i = 0; i < 2; i++) {
            assertEquals(jobs.evaluations.get(i).accuracy(), barrier.evaluations.get(i).accuracy());
            assertEquals(jobs.evaluations.get(i).logLoss(), barrier.evaluations.get(i).logLoss(), 1e-9);
        }
        assertEquals(barrier.evaluations.get(1).accuracy(), r.summary().testAccuracy());
    }

    @Test
    void checkpointsResumeAcrossExecutionsWithAnyShardCount() throws IOException {
        String clean = train("jobs", "").summary().paramsSha256();
        Path byBarrier = tmp.resolve("barrier");
        train("barrier", "adan.checkpoint { dir = \"" + byBarrier + "\", every = 3 }");
        assertEquals(List.of("step-000000003", "step-000000006", "step-000000008"), checkpoints(byBarrier));
        deleteCheckpointsAfter(byBarrier, 3);
        TrainResult jobsResumed = train("jobs", "adan.optimizer.shards = 2\nadan.checkpoint { dir = \"" + byBarrier
                + "\", resume = true }");
        assertEquals(clean, jobsResumed.summary().paramsSha256(), "a barrier checkpoint resumed by jobs");
        assertEquals(5, jobsResumed.summary().stepsThisRun());

        Path byJobs = tmp.resolve("jobs");
        train("jobs", "adan.checkpoint { dir = \"" + byJobs + "\", every = 5 }");
        deleteCheckpointsAfter(byJobs, 5);
        TrainResult barrierResumed = train("barrier", "adan.optimizer.shards = 5\nadan.checkpoint { dir = \"" + byJobs
                + "\", resume = true }");
        assertEquals(clean, barrierResumed.summary().paramsSha256(), "a jobs checkpoint resumed by barrier");
        assertEquals(3, barrierResumed.summary().stepsThisRun());
    }

    @Test
    void aModelEmaIsTheSameInBothExecutionsResumesBitForBitAndIsWhatTheRunEvaluatesAndKeeps() throws IOException {
        String plain = train("jobs", "").summary().paramsSha256();
        String ema = "adan.optimizer.ema-decay = 0.9\nadan.train.evaluate-every-epoch = true\n";
        Recorder jobsEvents = new Recorder();
        Recorder barrierEvents = new Recorder();
        TrainResult jobs = train("jobs", ema, jobsEvents);
        TrainResult barrier = train("barrier", ema + "adan.optimizer.shards = 3", barrierEvents);
        assertEquals(plain, jobs.summary().paramsSha256(), "the average leaves the trajectory of θ alone");
        assertEquals(plain, barrier.summary().paramsSha256());
        assertArrayEquals(jobs.params(), barrier.params(), "the same averaged weights reach the driver");
        assertNotEquals(plain, ParamsCodec.sha256(jobs.params()), "the run keeps the average, not θ");
        assertEquals(2, barrierEvents.emas.size(), "after epoch 1 and at the end, both sets of weights");
        for (int i = 0; i < 2; i++) {
            assertEquals(jobsEvents.evaluations.get(i).accuracy(), barrierEvents.evaluations.get(i).accuracy());
            assertEquals(jobsEvents.emas.get(i).accuracy(), barrierEvents.emas.get(i).accuracy());
            assertEquals(jobsEvents.emas.get(i).logLoss(), barrierEvents.emas.get(i).logLoss(), 1e-9);
        }
        assertEquals(barrierEvents.emas.get(1).accuracy(), barrier.summary().emaTestAccuracy());
        assertEquals(barrierEvents.evaluations.get(1).accuracy(), barrier.summary().testAccuracy());

        Path dir = tmp.resolve("ema");
        train("barrier", ema + "adan.checkpoint { dir = \"" + dir + "\", every = 3 }");
        deleteCheckpointsAfter(dir, 3);
        TrainResult resumed = train("jobs", ema + "adan.optimizer.shards = 2\nadan.checkpoint { dir = \"" + dir
                + "\", resume = true }");
        assertEquals(5, resumed.summary().stepsThisRun());
        assertEquals(plain, resumed.summary().paramsSha256());
        assertArrayEquals(jobs.params(), resumed.params(), "the average resumes bit for bit, resharded, in jobs");

        // turning the average off (or on) between runs is refused before training, in either execution
        for (String execution : List.of("jobs", "barrier")) {
            TrainingException e = assertThrows(TrainingException.class, () -> train(execution,
                    "adan.checkpoint { dir = \"" + dir + "\", resume = true }"));
            assertTrue(e.getMessage().contains("holds [m, v, n, g_prev, ema], this run's [m, v, n, g_prev] (it was "
                    + "written with a model EMA"), e.getMessage());
        }
    }

    @Test
    void aDamagedNewestCheckpointIsReportedAndTheOneBeforeIsResumed() throws IOException {
        String clean = train("jobs", "").summary().paramsSha256();
        Path dir = tmp.resolve("damaged");
        train("barrier", "adan.checkpoint { dir = \"" + dir + "\", every = 3 }");
        Path shard = dir.resolve("step-000000008/optimizer/shard-00001.bin");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 2] ^= 1;
        Files.write(shard, bytes);
        TrainResult resumed = train("barrier", "adan.checkpoint { dir = \"" + dir + "\", resume = true }");
        assertEquals(2, resumed.summary().stepsThisRun(), "resumed from step 6, past the damaged step 8");
        assertEquals(clean, resumed.summary().paramsSha256());
    }

    @Test
    void aTaskFailureRestartsTheStageFromTheNewestCheckpointAndChangesNothing() {
        String clean = train("barrier", "").summary().paramsSha256();
        TrainResult fromCheckpoint = train("barrier", "adan.debug.fail-first-attempt-at-steps = [4]\n"
                + "adan.checkpoint { dir = \"" + tmp.resolve("ck") + "\", every = 3 }");
        assertEquals(clean, fromCheckpoint.summary().paramsSha256());
        assertEquals(8, fromCheckpoint.losses().size(), "a replayed step is reported once");
        TrainResult fromStart = train("barrier", "adan.debug.fail-first-attempt-at-steps = [2]");
        assertEquals(clean, fromStart.summary().paramsSha256(), "without checkpoints the stage starts over");
    }

    @Test
    void withoutAModelToKeepTheDriverGetsOnlyTheChecksum() {
        TrainResult r = new SyncTrainer(spark, TestConfigs.mnist("adan.data.partitions = 2\nadan.train.execution = barrier"),
                List.of()).fit(data);
        assertNotNull(r.params(), "fit() returns θ: the estimators build their model from it");
        TrainResult cli = new SyncTrainer(spark, TestConfigs.mnist("adan.data.partitions = 2\nadan.train.execution = barrier"
                + "\nadan.data.train-limit = 3000"), List.of()).run();
        assertNull(cli.params(), "the command line without --save-model needs only params_sha256");
        assertEquals(64, cli.summary().paramsSha256().length());
    }

    @Test
    void aNonFiniteLossFailsNamingTheStepOrIsSkippedAndCountedAsInJobs() {
        String diverge = "adan.optimizer.name = sgd\nadan.optimizer.sgd.lr = 1e30\nadan.optimizer.max-grad-norm = 0\n";
        TrainingException jobs = assertThrows(TrainingException.class, () -> train("jobs", diverge));
        TrainingException barrier = assertThrows(TrainingException.class, () -> train("barrier", diverge));
        assertEquals(jobs.getMessage(), barrier.getMessage());
        String skip = diverge + "adan.optimizer.non-finite = skip";
        RunSummary j = train("jobs", skip).summary();
        RunSummary b = train("barrier", skip).summary();
        assertEquals(j.skippedSteps(), b.skippedSteps());
        assertEquals(j.paramsSha256(), b.paramsSha256());
    }

    @Test
    void moreTasksThanSlotsIsRefusedBeforeTraining() {
        TrainTestData four = new DataLoader(spark, TestConfigs.mnist("").dataSettings(2)).load(0);
        try {
            ConfigurationException e = assertThrows(ConfigurationException.class, () -> new SyncTrainer(spark,
                    TestConfigs.mnist("adan.train.execution = barrier"), List.of()).fit(four));
            assertEquals("adan.train.execution (--execution) barrier runs one task per partition at once: the training "
                    + "data has 4 partitions but the cluster has 2 task slots (executor cores / spark.task.cpus); give "
                    + "--partitions 2 or more executors, or use --execution jobs", e.getMessage());
        } finally {
            four.release();
        }
    }

    @Test
    void dynamicAllocationIsRefusedBeforeTraining() {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> BarrierExecution.refuseDynamicAllocation(
                new org.apache.spark.SparkConf(false).set("spark.dynamicAllocation.enabled", "true")));
        assertEquals("adan.train.execution (--execution) barrier needs a fixed set of executors, but "
                + "spark.dynamicAllocation.enabled is true; turn it off or use --execution jobs", e.getMessage());
        BarrierExecution.refuseDynamicAllocation(new org.apache.spark.SparkConf(false));
    }

    private static List<String> checkpoints(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
        }
    }

    private static void deleteCheckpointsAfter(Path dir, long step) throws IOException {
        for (String name : checkpoints(dir)) {
            if (Long.parseLong(name.substring(5)) > step) {
                try (Stream<Path> files = Files.walk(dir.resolve(name))) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /** Keeps what a run reports. */
    private static final class Recorder implements TrainingListener {
        final List<StepMetrics> steps = new ArrayList<>();
        final List<EvaluationResult> evaluations = new ArrayList<>();
        final List<EvaluationResult> emas = new ArrayList<>();

        @Override
        public void onStep(StepMetrics m) {
            steps.add(m);
        }

        @Override
        public void onEvaluation(int epoch, long step, EvaluationResult test, EvaluationResult ema) {
            evaluations.add(test);
            if (ema != null) {
                emas.add(ema);
            }
        }

        @Override
        public void onFinish(RunSummary summary) {
        }
    }
}
