package org.adanspark.spark.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.model.ModelSpec;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/** Model presets, user JSON, and the DL4J gradient convention the trainer relies on. */
class Dl4jConfigurationsTest {

    @TempDir
    Path tmp;

    private static long params(ModelSpec spec, int inputs, int classes) {
        Network net = Network.fromJson(Dl4jConfigurations.of(spec, inputs, classes, 1));
        net.init();
        return net.params().length();
    }

    @Test
    void presetsHaveTheExpectedParameterCounts() {
        assertEquals(784 * 10 + 10, params(ModelSpec.parse("linear"), 784, 10));
        assertEquals(784 * 256 + 256 + 256 * 10 + 10, params(ModelSpec.parse("mlp:256"), 784, 10));
        assertEquals(20 + 123 * 64 + 64 + 64 * 32 + 32 + 32 * 2 + 2 - 20,
                params(ModelSpec.parse("mlp:64,32:activation=tanh:dropout=0.2"), 123, 2));
        // conv 5x5x1x20 + 20, conv 5x5x20x50 + 50, dense 800x500 + 500, out 500x10 + 10
        assertEquals(520 + 25050 + 400500 + 5010, params(ModelSpec.parse("lenet"), 784, 10));
        // stem 3×3×1×16, stage 1: 2 × 3×3×16×16, stage 2: 3×3×16×32 + 3×3×32×32 + 1×1 projection, stage 3
        // likewise at 64, each with biases; output 64×10 + 10
        assertEquals(160 + 2 * 2320 + (4640 + 9248 + 544) + (18496 + 36928 + 2112) + 650,
                params(ModelSpec.parse("resnet"), 784, 10));
        // embedding 65×128, positions 128×64, per block 4 d² + 2 × 4 d² + 4d + d + d + 4d (norms), output
        int d = 128;
        assertEquals(65 * d + d * 64 + 2 * (12 * d * d + 4 * d + 2 * d + 4 * d) + d * 65 + 65,
                params(ModelSpec.parse("charlm"), 64, 65));
    }

    @Test
    void eachWeightMatrixIsSeenAsItsOutputsByTheirContiguousFanIn() {
        ParamLayout mlp = layout(ModelSpec.parse("mlp:256"), 784, 10);
        assertEquals("ParamLayout[0_W=256x784, 0_b=256, 1_W=10x256, 1_b=10; total=203530]", mlp.toString());
        // lenet: convolution kernels [out, in, kh, kw] in row-major order, dense weights column-major
        ParamLayout lenet = layout(ModelSpec.parse("lenet"), 784, 10);
        assertEquals(20, lenet.rows(lenet.names().indexOf("0_W")));
        assertEquals(25, lenet.cols(lenet.names().indexOf("0_W")));
        assertEquals(50, lenet.rows(lenet.names().indexOf("2_W")));
        assertEquals(20 * 25, lenet.cols(lenet.names().indexOf("2_W")));
        assertEquals(500, lenet.rows(lenet.names().indexOf("4_W")));
        // the row view must match the flat order: row r of 0_W holds output r's weights
        Network net = Network.fromJson(Dl4jConfigurations.of(ModelSpec.parse("mlp:256"), 784, 10, 1));
        net.init();
        org.nd4j.linalg.api.ndarray.INDArray w = net.paramTable().get("0_W");
        float[] flat = net.params().toFloatVector();
        assertEquals(w.getFloat(3, 7), flat[mlp.offset(0) + 7 * mlp.cols(0) + 3], "input 3 of output 7");
        ParamLayout charlm = layout(ModelSpec.parse("charlm"), 64, 65);
        long matrices = java.util.stream.IntStream.range(0, charlm.numTensors())
                .filter(t -> charlm.rows(t) >= 2 && charlm.cols(t) >= 2).count();
        assertTrue(matrices >= 6, "embeddings and attention/feed-forward weights: " + charlm);
    }

    private static ParamLayout layout(ModelSpec spec, int inputs, int classes) {
        Network net = Network.fromJson(Dl4jConfigurations.of(spec, inputs, classes, 1));
        net.init();
        return Dl4jBackend.layoutOf(net);
    }

