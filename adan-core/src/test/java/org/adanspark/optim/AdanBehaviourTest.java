package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Adan facade (docs/ARCHITECTURE.md, "The optimizer step, one shard at a time"): restart, non-finite gradients, validation, resharding. */
class AdanBehaviourTest {

    private final ParamLayout layout = ParamLayout.of(17, 5);

    @Test
    void facadeAsDesigned() {
        Adan adan = Adan.builder().lr(1e-3).betas(0.98, 0.92, 0.99).eps(1e-8)
                .weightDecay(0.02).noProx(false).maxGradNorm(0.0).build();
        OptimizerState state = adan.init(layout, Precision.FLOAT64);
        double[] params = new double[22];
        double[] grads = new double[22];
        java.util.Arrays.fill(grads, 0.5);
        adan.step(state, params, grads);
        // Step 1 with wd = 0 moves each coordinate by -lr*g/(|g|+eps); proximal decay then divides by 1+lr*wd.
        assertEquals(-1e-3 * 0.5 / (0.5 + 1e-8) / (1 + 1e-3 * 0.02), params[0], 1e-18);
        OptimizerState sharded = adan.init(layout, Precision.FLOAT32, 8);
        float[] p32 = new float[22];
        float[] g32 = new float[22];
        java.util.Arrays.fill(g32, -2f);
        adan.step(sharded, p32, g32);
        assertEquals(8, sharded.numShards());
        assertEquals(1e-3 / (1 + 1e-3 * 0.02), p32[21], 1e-10);
        assertEquals("Adan(lr=0.001, weight_decay=0.02, max_grad_norm=0.0, beta1=0.98, beta2=0.92, beta3=0.99, "
                + "eps=1.0E-8, no_prox=false, non_finite=FAIL)", adan.toString());
    }

    /** Every optimizer's builder, registry defaults and declared hyperparameters agree: one set of defaults. */
    @Test
    void theRegistryTheBuildersAndTheDeclarationsShareOneSetOfDefaults() {
        Map<String, Optimizer> builders = Map.of(Adan.NAME, Adan.builder().build(), AdamW.NAME, AdamW.builder().build(),
                Adam.NAME, Adam.builder().build(), Lamb.NAME, Lamb.builder().build(), Sgd.NAME, Sgd.builder().build(),
                RAdam.NAME, RAdam.builder().build(), SetAdam.NAME, SetAdam.builder().build(),
                Adafactor.NAME, Adafactor.builder().build());
        assertEquals(Set.copyOf(OptimizerRegistry.names()), builders.keySet());
        for (String name : OptimizerRegistry.names()) {
            Map<String, Object> declared = new HashMap<>();
            for (Hyperparameter<?> h : OptimizerRegistry.hyperparameters(name)) {
                declared.put(h.key(), h.defaultValue());
            }
            for (Hyperparameter<?> h : OptimizerRegistry.common()) {
                declared.put(h.key(), h.defaultValue() instanceof Enum<?> e ? e.name() : h.defaultValue());
            }
            assertEquals(declared, builders.get(name).hyperparameters(), name);
            assertEquals(builders.get(name), OptimizerRegistry.create(name, Map.of()), name);
        }
        Lookahead lookahead = (Lookahead) OptimizerRegistry.create("lookahead-sgd", Map.of());
        assertEquals(Lookahead.K.defaultValue(), lookahead.hyperparameters().get(Lookahead.K.key()));
        assertEquals(Lookahead.ALPHA.defaultValue(), lookahead.hyperparameters().get(Lookahead.ALPHA.key()));
    }

    @Test
    void restartMakesTheNextStepAFirstStep() {
        Adan adan = Adan.builder().lr(0.01).weightDecay(0.02).build();
        SplittableRandom rnd = new SplittableRandom(5);
        double[] p = BaselineOptimizersTest.randomVector(rnd, 22, 1);
        OptimizerState state = adan.init(layout, Precision.FLOAT64, 3);
        for (int t = 0; t < 7; t++) {
            adan.step(state, p, BaselineOptimizersTest.randomVector(rnd, 22, 1));
        }
        adan.restart(state);
        assertEquals(0, state.step());
        assertArrayEquals(new double[22], state.slot64(Adan.SLOT_M));
        assertArrayEquals(new double[22], state.slot64(Adan.SLOT_N));

        double[] fresh = p.clone();
        OptimizerState freshState = adan.init(layout, Precision.FLOAT64);
        for (int t = 0; t < 5; t++) {
            double[] g = BaselineOptimizersTest.randomVector(rnd, 22, 1);
            adan.step(state, p, g);
            adan.step(freshState, fresh, g);
        }
        assertArrayEquals(fresh, p, "after restart Adan continues exactly like a new optimizer");
    }

