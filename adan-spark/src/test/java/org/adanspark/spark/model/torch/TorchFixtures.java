package org.adanspark.spark.model.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.model.Replica;

/**
 * The float64 references of {@code python/make_torchscript_fixtures.py} (test resources {@code torchscript/}):
 * the fixed batch, the files, and the float32 tolerance the PyTorch backend's gradients are held to.
 */
final class TorchFixtures {

    /** Examples in the fixed batch. */
    static final int M = 8;
    /** Values per example. */
    static final int WIDTH = 784;
    /**
     * float32 rounding of the forward and backward sums (fan-in up to 800 products, about 2^7 ulps of the
     * largest value), relative to the largest reference value; a wrong convolution kernel is off by ~5e-2.
     */
    static final double TOLERANCE = 0x1p-24 * 0x1p7;
    static final Objective TEN_CLASSES = Objective.classification(10);
    static final ComputeBackend.DataShape FASHION = new ComputeBackend.DataShape("fixture", WIDTH, false);

    /**
     * The fixed batch.
     *
     * @param x {@code M × WIDTH} values in [0, 1)
     * @param labels {@code M × 10}, one-hot
     */
    record Batch(float[] x, float[] labels) {
    }

    private TorchFixtures() {
    }

    static Path path(String name) {
        try {
            return Path.of(TorchFixtures.class.getResource("/torchscript/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a file of little-endian float64 values */
    static double[] f64(String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(path(name))).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(d);
        return d;
    }

    /** @return {@code batch.f64}: the examples, then their class labels */
    static Batch batch() throws IOException {
        double[] batch = f64("batch.f64");
        float[] x = new float[M * WIDTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) batch[i];
        }
        float[] labels = new float[M * 10];
        for (int i = 0; i < M; i++) {
            labels[i * 10 + (int) batch[M * WIDTH + i]] = 1;
        }
        return new Batch(x, labels);
    }

    /**
     * One micro-batch's forward and backward pass.
     *
     * @param loss the summed loss
     * @param gradient θ-shaped: the gradient, and in the buffers' slots their change times {@link #M}
     */
    record Pass(double loss, float[] gradient) {
    }

    /**
     * @param model the model
     * @param theta its parameters
     * @param batch the fixed batch
     * @return the pass of the whole batch as one micro-batch, seed 7
     */
    static Pass pass(ModelHandle model, float[] theta, Batch batch) {
        try (Replica replica = model.lease(theta)) {
            double loss = replica.addGradient(batch.x(), batch.labels(), M, 1, 7);
            return new Pass(loss, replica.gradientSum());
        }
    }

    /** @return how many of θ's values are the model's buffers */
    static int bufferLength(ComputeBackend.Prepared prepared) {
        return prepared.roles().nonTrained(prepared.layout()).stream().mapToInt(r -> r.to() - r.from()).sum();
    }

    /**
     * Asserts every {@code stride}-th value of a gradient equals the reference to {@link #TOLERANCE} of the
     * reference's largest value.
     *
     * @param what the model, for messages
     * @param expected the reference values, from {@code from}: {@code count} of them
     * @param from where they start in {@code expected}
     * @param count how many
     * @param gradient the gradient, θ-shaped
     * @param stride the reference holds gradient values 0, stride, 2·stride, …
     */
    static void assertGradient(String what, double[] expected, int from, int count, float[] gradient, int stride) {
        double largest = 0;
        for (int k = 0; k < count; k++) {
            largest = Math.max(largest, Math.abs(expected[from + k]));
        }
        for (int k = 0; k < count; k++) {
            int i = k * stride;
            assertEquals(expected[from + k], gradient[i], TOLERANCE * largest, () -> what + " gradient at " + i);
        }
    }
}