    @Test
    void badSpecsAreRefusedNamingThePart() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("mlp"))
                .getMessage().contains("mlp needs hidden widths"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("mlp:64:dropout=1.5"))
                .getMessage().contains("dropout must be in [0, 1), got 1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("mlp:64:activation=cube"))
                .getMessage().contains("unknown activation 'cube'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("convnext"))
                .getMessage().contains("unknown kind 'convnext'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("resnet:depth=10"))
                .getMessage().contains("resnet depth must be 6n + 2 with n >= 1 (8, 14, 20, …), got 10"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("charlm:width=100:heads=8"))
                .getMessage().contains("charlm width 100 must be a multiple of heads 8"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("charlm:body=gru"))
                .getMessage().contains("unknown charlm body 'gru'; use attention or lstm"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("mlp:64:depth=3"))
                .getMessage().contains("unknown option 'depth'; options are activation, dropout"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Dl4jConfigurations.of(ModelSpec.parse("resnet"), 123, 2, 1))
                .getMessage().contains("'resnet' takes 28×28 or 32×32 images of 1 or 3 channels"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Dl4jConfigurations.of(ModelSpec.parse("lenet"), 123, 2, 1))
                .getMessage().contains("'lenet' needs 28×28"));
    }

    @Test
    void aUserConfigurationIsReadWithItsWidths() throws IOException {
        String conf = Dl4jConfigurations.of(ModelSpec.parse("mlp:16"), 20, 4, 3);
        Path json = tmp.resolve("net.json");
        Files.writeString(json, conf);
        ModelSpec spec = ModelSpec.parse("json:" + json);
        assertArrayEquals(new int[] {20, 4}, new Dl4jBackend().declaredWidths(spec).orElseThrow());
        assertEquals(conf, Dl4jConfigurations.of(spec, 0, 0, 3), "read as written, the run's seed being the file's");
    }

    @Test
    void theRunsSeedDrawsAUserConfigurationsWeightsNotTheSeedInTheFile() throws IOException {
        Path stack = tmp.resolve("stack.json");
        Files.writeString(stack, Dl4jConfigurations.of(ModelSpec.parse("mlp:16"), 20, 4, 3));
        Path graph = tmp.resolve("graph.json");
        Files.writeString(graph, Dl4jConfigurations.of(ModelSpec.parse("resnet:depth=8:width=4"), 784, 10, 3));
        for (Path file : new Path[] {stack, graph}) {
            ModelSpec spec = ModelSpec.parse("json:" + file);
            float[] seven = initial(Dl4jConfigurations.of(spec, 0, 0, 7));
            assertArrayEquals(seven, initial(Dl4jConfigurations.of(spec, 0, 0, 7)), file + ": same seed, same weights");
            assertFalse(Arrays.equals(seven, initial(Dl4jConfigurations.of(spec, 0, 0, 8))),
                    file + ": another seed, other weights");
            assertArrayEquals(initial(Files.readString(file)), initial(Dl4jConfigurations.of(spec, 0, 0, 3)),
                    file + ": the file's own seed gives the file's weights");
        }
    }

    private static float[] initial(String json) {
        Network net = Network.fromJson(json);
        net.init();
        return net.params().toFloatVector();
    }

    @Test
    void dl4jGradientsAreSummedOverTheMicroBatchAndTheScoreIsTheMean() {
        // Dl4jReplica adds DL4J's gradients micro-batch by micro-batch and weights the score by size.
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(
                Dl4jConfigurations.of(ModelSpec.parse("mlp:8"), 5, 3, 1)));
        net.init();
        float[] x = {0.1f, -0.4f, 0.3f, 0.9f, -0.2f};
        float[] y = {0, 1, 0};
        net.setInput(Nd4j.create(x, new long[] {1, 5}, 'c'));
        net.setLabels(Nd4j.create(y, new long[] {1, 3}, 'c'));
        net.computeGradientAndScore();
        float[] one = net.getFlattenedGradients().toFloatVector();
        double scoreOne = net.score();
        float[] x2 = new float[10];
        float[] y2 = new float[6];
        for (int r = 0; r < 2; r++) {
            System.arraycopy(x, 0, x2, 5 * r, 5);
            System.arraycopy(y, 0, y2, 3 * r, 3);
        }
        net.setInput(Nd4j.create(x2, new long[] {2, 5}, 'c'));
        net.setLabels(Nd4j.create(y2, new long[] {2, 3}, 'c'));
        net.computeGradientAndScore();
        float[] two = net.getFlattenedGradients().toFloatVector();
        assertEquals(scoreOne, net.score(), 1e-6 * Math.abs(scoreOne));
        for (int i = 0; i < one.length; i++) {
            assertEquals(2 * one[i], two[i], 1e-6f * Math.max(1, Math.abs(two[i])), "gradient " + i);
        }
    }
}