    @Test
    void nonFiniteGradientFailsNamingTheElementAndChangesNothing() {
        Adan adan = Adan.builder().maxGradNorm(1.0).build();
        OptimizerState state = adan.init(ParamLayout.named(java.util.List.of("0_W", "0_b"), new int[] {17, 5}), Precision.FLOAT32, 4);
        float[] p = new float[22];
        float[] g = new float[22];
        java.util.Arrays.fill(g, 0.1f);
        adan.step(state, p, g);
        float[] pBefore = p.clone();
        float[] mBefore = state.slot32(Adan.SLOT_M).clone();
        g[19] = Float.NaN;
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> adan.step(state, p, g));
        assertEquals(2, e.step());
        assertEquals(19, e.index());
        assertTrue(e.getMessage().contains("0_b[2] (flat index 19) is NaN"), e.getMessage());
        assertArrayEquals(pBefore, p);
        assertArrayEquals(mBefore, state.slot32(Adan.SLOT_M));
        assertEquals(1, state.step());
    }

    @Test
    void skipPolicyCountsAndChangesNothing() {
        Adan adan = Adan.builder().nonFinitePolicy(NonFinitePolicy.SKIP).build();
        OptimizerState state = adan.init(layout, Precision.FLOAT64);
        double[] p = new double[22];
        double[] g = new double[22];
        g[3] = Double.POSITIVE_INFINITY;
        adan.step(state, p, g);
        assertEquals(0, state.step());
        assertEquals(1, state.skippedSteps());
        assertArrayEquals(new double[22], p);
        assertArrayEquals(new double[22], state.slot64(Adan.SLOT_PREV_GRAD));
    }

    @Test
    void overflowingNormIsRefusedEvenWhenEveryElementIsFinite() {
        Adan adan = Adan.builder().maxGradNorm(1).build();
        OptimizerState state = adan.init(layout, Precision.FLOAT64);
        double[] g = new double[22];
        java.util.Arrays.fill(g, 1e200);
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> adan.step(state, new double[22], g));
        assertEquals(-1, e.index());
    }

    @Test
    void invalidHyperparametersAreNamed() {
        assertMessage("betas[1] must be in [0, 1), got 1.2", () -> Adan.builder().betas(0.98, 1.2, 0.99).build());
        assertMessage("lr must be finite and > 0, got -0.1", () -> Adan.builder().lr(-0.1).build());
        assertMessage("eps must be finite and > 0, got 0.0", () -> Adan.builder().eps(0).build());
        assertMessage("weightDecay must be finite and >= 0, got NaN", () -> Adan.builder().weightDecay(Double.NaN).build());
        assertMessage("maxGradNorm must be finite and >= 0, got -1.0", () -> Adan.builder().maxGradNorm(-1).build());
        assertMessage("nesterov needs momentum > 0 and dampening 0, got momentum=0.0, dampening=0.0",
                () -> Sgd.builder().momentum(0).nesterov(true).build());
        assertMessage("k must be >= 1, got 0", () -> Lookahead.wrap(Adan.builder().build(), 0, 0.5));
        assertMessage("tensor 1 ('t1') must have length > 0, got 0", () -> ParamLayout.of(3, 0));
        assertMessage("shards must be >= 1, got 0", () -> Adan.builder().build().init(layout, Precision.FLOAT32, 0));
    }

    @Test
    void mismatchedArraysAndStatesAreRefused() {
        Adan adan = Adan.builder().build();
        OptimizerState state = adan.init(layout, Precision.FLOAT64);
        assertMessage("params has length 21, layout expects 22", () -> adan.step(state, new double[21], new double[22]));
        assertMessage("grads has length 23, layout expects 22", () -> adan.step(state, new double[22], new double[23]));
        assertMessage("state is FLOAT64 but step was called with FLOAT32 arrays; init the state with Precision.FLOAT32",
                () -> adan.step(state, new float[22], new float[22]));
        OptimizerState adamState = Adam.builder().build().init(layout, Precision.FLOAT64);
        assertMessage("state was made by 'adam', not by 'adan'", () -> adan.step(adamState, new double[22], new double[22]));
    }

    @Test
    void reshardingMidRunContinuesTheSameTrajectory() {
        Adan adan = Adan.builder().lr(0.01).maxGradNorm(0.5).build();
        ParamLayout big = ParamLayout.of(1000, 333, 7);
        SplittableRandom a = new SplittableRandom(9);
        SplittableRandom b = new SplittableRandom(9);
        float[] p1 = new float[big.totalLength()];
        float[] p2 = new float[big.totalLength()];
        OptimizerState s1 = adan.init(big, Precision.FLOAT32, 1);
        OptimizerState s2 = adan.init(big, Precision.FLOAT32, 2);
        for (int t = 0; t < 20; t++) {
            if (t == 10) {
                OptimizerState old = s2;
                s2 = s2.withShards(7);
                assertThrows(IllegalStateException.class, () -> adan.step(old, new float[1340], new float[1340]));
            }
            adan.step(s1, p1, AdanGoldenTest.toFloat(BaselineOptimizersTest.randomVector(a, p1.length, 1)));
            adan.step(s2, p2, AdanGoldenTest.toFloat(BaselineOptimizersTest.randomVector(b, p2.length, 1)));
        }
        assertArrayEquals(p1, p2);
        assertArrayEquals(s1.slot32(Adan.SLOT_N), s2.slot32(Adan.SLOT_N));
    }

    @Test
    void chunkedKernelEqualsTheOneLoopFormBitForBit() {
        // Long enough to cross the kernel's 1024-element chunks inside uneven shards, in both decay modes.
        int size = 5 * 1024 + 37;
        for (boolean noProx : new boolean[] {false, true}) {
            Adan adan = Adan.builder().lr(0.01).weightDecay(0.02).noProx(noProx).build();
            OptimizerState s32 = adan.init(ParamLayout.of(size), Precision.FLOAT32, 3);
            OptimizerState s64 = adan.init(ParamLayout.of(size), Precision.FLOAT64, 3);
            SplittableRandom rnd = new SplittableRandom(11);
            float[] p32 = new float[size];
            double[] p64 = new double[size];
            for (int i = 0; i < size; i++) {
                p32[i] = (float) rnd.nextGaussian();
                p64[i] = rnd.nextGaussian();
            }
            float[] r32 = p32.clone();
            double[] r64 = p64.clone();
            float[][] slots32 = new float[4][size];
            double[][] slots64 = new double[4][size];
            for (int t = 1; t <= 4; t++) {
                float[] g32 = new float[size];
                double[] g64 = new double[size];
                for (int i = 0; i < size; i++) {
                    g32[i] = (float) rnd.nextGaussian();
                    g64[i] = rnd.nextGaussian();
                }
                adan.step(s32, p32, g32);
                adan.step(s64, p64, g64);
                oneLoop32(r32, g32, slots32, t, noProx);
                oneLoop64(r64, g64, slots64, t, noProx);
                assertArrayEquals(r32, p32, "float32 θ, noProx " + noProx + ", step " + t);
                assertArrayEquals(r64, p64, "float64 θ, noProx " + noProx + ", step " + t);
            }
        }
    }

    /** Adan's float32 step as a single loop over all six arrays (lr 0.01, λ 0.02, default betas, eps). */
    private static void oneLoop32(float[] p, float[] g, float[][] slots, long t, boolean noProx) {
        double lr = 0.01;
        double wd = 0.02;
        float b1 = 0.98f, b2 = 0.92f, b3 = 0.99f;
        float omb1 = (float) (1 - 0.98), omb2 = (float) (1 - 0.92), omb3 = (float) (1 - 0.99);
        float bc3s = (float) Math.sqrt(1 - Math.pow(0.99, t));
        float ss = (float) -(lr / (1 - Math.pow(0.98, t)));
        float ssd = (float) -(lr * 0.92 / (1 - Math.pow(0.92, t)));
        float decay = (float) (1 - lr * wd);
        float prox = (float) (1 + lr * wd);
        float[] m = slots[0], v = slots[1], n = slots[2], prev = slots[3];
        for (int i = 0; i < p.length; i++) {
            float gi = g[i];
            float d = t == 1 ? 0f : gi - prev[i];
            float mi = m[i] * b1 + omb1 * gi;
            float vi = v[i] * b2 + omb2 * d;
            float u = d * b2 + gi;
            float ni = n[i] * b3 + (omb3 * u) * u;
            float denom = (float) Math.sqrt(ni) / bc3s + 1e-8f;
            float pi = noProx ? p[i] * decay : p[i];
            pi = pi + (ss * mi) / denom;
            pi = pi + (ssd * vi) / denom;
            p[i] = noProx ? pi : pi / prox;
            m[i] = mi;
            v[i] = vi;
            n[i] = ni;
            prev[i] = gi;
        }
    }

    /** The float64 twin of {@link #oneLoop32}. */
    private static void oneLoop64(double[] p, double[] g, double[][] slots, long t, boolean noProx) {
        double lr = 0.01;
        double wd = 0.02;
        double bc3s = Math.sqrt(1 - Math.pow(0.99, t));
        double ss = -(lr / (1 - Math.pow(0.98, t)));
        double ssd = -(lr * 0.92 / (1 - Math.pow(0.92, t)));
        double[] m = slots[0], v = slots[1], n = slots[2], prev = slots[3];
        for (int i = 0; i < p.length; i++) {
            double gi = g[i];
            double d = t == 1 ? 0.0 : gi - prev[i];
            double mi = m[i] * 0.98 + (1 - 0.98) * gi;
            double vi = v[i] * 0.92 + (1 - 0.92) * d;
            double u = d * 0.92 + gi;
            double ni = n[i] * 0.99 + ((1 - 0.99) * u) * u;
            double denom = Math.sqrt(ni) / bc3s + 1e-8;
            double pi = noProx ? p[i] * (1 - lr * wd) : p[i];
            pi = pi + (ss * mi) / denom;
            pi = pi + (ssd * vi) / denom;
            p[i] = noProx ? pi : pi / (1 + lr * wd);
            m[i] = mi;
            v[i] = vi;
            n[i] = ni;
            prev[i] = gi;
        }
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
