package org.adanspark.spark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.testing.SparkTestSession;
import org.adanspark.spark.testing.TestConfigs;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.zoo.ZooModel;
import org.deeplearning4j.zoo.model.FaceNetNN4Small2;
import org.deeplearning4j.zoo.model.SimpleCNN;
import org.deeplearning4j.zoo.model.SqueezeNet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DL4J's model-zoo graphs train as they are, batch normalisation included (docs/MODELS.md): the small ones
 * that build for 28×28 MNIST images — {@code SqueezeNet} (a graph without batch normalisation) and
 * {@code FaceNetNN4Small2} (a graph with 74 batch-norm statistics) — each built from its JSON and trained a
 * few steps in the barrier execution, twice to the same bits; {@code SimpleCNN}, whose last layer is an
 * activation with no loss, is refused before training. (Darknet19, Xception and VGG16 at 28×28 and AlexNet
 * at 64×64 also build; at 20–40M parameters they are too slow for a test.)
 */
class ZooGraphsTest {

    private static SparkSession spark;
    private static TrainTestData mnist;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start();
        mnist = new DataLoader(spark, TestConfigs.mnist("adan.data.partitions = 2\nadan.data.train-limit = 256\n"
                + "adan.data.test-limit = 64").dataSettings(2)).load(0);
    }

    @AfterAll
    static void stop() {
        mnist.release();
        spark.stop();
    }

    private static String json(String name) {
        int[] shape = {1, 28, 28};
        ZooModel<?> zoo = switch (name) {
            case "SimpleCNN" -> SimpleCNN.builder().numClasses(10).inputShape(shape).build();
            case "SqueezeNet" -> SqueezeNet.builder().numClasses(10).inputShape(shape).build();
            default -> FaceNetNN4Small2.builder().numClasses(10).inputShape(shape).build();
        };
        Object net = zoo.init();
        return net instanceof ComputationGraph g ? g.getConfiguration().toJson()
                : ((MultiLayerNetwork) net).getLayerWiseConfigurations().toJson();
    }

    @Test
    void simpleCnnIsRefusedBeforeTrainingForItsLastLayer() throws IOException {
        Path file = tmp.resolve("SimpleCNN.json");
        Files.writeString(file, json("SimpleCNN"));
        RunPlan plan = TestConfigs.mnist("adan.data.partitions = 2\nadan.model.spec = \"json:" + file + "\"");
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> new SyncTrainer(spark, plan, List.of()).fit(mnist));
        assertTrue(e.getMessage().contains("cannot be trained: Cannot calculate gradient and score with respect to labels: "
                + "final layer is not an IOutputLayer"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"SqueezeNet", "FaceNetNN4Small2"})
    void aZooGraphTrainsToTheSameBitsTwice(String name) throws IOException {
        Path file = tmp.resolve(name + ".json");
        Files.writeString(file, json(name));
        RunPlan plan = TestConfigs.mnist("adan.data.partitions = 2\nadan.data.train-limit = 256\nadan.data.test-limit = 64\n"
                + "adan.train.execution = barrier\nadan.model.spec = \"json:" + file + "\"\nadan.train.global-batch = 32\n"
                + "adan.train.micro-batch = 16\nadan.train.max-steps = 2\nadan.optimizer.shards = 2\n"
                + "adan.train.evaluate-every-epoch = false");
        TrainResult first = new SyncTrainer(spark, plan, List.of()).fit(mnist);
        TrainResult second = new SyncTrainer(spark, plan, List.of()).fit(mnist);
        assertEquals(2, first.summary().steps());
        assertTrue(Double.isFinite(first.summary().finalLoss()), name + ": loss " + first.summary().finalLoss());
        assertEquals(first.summary().paramsSha256(), second.summary().paramsSha256(), name);
    }
}
