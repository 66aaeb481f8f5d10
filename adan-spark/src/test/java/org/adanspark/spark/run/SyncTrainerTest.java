package org.adanspark.spark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.error.TrainingException;
import org.adanspark.spark.metrics.EvaluationResult;
import org.adanspark.spark.metrics.RunSummary;
import org.adanspark.spark.metrics.StepMetrics;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.step.Evaluator;
import org.adanspark.spark.testing.SparkTestSession;
import org.adanspark.spark.testing.TestConfigs;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer's guarantees on real MNIST: bit-identical parameters across repeated runs, all-reduce
 * modes, injected task failures, resume and resharded resume; it learns; non-finite losses follow the
 * policy. Every comparison is of {@code params_sha256}, i.e. exact.
 */
class SyncTrainerTest {

    private static SparkSession spark;
    private static TrainTestData data;
    private static String cleanSha;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start();
        data = new DataLoader(spark, TestConfigs.mnist("").dataSettings(2)).load(0);
        cleanSha = train("").summary().paramsSha256();
    }

    @AfterAll
    static void stop() {
        data.release();
        spark.stop();
    }

    private static TrainResult train(String overrides, TrainingListener... listeners) {
        return new SyncTrainer(spark, TestConfigs.mnist(overrides), List.of(listeners)).fit(data);
    }

    @Test
    void theSameRunTwiceGivesIdenticalParameters() {
        TrainResult again = train("");
        assertEquals(cleanSha, again.summary().paramsSha256());
        assertEquals(8, again.summary().steps());
    }

    @Test
    void theEvaluationMatchesALocalForwardPass() {
        TrainResult r = train("");
        EvaluationResult distributed = Evaluator.evaluate(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                data.test(), r.model(), r.params());
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(r.modelDefinition()));
        net.init(Nd4j.create(r.params(), new long[] {1, r.params().length}, 'c'), true);
        long correct = 0;
        double logLoss = 0;
        long rows = 0;
        for (FeatureBlock block : data.test().blocks().collect()) {
            for (int from = 0; from < block.rows(); from += 1024) { // the evaluator's batches: the same GEMMs
                int m = Math.min(1024, block.rows() - from);
                float[] x = Arrays.copyOfRange(block.features(), from * block.dim(), (from + m) * block.dim());
                INDArray out = net.output(Nd4j.create(x, new long[] {m, block.dim()}, 'c'), false);
                for (int i = 0; i < m; i++) {
                    int label = (int) block.labels()[from + i];
                    correct += out.getRow(i).argMax().getInt(0) == label ? 1 : 0;
                    logLoss -= Math.log(Math.max(out.getDouble(i, label), 1e-30));
                }
            }
            rows += block.rows();
        }
        assertEquals((double) correct / rows, distributed.accuracy(), 0.0);
        // The same probabilities summed in double, per partition there and in one running sum here: only the
        // order of the additions differs, which moves the mean by a few double ulps.
        assertEquals(logLoss / rows, distributed.logLoss(), 1e-12 * logLoss / rows);
        assertEquals(distributed.logLoss() / Math.log(2), distributed.bits(), 1e-15);
    }

    @Test
    void aDifferentSeedGivesDifferentParameters() {
        assertNotEquals(cleanSha, train("adan.train.seed = 7").summary().paramsSha256());
    }

    @Test
    void shardedAndTreeAllReduceAgreeBitForBit() {
        assertEquals(cleanSha, train("adan.train.allreduce = tree").summary().paramsSha256());
    }

    @Test
    void injectedTaskFailuresAreRetriedAndChangeNothing() {
        // Every task's first attempt fails at steps 1, 4 and 6 (the gradient stage and the reduce stage).
        TrainResult r = train("adan.debug.fail-first-attempt-at-steps = [1, 4, 6]");
        assertEquals(cleanSha, r.summary().paramsSha256());
    }

    @Test
    void itLearnsAndReportsEveryStep() {
        List<StepMetrics> steps = new ArrayList<>();
        TrainResult r = train("adan.train.max-steps = 12", new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                steps.add(m);
            }

            @Override
            public void onFinish(RunSummary s) {
            }
        });
        assertEquals(12, steps.size());
        // 3000 rows at 512 per step: 6 steps an epoch, the last one the 440 rows left over.
        assertEquals(512, steps.get(0).examples());
        assertEquals(440, steps.get(5).examples());
        assertEquals(1, steps.get(6).epoch());
        double first = steps.get(0).loss();
        double last = steps.get(11).loss();
        assertTrue(last < 0.6 * first, "loss " + first + " -> " + last);
        assertTrue(r.summary().testAccuracy() > 0.75, "accuracy " + r.summary().testAccuracy());
        StepMetrics m = steps.get(3);
        assertEquals(4L * r.params().length, m.driverBytesOut());
        assertEquals(4L * r.params().length, m.driverBytesIn());
        assertTrue(m.computeMs() > 0 && m.updateMs() > 0 && m.examplesPerSec() > 0);
    }

    @Test
    void resumeFromACheckpointEqualsTheUninterruptedRun() throws IOException {
        String ckpt = tmp.resolve("ckpt").toString();
        train("adan.checkpoint { dir = \"" + ckpt + "\", every = 3, keep = 5 }");
        // Pretend the run died after step 3: only the first checkpoint survives.
        deleteCheckpoint(ckpt, 6);
        deleteCheckpoint(ckpt, 8);
        TrainResult resumed = train("adan.checkpoint { dir = \"" + ckpt + "\", resume = true }");
        assertEquals(5, resumed.summary().stepsThisRun());
        assertEquals(cleanSha, resumed.summary().paramsSha256());
    }

    @Test
    void resumeWithADifferentShardCountEqualsTheUninterruptedRun() throws IOException {
        String ckpt = tmp.resolve("ckpt").toString();
        train("adan.checkpoint { dir = \"" + ckpt + "\", every = 4 }");
        deleteCheckpoint(ckpt, 8);
        TrainResult resumed = train("adan.optimizer.shards = 7\nadan.checkpoint { dir = \"" + ckpt + "\", resume = true }");
        assertEquals(4, resumed.summary().stepsThisRun());
        assertEquals(cleanSha, resumed.summary().paramsSha256());
    }

    @Test
    void aDamagedNewestCheckpointIsReportedAndTheOneBeforeIsUsed() throws IOException {
        String ckpt = tmp.resolve("ckpt").toString();
        train("adan.checkpoint { dir = \"" + ckpt + "\", every = 4 }");
        truncate(Path.of(ckpt, "step-000000008", "optimizer", "shard-00001.bin"));
        TrainResult resumed = train("adan.checkpoint { dir = \"" + ckpt + "\", resume = true }");
        assertEquals(4, resumed.summary().stepsThisRun());
        assertEquals(cleanSha, resumed.summary().paramsSha256());
    }

    @Test
    void aDamagedCheckpointIsWrittenAgainSoTheNextResumeLandsOnIt() throws IOException {
        String ckpt = tmp.resolve("ckpt").toString();
        train("adan.checkpoint { dir = \"" + ckpt + "\", every = 4 }");
        Path shard = Path.of(ckpt, "step-000000008", "optimizer", "shard-00001.bin");
        truncate(shard);
        long damagedSize = Files.size(shard);
        TrainResult first = train("adan.checkpoint { dir = \"" + ckpt + "\", resume = true }");
        assertEquals(4, first.summary().stepsThisRun(), "fell back to step 4 past the damaged step 8");
        assertEquals(damagedSize + 8, Files.size(shard), "step 8 was written again, whole");
        TrainResult second = train("adan.checkpoint { dir = \"" + ckpt + "\", resume = true }");
        assertEquals(0, second.summary().stepsThisRun(), "the second resume starts from step 8, the newest");
        assertEquals(cleanSha, second.summary().paramsSha256());
        try (Stream<Path> left = Files.list(Path.of(ckpt))) {
            assertEquals(List.of("step-000000004", "step-000000008"),
                    left.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary or damaged copy is left");
        }
    }

    @Test
    void whenEveryCheckpointIsDamagedResumeFailsNamingTheFiles() throws IOException {
        String ckpt = tmp.resolve("ckpt").toString();
        train("adan.checkpoint { dir = \"" + ckpt + "\", every = 4 }");
        truncate(Path.of(ckpt, "step-000000008", "params.bin"));
        truncate(Path.of(ckpt, "step-000000004", "optimizer", "shard-00002.bin"));
        var e = assertThrows(java.io.UncheckedIOException.class,
                () -> train("adan.checkpoint { dir = \"" + ckpt + "\", resume = true }"));
        assertTrue(e.getMessage().contains("step-000000008/params.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("shard-00002.bin"), e.getMessage());
    }

    @Test
    void resumingAnotherRunsCheckpointIsRefusedNamingTheSetting() {
        String ckpt = tmp.resolve("ckpt").toString();
        train("adan.checkpoint { dir = \"" + ckpt + "\" }");
        TrainingException e = assertThrows(TrainingException.class,
                () -> train("adan.train.global-batch = 256\nadan.checkpoint { dir = \"" + ckpt + "\", resume = true }"));
        assertTrue(e.getMessage().contains("adan.train.global-batch was 512, is 256"), e.getMessage());
    }

    @Test
    void resumingWithAnotherPartitionCountIsRefusedNamingTheFlag() {
        String ckpt = tmp.resolve("ckpt").toString();
        train("adan.checkpoint { dir = \"" + ckpt + "\" }");
        TrainTestData three = new DataLoader(spark, TestConfigs.mnist("adan.data.partitions = 3").dataSettings(2)).load(0);
        try {
            TrainingException e = assertThrows(TrainingException.class, () -> new SyncTrainer(spark,
                    TestConfigs.mnist("adan.checkpoint { dir = \"" + ckpt + "\", resume = true }"), List.of()).fit(three));
            assertTrue(e.getMessage().contains("adan.data.partitions was 4, is 3 (the partition count changes the bits; "
                    + "pass --partitions 4)"), e.getMessage());
        } finally {
            three.release();
        }
    }

    @Test
    void aNonFiniteLossFailsNamingTheStepOrIsSkippedAndCounted() {
        String diverge = "adan.optimizer.name = sgd\nadan.optimizer.sgd.lr = 1e30\nadan.optimizer.max-grad-norm = 0\n";
        TrainingException e = assertThrows(TrainingException.class, () -> train(diverge));
        assertTrue(e.getMessage().matches("(?s)step \\d+ \\(epoch 1\\): .*(loss is NaN|loss is Infinity|gradient).*"),
                e.getMessage());
        TrainResult skipped = train(diverge + "adan.optimizer.non-finite = skip");
        assertTrue(skipped.summary().skippedSteps() > 0, "skipped " + skipped.summary().skippedSteps());
        assertEquals(8, skipped.summary().steps());
    }

    private static void truncate(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 8);
        }
    }

    private static void deleteCheckpoint(String dir, long step) throws IOException {
        Path p = Path.of(dir, String.format("step-%09d", step));
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
