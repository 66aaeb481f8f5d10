package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The Adan facade of DESIGN.md §4: restart, non-finite gradients, validation, resharding. */
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

    @Test
    void builderDefaultsAreTheOfficialOnes() {
        Adan adan = Adan.builder().build();
        assertEquals(1e-3, adan.lr());
        assertEquals(0.98, adan.beta1());
        assertEquals(0.92, adan.beta2());
        assertEquals(0.99, adan.beta3());
        assertEquals(1e-8, adan.eps());
        assertEquals(0.0, adan.weightDecay());
        assertEquals(0.0, adan.maxGradNorm());
        assertEquals(false, adan.noProx());
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
                () -> Sgd.builder().nesterov(true).build());
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

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
