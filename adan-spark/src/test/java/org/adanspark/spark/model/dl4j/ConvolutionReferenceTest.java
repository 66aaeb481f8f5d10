package org.adanspark.spark.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.adanspark.spark.model.ModelSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The convolutions executors train with are right, not only reproducible: the float32 gradient of the
 * convolutional presets on one fixed batch — computed as a task computes it, by the oneDNN build of ND4J with
 * DL4J's oneDNN helpers at the run's instruction set (AVX2, {@code DNNL_MAX_CPU_ISA} from Surefire and
 * {@code BlasKernel}) — against the same network in float64, which neither oneDNN nor its helpers compute
 * (ND4J's own im2col and OpenBLAS's dgemm do).
 *
 * <p>A libtorch build's oneDNN was seen computing wrong float32 convolutions on an AMD Zen 5 for input-channel
 * counts that are not a multiple of 16 (a relative gradient error of 2e-2); LeNet's second convolution has 20
 * input channels. Float32 sums of K terms carry a relative error near sqrt(K)·2^-24 for rounding that does
 * not conspire; the largest sums here have K ≈ 10^4 (a weight gradient of LeNet's first layer sums 16
 * examples × 24 × 24 positions), which puts the expected error near 1e-5: the bound is 1e-4, two hundred
 * times below the wrong kernel's error.
 */
class ConvolutionReferenceTest {

    private static final double BOUND = 1e-4;
    private static final int BATCH = 16;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lenet", "resnet:depth=8:width=16"})
    void float32GradientsOfTheConvolutionalPresetsMatchAFloat64Reference(String spec) {
        String json32 = Dl4jConfigurations.of(ModelSpec.parse(spec), 784, 10, 42);
        assertTrue(json32.contains("\"FLOAT\""), "the preset computes in float32");
        String json64 = json32.replace("\"FLOAT\"", "\"DOUBLE\"");
        Network net32 = Network.fromJson(json32);
        net32.init();
        float[] theta = net32.params().toFloatVector();
        Network net64 = Network.fromJson(json64);
        net64.init(Nd4j.create(theta, new long[] {1, theta.length}, 'c').castTo(DataType.DOUBLE));

        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = new float[BATCH * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextDouble(); // pixels in [0, 1), as the readers scale them
        }
        float[] y = new float[BATCH * 10];
        for (int r = 0; r < BATCH; r++) {
            y[r * 10 + rnd.nextInt(10)] = 1;
        }
        INDArray x32 = Nd4j.create(x, new long[] {BATCH, 784}, 'c');
        INDArray y32 = Nd4j.create(y, new long[] {BATCH, 10}, 'c');
        double loss32 = net32.computeGradientAndScore(x32, y32);
        double[] g32 = net32.gradients().castTo(DataType.DOUBLE).toDoubleVector();
        double loss64 = net64.computeGradientAndScore(x32.castTo(DataType.DOUBLE), y32.castTo(DataType.DOUBLE));
        double[] g64 = net64.gradients().toDoubleVector();

        assertEquals(g64.length, g32.length);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < g64.length; i++) {
            diff += (g32[i] - g64[i]) * (g32[i] - g64[i]);
            norm += g64[i] * g64[i];
        }
        double relative = Math.sqrt(diff / norm);
        System.out.printf("%s: loss %.8f (float32) vs %.8f (float64), gradient relative error %.2e%n", spec, loss32,
                loss64, relative);
        assertTrue(norm > 0, "a gradient to compare");
        assertEquals(loss64, loss32, Math.abs(loss64) * BOUND, "the float32 loss");
        assertTrue(relative < BOUND, spec + ": the float32 gradient is " + relative + " from the float64 one (bound "
                + BOUND + "): a numerically wrong convolution kernel");
    }
}
