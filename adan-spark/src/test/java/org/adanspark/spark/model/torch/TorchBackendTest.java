package org.adanspark.spark.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.model.ParamRoles;
import org.adanspark.spark.model.Replica;
import org.adanspark.spark.runtime.NativeEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The PyTorch backend against float64 references made by Debian's python3-torch
 * ({@code python/make_torchscript_fixtures.py}): each model's gradient of the summed cross-entropy on one fixed
 * batch, and its buffers after that pass, to float32 tolerance; and the models it refuses, each with one line.
 */
class TorchBackendTest {

    private static final int M = TorchFixtures.M;
    private static final int WIDTH = TorchFixtures.WIDTH;
    private static final double TOLERANCE = TorchFixtures.TOLERANCE;
    private static final Objective TEN_CLASSES = TorchFixtures.TEN_CLASSES;
    private static final ComputeBackend.DataShape FASHION = TorchFixtures.FASHION;

    static Path fixture(String name) {
        return TorchFixtures.path(name);
    }

    private static ComputeBackend.Prepared prepare(String file) {
        ModelSpec spec = ModelSpec.parse("torchscript:" + fixture(file));
        ComputeBackend backend = ComputeBackend.forSpec(spec);
        assertEquals(TorchModel.BACKEND, backend.name());
        return backend.prepare(spec, FASHION, TEN_CLASSES, 42);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "cnn_bn", "lenet"})
    void aMicroBatchsGradientAndBuffersMatchTheFloat64Reference(String name) throws IOException {
        ComputeBackend.Prepared prepared = prepare(name + ".pt");
        TorchFixtures.Batch batch = TorchFixtures.batch();
        double[] expected = TorchFixtures.f64(name + "-expected.f64");
        ModelHandle model = prepared.model();
        float[] theta = model.initialParams();
        int params = prepared.layout().totalLength() - TorchFixtures.bufferLength(prepared);
        assertEquals(expected.length - 1, theta.length, "loss, then a value per parameter and buffer value");
        TorchFixtures.Pass pass = TorchFixtures.pass(model, theta, batch);
        double loss = pass.loss();
        float[] sum = pass.gradient();
        assertEquals(expected[0], loss, TOLERANCE * expected[0], "summed cross-entropy");
        TorchFixtures.assertGradient(name, expected, 1, params, sum, 1);
        for (int i = params; i < theta.length; i++) { // the buffer moved by this pass: θ − slot/m
            double after = theta[i] - sum[i] / M;
            assertEquals(expected[1 + i], after, TOLERANCE * Math.max(1, Math.abs(expected[1 + i])), name + " buffer " + i);
        }
    }


    @Test
    void batchNormalisationsBuffersAreStatisticsAfterTheParameters() {
        ComputeBackend.Prepared prepared = prepare("cnn_bn.pt");
        assertEquals(16, prepared.layout().numTensors(), "10 parameter tensors, then 6 buffers");
        assertEquals(5186 + 46, prepared.layout().totalLength());
        assertEquals(List.of(new ParamRoles.Range(5186, 5186 + 46, ParamRoles.Role.STATISTIC)),
                prepared.roles().nonTrained(prepared.layout()));
        assertArrayEquals(new int[] {1, 28, 28}, prepared.model().exampleShape(), "probed as an image");
        assertEquals(6, prepared.layout().rows(0), "conv1's weight [6, 1, 5, 5]: 6 rows");
        assertTrue(prepare("mlp.pt").roles().allTrained());
        assertArrayEquals(new int[] {784}, prepare("mlp.pt").model().exampleShape(), "a flat row");
    }

    @Test
    void thetaGoesInAndComesOutBitForBitAndTheSavedModuleHoldsIt() throws IOException {
        ComputeBackend.Prepared prepared = prepare("cnn_bn.pt");
        TorchModel model = (TorchModel) prepared.model();
        float[] theta = model.initialParams();
        float[] moved = theta.clone();
        for (int i = 0; i < moved.length; i++) { // buffers +3: batch normalisation's counter is an integer
            moved[i] = i < 5186 ? moved[i] * 0.5f + i * 1e-4f : moved[i] + 3;
        }
        try (TorchModule module = model.load()) {
            module.setTheta(moved);
            assertArrayEquals(moved, module.theta());
        }
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        model.writeNative(moved, saved);
        TorchModel reloaded = TorchModel.of(saved.toByteArray(), TEN_CLASSES, false, model.exampleShape());
        assertArrayEquals(moved, reloaded.initialParams(), "the saved module starts from the trained θ");
        ModelHandle restored = ComputeBackend.named(TorchModel.BACKEND).restore(model.definition(), model.exampleShape());
        assertEquals(model.sha256(), restored.sha256());
        float[] x = new float[2 * WIDTH];
        Arrays.fill(x, 0.25f);
        try (Replica a = model.predictor("a", moved); Replica b = restored.predictor("b", moved)) {
            float[] p = a.output(x, 2);
            assertArrayEquals(p, b.output(x, 2));
            assertEquals(1.0, p[0] + p[1] + p[2] + p[3] + p[4] + p[5] + p[6] + p[7] + p[8] + p[9], 1e-5, "probabilities");
        }
    }

    /**
     * A module whose training pass draws random numbers (dropout) is seeded per micro-batch: the same seed gives
     * the same gradient, another seed another; a module that draws none is found to, and its passes need
     * neither the seed nor libtorch's one generator.
     */
    @Test
    void aPassThatDrawsIsSeededAndOneThatDoesNotIsFoundNotTo() {
        ComputeBackend.Prepared dropout = prepare("mlp_dropout.pt");
        assertTrue(dropout.model().definition().contains("\ndraws true\n"));
        assertTrue(prepare("mlp.pt").model().definition().contains("\ndraws false\n"));
        assertTrue(prepare("cnn_bn.pt").model().definition().contains("\ndraws false\n"), "batch statistics draw nothing");
        float[] x = new float[4 * WIDTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 97) / 97f;
        }
        float[] labels = new float[40];
        for (int i = 0; i < 4; i++) {
            labels[i * 10 + i] = 1;
        }
        float[] theta = dropout.model().initialParams();
        float[][] g = new float[3][];
        long[] seeds = {5, 5, 6};
        for (int k = 0; k < 3; k++) {
            try (Replica r = dropout.model().lease(theta)) {
                r.addGradient(x, labels, 4, 1, seeds[k]);
                g[k] = r.gradientSum();
            }
        }
        assertArrayEquals(g[0], g[1], "the same seed, the same draws");
        assertTrue(!Arrays.equals(g[0], g[2]), "another seed, other draws");
    }

    /** What makes the convolutions right and the bits the same on every x86-64 CPU, unless the environment says. */
    @Test
    void libtorchRunsWithOneDnnCappedMklOnOnePathAndAtenAtAvx2() {
        TorchRuntime.engine();
        String isa = System.getenv(TorchRuntime.ONEDNN_ENV);
        String mkl = System.getenv(TorchRuntime.MKL_ENV);
        String log = System.getenv(TorchRuntime.LOG_ENV);
        assertEquals(log == null || log.isBlank() ? TorchRuntime.LOG_LEVEL : log, NativeEnvironment.get(TorchRuntime.LOG_ENV));
        String aten = System.getenv(TorchRuntime.ATEN_ENV);
        assertEquals(aten == null || aten.isBlank() ? TorchRuntime.ATEN_CAPABILITY : aten,
                NativeEnvironment.get(TorchRuntime.ATEN_ENV));
        assertEquals(isa == null || isa.isBlank() ? TorchRuntime.ONEDNN_ISA : isa, NativeEnvironment.get(TorchRuntime.ONEDNN_ENV));
        assertEquals(mkl == null || mkl.isBlank() ? TorchRuntime.MKL_MODE : mkl, NativeEnvironment.get(TorchRuntime.MKL_ENV));
    }

    /** {@code --compute-threads}: each task sets libtorch's intra-op threads to it; 0 leaves them. */
    @Test
    void aTasksThreadCountIsLibtorchs() {
        int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
        try {
            TorchRuntime.threads(1);
            assertEquals(1, ai.djl.pytorch.jni.JniUtils.getNumThreads());
            TorchRuntime.threads(0);
            assertEquals(1, ai.djl.pytorch.jni.JniUtils.getNumThreads(), "0 leaves it");
            TorchRuntime.threads(3);
            assertEquals(3, ai.djl.pytorch.jni.JniUtils.getNumThreads());
        } finally {
            TorchRuntime.threads(before);
        }
    }

    @Test
    void badModelsAreRefusedWithOneLine() throws IOException {
        assertRefused("bad-bn-without-buffer-methods.pt", "changes its own state in a training pass");
        assertRefused("bad-bn-without-buffer-methods.pt", "python/adan_spark/torchscript.py");
        assertRefused("bad-two-outputs.pt", "the module returns 2 tensors; it must return one");
        assertRefused("bad-two-inputs.pt", "its forward takes more than one tensor; a model takes one");
        assertRefused("bad-no-parameters.pt", "has no parameters to train");
        Path notTorchScript = Files.createTempFile("adan", ".pt");
        Files.writeString(notTorchScript, "not a model");
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> ComputeBackend.forSpec(
                ModelSpec.parse(notTorchScript.toString())).prepare(ModelSpec.parse(notTorchScript.toString()), FASHION,
                TEN_CLASSES, 42));
        assertTrue(e.getMessage().contains("not a TorchScript module"), e.getMessage());
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
        Files.delete(notTorchScript);
        e = assertThrows(ConfigurationException.class, () -> ComputeBackend.forSpec(ModelSpec.parse("torchscript:/no/such.pt"))
                .prepare(ModelSpec.parse("torchscript:/no/such.pt"), FASHION, TEN_CLASSES, 42));
        assertTrue(e.getMessage().contains("/no/such.pt"), e.getMessage());
        e = assertThrows(ConfigurationException.class, () -> ComputeBackend.forSpec(ModelSpec.parse("mlp.pt")).prepare(
                ModelSpec.parse("torchscript:" + fixture("mlp.pt")), FASHION, Objective.classification(3), 42));
        assertTrue(e.getMessage().contains("needs [1, 3]"), e.getMessage());
    }

    private static void assertRefused(String file, String expected) {
        ConfigurationException e = assertThrows(ConfigurationException.class, () -> prepare(file));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertTrue(e.getMessage().contains(file), e.getMessage());
    }
}
