package org.adanspark.spark.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.adanspark.spark.data.DataValidationException;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.model.ParamRoles;
import org.adanspark.spark.model.Replica;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The presets of the PyTorch backend ({@code --backend pytorch}) against float64 references made by Debian's
 * python3-torch from the same θ ({@code python/make_torchscript_fixtures.py}, {@code preset-*-expected.f64}):
 * the initial θ is drawn the same way in both, the gradient of the summed cross-entropy on the fixed batch
 * and the running statistics after the pass match to float32 tolerance.
 */
class TorchPresetsTest {

    private static final int M = TorchFixtures.M;
    private static final double TOLERANCE = TorchFixtures.TOLERANCE;
    private static final Objective TEN_CLASSES = TorchFixtures.TEN_CLASSES;
    private static final ComputeBackend.DataShape FASHION = TorchFixtures.FASHION;

    private static ComputeBackend.Prepared prepare(String spec, ComputeBackend.DataShape data, Objective objective) {
        ModelSpec parsed = ModelSpec.parse(spec);
        ComputeBackend backend = ComputeBackend.forSpec(parsed, TorchModel.BACKEND);
        assertEquals(TorchModel.BACKEND, backend.name());
        return backend.prepare(parsed, data, objective, 42);
    }

    @ParameterizedTest
    @CsvSource({"mlp:32, preset-mlp", "lenet, preset-lenet", "resnet:depth=8:width=16, preset-resnet"})
    void aPresetsGradientAndRunningStatisticsMatchTheFloat64Reference(String spec, String name) throws IOException {
        ComputeBackend.Prepared prepared = prepare(spec, FASHION, TEN_CLASSES);
        TorchFixtures.Batch batch = TorchFixtures.batch();
        double[] expected = TorchFixtures.f64(name + "-expected.f64");
        int stride = (int) expected[0];
        ModelHandle model = prepared.model();
        float[] theta = model.initialParams();
        int params = theta.length - TorchFixtures.bufferLength(prepared);
        int kept = (params + stride - 1) / stride;
        assertEquals(2 + kept + TorchFixtures.bufferLength(prepared), expected.length, "stride, loss, kept gradient values, buffers");
        TorchFixtures.Pass pass = TorchFixtures.pass(model, theta, batch);
        double loss = pass.loss();
        float[] sum = pass.gradient();
        assertEquals(expected[1], loss, TOLERANCE * expected[1], "summed cross-entropy");
        TorchFixtures.assertGradient(spec, expected, 2, kept, sum, stride);
        for (int i = params; i < theta.length; i++) { // the buffer moved by this pass: θ − slot/m
            double after = theta[i] - sum[i] / M;
            double want = expected[2 + kept + i - params];
            assertEquals(want, after, TOLERANCE * Math.max(1, Math.abs(want)), spec + " running statistic " + i);
        }
    }


    /** {@code charlm} (attention body) on the fixture's token windows: the summed loss's gradient, per token loss. */
    @Test
    void theCharacterModelsGradientMatchesTheFloat64Reference() throws IOException {
        int vocabulary = 12;
        int length = 16;
        ComputeBackend.Prepared prepared = prepare("charlm:layers=2:width=32:heads=4",
                new ComputeBackend.DataShape("tokens", length, true), Objective.classification(vocabulary));
        assertArrayEquals(new int[] {length}, prepared.model().exampleShape());
        double[] windows = TorchFixtures.f64("tokens.f64");
        float[] x = new float[M * length];
        float[] labels = new float[M * vocabulary * length]; // [m, vocabulary, positions]: one-hot next tokens
        for (int r = 0; r < M; r++) {
            for (int t = 0; t < length; t++) {
                x[r * length + t] = (float) windows[r * (length + 1) + t];
                int next = (int) windows[r * (length + 1) + t + 1];
                labels[(r * vocabulary + next) * length + t] = 1;
            }
        }
        double[] expected = TorchFixtures.f64("preset-charlm-expected.f64");
        float[] theta = prepared.model().initialParams();
        assertEquals(2 + theta.length, expected.length, "stride, loss, a gradient value per parameter");
        double loss;
        float[] gradient;
        try (Replica replica = prepared.model().lease(theta)) {
            loss = replica.addGradient(x, labels, M, length, 7);
            gradient = replica.gradientSum();
        }
        assertEquals(expected[1] / length, loss, TOLERANCE * expected[1], "summed over windows, per position");
        TorchFixtures.assertGradient("charlm", expected, 2, theta.length, gradient, 1);
        try (Replica replica = prepared.model().predictor("p", theta)) {
            float[] p = replica.output(x, 1);
            assertEquals(vocabulary * length, p.length, "a distribution over the vocabulary at every position");
            double first = 0;
            for (int v = 0; v < vocabulary; v++) {
                first += p[v * length];
            }
            assertEquals(1.0, first, 1e-5, "position 0's probabilities");
        }
    }

