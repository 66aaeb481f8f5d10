package org.adanspark.spark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.runtime.BlasKernel;
import org.adanspark.spark.runtime.TaskCompute;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * What the port promises, checked for every backend {@link ServiceLoader} finds, so a third backend is held to
 * the same contract without a test of its own: a preset built for a data shape has a layout as long as θ and
 * roles for each of its tensors; the seeded initialisation is the same in every call and differs by seed; a
 * micro-batch's gradient is the derivative of the loss the replica reports (against central differences in
 * float64 arithmetic over the replica's own float32 losses); θ round-trips through a replica; prediction gives
 * probabilities, the same through a predictor as through a lease; a model restored from its saved definition
 * predicts the same bits; batch normalisation's running statistics, in a model of each definition format the
 * backend declares, are non-trained state; the native form is written.
 */
class BackendContractTest {

    /** Float32 unit roundoff. */
    private static final double U32 = 0x1.0p-24;
    private static final int FEATURES = 6;
    private static final int CLASSES = 3;
    private static final int BATCH = 16;

    static Stream<ComputeBackend> backends() {
        List<ComputeBackend> all = new ArrayList<>();
        ServiceLoader.load(ComputeBackend.class, ComputeBackend.class.getClassLoader()).forEach(all::add);
        assertTrue(all.size() >= 2, "the DL4J and PyTorch backends are on the test classpath");
        return all.stream();
    }

