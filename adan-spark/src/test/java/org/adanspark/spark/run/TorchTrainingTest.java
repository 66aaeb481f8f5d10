package org.adanspark.spark.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.testing.SparkTestSession;
import org.adanspark.spark.testing.TestConfigs;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TorchScript models trained end to end by the PyTorch backend on MNIST, through the same trainer as DL4J's:
 * a batch-normalised CNN to the same bits twice, in either execution, and resumed from a checkpoint with
 * another shard count; every optimizer on a module without buffers; the residual preset with batch
 * normalisation on DJL's blocks.
 */
class TorchTrainingTest {

    private static SparkSession spark;
    private static TrainTestData mnist;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start();
        mnist = new DataLoader(spark, TestConfigs.mnist("adan.data.partitions = 2").dataSettings(2)).load(0);
    }

    @AfterAll
    static void stop() {
        mnist.release();
        spark.stop();
    }

    private static String module(String name) {
        try {
            return Path.of(TorchTrainingTest.class.getResource("/torchscript/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 4 steps of 128 examples over 2 partitions. */
    private static TrainResult train(String model, String overrides) {
        RunPlan plan = TestConfigs.mnist("adan.data.partitions = 2\nadan.model.spec = \"torchscript:" + module(model)
                + "\"\nadan.train.global-batch = 128\nadan.train.micro-batch = 64\nadan.train.max-steps = 4\n"
                + "adan.optimizer.shards = 2\n" + overrides);
        return new SyncTrainer(spark, plan, List.of()).fit(mnist);
    }

    @Test
    void aBatchNormalisedModuleTrainsToTheSameBitsInEitherExecutionAndResumesExactly() throws IOException {
        TrainResult barrier = train("cnn_bn.pt", "adan.train.execution = barrier");
        String bits = barrier.summary().paramsSha256();
        assertEquals(4, barrier.summary().steps());
        assertArrayEquals(new int[] {1, 28, 28}, barrier.model().exampleShape());
        assertEquals("pytorch", barrier.model().backend());
        assertEquals(bits, train("cnn_bn.pt", "adan.train.execution = barrier").summary().paramsSha256(), "twice");
        assertEquals(bits, train("cnn_bn.pt", "adan.train.execution = jobs\nadan.optimizer.shards = 3").summary()
                .paramsSha256(), "the jobs execution, another shard count");
        float[] initial = barrier.model().initialParams();
        float[] trained = barrier.params();
        int firstBuffer = 5186;
        assertNotEquals(initial[firstBuffer], trained[firstBuffer], "batch normalisation's running mean moved");
        assertEquals(initial[firstBuffer + 12] + 4, trained[firstBuffer + 12], "its batch counter counts the 4 steps");

        String ckpt = tmp.resolve("ckpt").toString();
        train("cnn_bn.pt", "adan.train.execution = barrier\nadan.checkpoint { dir = \"" + ckpt + "\", every = 2 }");
        ModelKindsTest.deleteCheckpoint(Path.of(ckpt, "step-000000004"));
        TrainResult resumed = train("cnn_bn.pt", "adan.train.execution = jobs\nadan.checkpoint { dir = \"" + ckpt
                + "\", resume = true }\nadan.optimizer.shards = 5");
        assertEquals(2, resumed.summary().stepsThisRun());
        assertEquals(bits, resumed.summary().paramsSha256(), "the buffers are in θ: a checkpoint carries them");
        assertTrue(resumed.summary().testAccuracy() > 0.1, "accuracy " + resumed.summary().testAccuracy());
    }

    /**
     * {@code --backend pytorch --model resnet}: the preset with batch normalisation, built from DJL's blocks, to
     * the same bits in either execution, the jobs run through a failed gradient task.
     */
    @Test
    void theResNetPresetWithBatchNormalisationTrainsToTheSameBitsInEitherExecutionThroughAFailedTask() {
        String preset = "adan.model { backend = pytorch, spec = \"resnet:depth=8:width=8\" }\n";
        TrainResult barrier = train("mlp.pt", preset + "adan.train.execution = barrier");
        assertEquals("pytorch", barrier.model().backend());
        assertTrue(barrier.model().definition().startsWith("adan-torch-preset 1\n"), barrier.model().definition());
        TrainResult jobs = train("mlp.pt", preset + "adan.train.execution = jobs\n"
                + "adan.debug.fail-first-attempt-at-steps = [2]");
        assertEquals(barrier.summary().paramsSha256(), jobs.summary().paramsSha256(), "barrier = jobs with a retried task");
        float[] initial = barrier.model().initialParams();
        float[] trained = barrier.params();
        int runningVariance = initial.length - 1;
        assertEquals(1f, initial[runningVariance]);
        assertNotEquals(initial[runningVariance], trained[runningVariance], "batch normalisation's running variance moved");
    }

    @Test
    void everyOptimizerTrainsAModuleWithoutBuffers() {
        for (String name : OptimizerSpec.NAMES) {
            TrainResult r = train("mlp.pt", "adan.optimizer.name = " + name + "\nadan.train.max-steps = 2");
            assertEquals(2, r.summary().steps(), name);
            assertTrue(Double.isFinite(r.summary().finalLoss()), name + " loss " + r.summary().finalLoss());
        }
    }
}
