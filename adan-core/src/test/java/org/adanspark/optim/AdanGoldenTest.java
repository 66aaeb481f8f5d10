package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adan against every trajectory of the official implementation in {@code shared/golden/adan}, in float64
 * and float32, with one and several shards. Float64 is bit-exact wherever clipping is off.
 */
class AdanGoldenTest {

    /** Float32 unit roundoff, 2^-24. */
    private static final double U32 = 0x1.0p-24;

    static Stream<Arguments> cases() throws IOException {
        return GoldenCase.files().flatMap(f -> Stream.of(1, 3, 8).map(shards -> Arguments.of(f.getFileName().toString(), f, shards)));
    }

    @ParameterizedTest(name = "{0} float64, {2} shard(s)")
    @MethodSource("cases")
    void float64MatchesReferenceEveryStep(String name, Path file, int shards) {
        GoldenCase c = GoldenCase.load(file);
        OptimizerState state = c.adan.init(c.layout(), Precision.FLOAT64, shards);
        double[] p = c.initialParams.clone();
        for (int t = 0; t < c.steps; t++) {
            double[] g = c.gradient(t, p);
            double[] gCopy = g.clone();
            c.adan.step(state, p, g);
            assertArrayEquals(gCopy, g, "gradient must not be modified");
            for (int i = 0; i < p.length; i++) {
                double ref = c.params[t][i];
                // Without clipping every operation is the reference's, so the result must be the same double.
                // With clipping our norm sums in another order; then the README's recommended bound applies.
                double tol = c.adan.maxGradNorm() == 0 ? 0.0 : 1e-13 + 1e-12 * Math.abs(ref);
                int step = t + 1;
                int idx = i;
                assertTrue(Math.abs(p[i] - ref) <= tol,
                        () -> name + " step " + step + " param " + idx + ": " + p[idx] + " vs reference " + ref);
            }
        }
        assertEquals(c.steps, state.step());
        assertClose(c.finalM, state.slot64(Adan.SLOT_M), "m");
        assertClose(c.finalV, state.slot64(Adan.SLOT_V), "v");
        assertClose(c.finalN, state.slot64(Adan.SLOT_N), "n");
        double[] prev = state.slot64(Adan.SLOT_PREV_GRAD);
        double[] negPrev = new double[prev.length];
        for (int i = 0; i < prev.length; i++) {
            negPrev[i] = -prev[i];
        }
        assertClose(c.finalNegPrevGrad, negPrev, "neg_pre_grad");
    }

    /**
     * Float32 tolerance. Rounding the inputs and every stored value to float32 perturbs each step by at most
     * a few units of roundoff relative to the parameter (its storage) and to the step's size, which Adan
     * bounds by a small multiple of lr (the update is a ratio of moments of the same gradients). Errors from
     * successive steps add up, so after t steps {@code |θ32 - θ64| <= t · u · (4|θ| + 16·lr)}, u = 2^-24.
     * The constants 4 and 16 are this argument's operation counts (about four roundings reach the stored
     * parameter per step, sixteen enter the update), not fitted to the data.
     */
    @ParameterizedTest(name = "{0} float32, {2} shard(s)")
    @MethodSource("cases")
    void float32StaysWithinDerivedRoundingBound(String name, Path file, int shards) {
        GoldenCase c = GoldenCase.load(file);
        OptimizerState state = c.adan.init(c.layout(), Precision.FLOAT32, shards);
        float[] p = toFloat(c.initialParams);
        double lr = c.adan.lr();
        for (int t = 0; t < c.steps; t++) {
            double[] g64 = c.gradient(t, toDouble(p));
            c.adan.step(state, p, toFloat(g64));
            int step = t + 1;
            for (int i = 0; i < p.length; i++) {
                double ref = c.params[t][i];
                double tol = step * U32 * (4 * Math.abs(ref) + 16 * lr);
                int idx = i;
                assertTrue(Math.abs(p[i] - ref) <= tol, () -> name + " step " + step + " param " + idx + ": float32 "
                        + p[idx] + " vs reference " + ref + ", |diff| " + Math.abs(p[idx] - ref) + " > " + tol);
            }
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-13 + 1e-12 * Math.abs(expected[i]);
            int idx = i;
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol,
                    () -> what + "[" + idx + "]: " + actual[idx] + " vs reference " + expected[idx]);
        }
    }

    private static void assertArrayEquals(double[] expected, double[] actual, String message) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, message);
    }

    static float[] toFloat(double[] x) {
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            f[i] = (float) x[i];
        }
        return f;
    }

    static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }
}