    private static ComputeBackend.Prepared prepare(ComputeBackend backend, String spec, int width, long seed) {
        ModelSpec model = ModelSpec.parse(spec);
        assertTrue(backend.builds(model), backend.name() + " builds " + spec);
        ComputeBackend.Prepared p = backend.prepare(model, new ComputeBackend.DataShape("contract", width, false),
                Objective.classification(CLASSES), seed);
        p.model().runtime().enter(new TaskCompute(1, BlasKernel.requested()));
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void aPresetHasALayoutAsLongAsThetaAndASeededInitialisation(ComputeBackend backend) {
        ComputeBackend.Prepared p = prepare(backend, "mlp:8:activation=tanh", FEATURES, 7);
        ModelHandle model = p.model();
        assertEquals(backend.name(), model.backend());
        float[] theta = model.initialParams();
        ParamLayout layout = p.layout();
        assertEquals(FEATURES * 8 + 8 + 8 * CLASSES + CLASSES, theta.length, "a 6-8-3 MLP's weights and biases");
        assertEquals(theta.length, layout.totalLength());
        assertTrue(p.roles().allTrained(), "an MLP has no non-trained state");
        assertArrayEquals(theta, model.initialParams(), "the same seed draws the same θ");
        assertFalse(java.util.Arrays.equals(theta, prepare(backend, "mlp:8:activation=tanh", FEATURES, 8).model()
                .initialParams()), "another seed draws another θ");
        assertEquals(64, model.sha256().length());
        assertArrayEquals(new int[] {FEATURES}, model.exampleShape());
    }

    /**
     * The gradient against the loss it belongs to: along the gradient's own direction d = g/|g| (where a gradient
     * with wrong entries shows most), |g| = g·d against (L(θ + εd) − L(θ − εd)) / 2ε, over the losses the replica
     * itself returns. Each float32 loss is a sum of 16 examples' losses, each through a tanh layer, a softmax and
     * a logarithm: about k = 32 roundings of u = 2^-24 reach it, so each is off by at most k·u·L and their
     * difference over 2ε by k·u·L/ε; the truncation error ε²/6·|L'''| of ε = 0.02 on a network with O(1) weights
     * and inputs is allowed 1% of |g|. The bound is twice the rounding term plus that.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void theGradientIsTheDerivativeOfTheLossTheReplicaReports(ComputeBackend backend) {
        ModelHandle model = prepare(backend, "mlp:8:activation=tanh", FEATURES, 11).model();
        float[] theta = model.initialParams();
        SplittableRandom rnd = new SplittableRandom(3);
        float[] x = new float[BATCH * FEATURES];
        float[] y = new float[BATCH * CLASSES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (2 * rnd.nextDouble() - 1);
        }
        for (int r = 0; r < BATCH; r++) {
            y[r * CLASSES + rnd.nextInt(CLASSES)] = 1f;
        }
        float[] g;
        double loss;
        try (Replica replica = model.lease(theta)) {
            loss = replica.addGradient(x, y, BATCH, 1, 5);
            g = replica.gradientSum();
        }
        assertEquals(theta.length, g.length);
        assertTrue(loss > 0 && Double.isFinite(loss), "a summed cross-entropy loss, got " + loss);
        double norm = 0;
        for (float gi : g) {
            norm += (double) gi * gi;
        }
        norm = Math.sqrt(norm);
        double[] d = new double[theta.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = g[i] / norm;
        }
        double directional = norm;
        double eps = 0.02;
        double plus = lossAt(model, theta, d, eps, x, y);
        double minus = lossAt(model, theta, d, -eps, x, y);
        double difference = (plus - minus) / (2 * eps);
        double rounding = 32 * U32 * loss / eps;
        double bound = 2 * rounding + 0.01 * directional;
        System.out.printf("%s: |g| %.6f, central difference %.6f, bound %.6f%n", backend.name(), directional,
                difference, bound);
        assertTrue(Math.abs(difference - directional) <= bound, backend.name() + ": |g| " + directional
                + " against the loss's central difference along g " + difference + ", bound " + bound);
        assertNotEquals(0.0, directional);
    }

    private static double lossAt(ModelHandle model, float[] theta, double[] d, double eps, float[] x, float[] y) {
        float[] moved = new float[theta.length];
        for (int i = 0; i < theta.length; i++) {
            moved[i] = (float) (theta[i] + eps * d[i]);
        }
        try (Replica replica = model.lease(moved)) {
            return replica.addGradient(x, y, BATCH, 1, 5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void predictionGivesProbabilitiesAndARestoredModelPredictsTheSameBits(ComputeBackend backend) throws Exception {
        ModelHandle model = prepare(backend, "mlp:8:activation=tanh", FEATURES, 13).model();
        float[] theta = model.initialParams();
        for (int i = 0; i < theta.length; i++) {
            theta[i] += (float) (0.01 * Math.sin(i)); // θ that is not the initialisation's
        }
        SplittableRandom rnd = new SplittableRandom(9);
        float[] x = new float[BATCH * FEATURES];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble();
        }
        float[] leased;
        try (Replica replica = model.lease(theta)) {
            leased = replica.output(x, BATCH);
        }
        String sha = "contract-" + backend.name();
        float[] predicted;
        try (Replica replica = model.predictor(sha, theta)) {
            predicted = replica.output(x, BATCH);
        }
        assertArrayEquals(leased, predicted, "a predictor computes what a leased replica at the same θ does");
        assertEquals(BATCH * CLASSES, predicted.length);
        for (int r = 0; r < BATCH; r++) {
            double sum = 0;
            for (int c = 0; c < CLASSES; c++) {
                float p = predicted[r * CLASSES + c];
                assertTrue(p >= 0 && p <= 1, "a probability, got " + p);
                sum += p;
            }
            assertEquals(1.0, sum, CLASSES * 4 * U32, "row " + r + "'s probabilities sum to 1");
        }
        ModelHandle restored = backend.restore(model.definition(), model.exampleShape());
        assertEquals(model.sha256(), restored.sha256(), "the saved definition is the model");
        try (Replica replica = restored.predictor(sha + "-restored", theta)) {
            assertArrayEquals(predicted, replica.output(x, BATCH), "the restored model predicts the same bits");
        }
        ByteArrayOutputStream nativeForm = new ByteArrayOutputStream();
        model.writeNative(theta, nativeForm);
        assertTrue(nativeForm.size() > 0, "the backend's own form of the model is written");
        assertFalse(model.definitionFile().isBlank());
        assertFalse(model.nativeFile().isBlank());
    }

    /**
     * A model with batch normalisation in each format a backend declares, 784 inputs and 10 classes: a TorchScript
     * CNN, a DL4J dense network. A third backend adds its format's model here.
     */
    private static String batchNormModel(ComputeBackend.DefinitionFormat format) throws Exception {
        return switch (format.prefix()) {
            case "torchscript" -> Path.of(BackendContractTest.class.getResource("/torchscript/cnn_bn.pt").toURI())
                    .toString();
            case "json" -> {
                Path file = Files.createTempFile("contract-bn", ".json");
                file.toFile().deleteOnExit();
                Files.writeString(file, new NeuralNetConfiguration.Builder().seed(7).dataType(DataType.FLOAT).list()
                        .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
                        .layer(new BatchNormalization.Builder().nOut(8).build())
                        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                                .activation(Activation.SOFTMAX).build())
                        .setInputType(InputType.feedForward(784)).build().toJson());
                yield file.toString();
            }
            default -> throw new AssertionError("no batch-normalised model in format " + format.prefix()
                    + " for the contract test: add one to batchNormModel");
        };
    }

    /** Batch normalisation's running statistics are the model's non-trained state, apart from what is trained. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void batchNormalisationsRunningStatisticsAreNonTrainedState(ComputeBackend backend) throws Exception {
        assertFalse(backend.formats().isEmpty(), backend.name() + " reads a definition format");
        for (ComputeBackend.DefinitionFormat format : backend.formats()) {
            ModelSpec spec = ModelSpec.parse(format.prefix() + ":" + batchNormModel(format));
            ComputeBackend.Prepared p = backend.prepare(spec, new ComputeBackend.DataShape("contract", 784, false),
                    Objective.classification(10), 17);
            List<ParamRoles.Range> nonTrained = p.roles().nonTrained(p.layout());
            assertFalse(nonTrained.isEmpty(), backend.name() + ": " + spec + "'s batch norm holds running statistics");
            int previous = 0;
            for (ParamRoles.Range r : nonTrained) {
                assertEquals(ParamRoles.Role.STATISTIC, r.role());
                assertTrue(r.from() >= previous && r.to() > r.from() && r.to() <= p.layout().totalLength(),
                        r.toString());
                previous = r.to();
            }
            assertEquals(p.layout().totalLength(), p.model().initialParams().length);
        }
    }
}