    @Test
    void theResNetsRunningStatisticsAreItsBuffersAndTheSeedDrawsTheSameThetaEverywhere() {
        ComputeBackend.Prepared prepared = prepare("resnet", FASHION, TEN_CLASSES);
        int trained = 77_754;
        assertEquals(trained + 2 * (16 + 16 + 16 + 32 + 32 + 32 + 64 + 64 + 64), prepared.layout().totalLength());
        assertEquals(List.of(new ParamRoles.Range(trained, prepared.layout().totalLength(), ParamRoles.Role.STATISTIC)),
                prepared.roles().nonTrained(prepared.layout()));
        assertArrayEquals(new int[] {1, 28, 28}, prepared.model().exampleShape());
        float[] theta = prepared.model().initialParams();
        assertArrayEquals(theta, prepare("resnet", FASHION, TEN_CLASSES).model().initialParams(), "seeded");
        assertEquals(1f, theta[theta.length - 1], "a running variance starts at 1");
        assertEquals(0f, theta[trained], "a running mean starts at 0");
        assertTrue(prepare("mlp:32", FASHION, TEN_CLASSES).roles().allTrained());
        assertTrue(prepared.model().definition().startsWith(TorchDefinition.Preset.HEADER + "\n"));
    }

    @Test
    void aTrainedPresetSavesAndRestoresWithTheSamePredictions() throws IOException {
        ComputeBackend.Prepared prepared = prepare("resnet:depth=8:width=8:activation=elu", FASHION, TEN_CLASSES);
        TorchModel model = (TorchModel) prepared.model();
        float[] theta = model.initialParams();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += (i % 13) * 1e-3f;
        }
        ModelHandle restored = ComputeBackend.named(TorchModel.BACKEND).restore(model.definition(), model.exampleShape());
        assertEquals(model.sha256(), restored.sha256());
        float[] x = new float[3 * TorchFixtures.WIDTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 31) / 31f;
        }
        try (Replica a = model.predictor("a", theta); Replica b = restored.predictor("b", theta)) {
            assertArrayEquals(a.output(x, 3), b.output(x, 3));
        }
        assertEquals("model.params", model.nativeFile());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        model.writeNative(theta, out);
        assertTrue(out.size() > 4 * theta.length, "DJL's parameter file holds every value");
    }

    @Test
    void aPresetThatDoesNotFitTheDataOrIsNotOnThisBackendIsRefusedByName() {
        DataValidationException d = assertThrows(DataValidationException.class,
                () -> prepare("lenet", new ComputeBackend.DataShape("covtype", 54, false), Objective.classification(7)));
        assertTrue(d.getMessage().contains("covtype does not fit model lenet"), d.getMessage());
        ConfigurationException c = assertThrows(ConfigurationException.class,
                () -> ComputeBackend.forSpec(ModelSpec.parse("charlm:body=lstm"), TorchModel.BACKEND));
        assertTrue(c.getMessage().contains("the pytorch backend does not build it (backends that do: dl4j)"), c.getMessage());
        c = assertThrows(ConfigurationException.class, () -> ComputeBackend.forSpec(ModelSpec.parse("mlp:8"), "tensorflow"));
        assertTrue(c.getMessage().contains("backend 'tensorflow' is not on the classpath (found: "), c.getMessage());
        assertEquals("dl4j", ComputeBackend.forSpec(ModelSpec.parse("lenet")).name(), "presets are DL4J's by default");
    }

    @Test
    void aRegressorPresetHasOneOutput() {
        ComputeBackend.Prepared prepared = prepare("mlp:4", new ComputeBackend.DataShape("pairs", 2, false),
                Objective.squaredError());
        assertEquals(2 * 4 + 4 + 4 + 1, prepared.layout().totalLength());
        try (Replica r = prepared.model().lease(prepared.model().initialParams())) {
            assertEquals(2, r.output(new float[] {1, 2, 3, 4}, 2).length);
        }
    }
}
