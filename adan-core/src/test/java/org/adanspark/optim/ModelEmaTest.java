package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.adanspark.io.OptimizerCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model EMA: against a plain float64 average of the scalar reference's iterates; the optimizer's
 * trajectory untouched; any shard count the same bits; a checkpoint resumed into another shard count
 * continuing θ and θ̄ bit for bit; skipped steps not averaged; the registry's {@code ema_decay}.
 */
class ModelEmaTest {

    private static final int[] SHAPES = {37, 5, 300};
    private static final double DECAY = 0.9;

    @TempDir
    Path tmp;

    @Test
    void theAverageIsTheBiasCorrectedEmaOfTheIterates() {
        ParamLayout layout = ParamLayout.of(SHAPES);
        SplittableRandom rnd = new SplittableRandom(11);
        double[] p = BaselineOptimizersTest.randomVector(rnd, layout.totalLength(), 1.0);
        double[] ref = p.clone();
        ScalarReference reference = new ScalarReference.AdamRef(SHAPES, 3e-3, 0.9, 0.999, 1e-8, 0.05, true, 0)
                .updateClip(1.0);
        ModelEma ema = ModelEma.wrap(AdamW.builder().lr(3e-3).weightDecay(0.05).updateClip(1.0).build(), DECAY);
        OptimizerState state = ema.init(layout, Precision.FLOAT64, 3);
        double[] sum = new double[p.length]; // Σ d^(t-s) θ_s, the average's numerator before (1-d)/(1-d^t)
        for (int t = 1; t <= 30; t++) {
            double[] g = BaselineOptimizersTest.randomVector(rnd, p.length, 2.0);
            reference.step(ref, g);
            ema.step(state, p, g);
            double norm = (1 - DECAY) / (1 - Math.pow(DECAY, t));
            double[] average = state.slot64(ModelEma.SLOT);
            for (int i = 0; i < p.length; i++) {
                sum[i] = DECAY * sum[i] + ref[i];
                double expected = norm * sum[i];
                double tol = 64 * t * Math.ulp(1.0) * (Math.abs(expected) + 1e-2);
                int idx = i;
                int step = t;
                assertTrue(Math.abs(average[i] - expected) <= tol,
                        () -> "step " + step + " θ̄[" + idx + "] " + average[idx] + " vs " + expected);
                assertTrue(Math.abs(p[i] - ref[i]) <= 32 * t * Math.ulp(1.0) * (Math.abs(ref[i]) + 3e-3),
                        "the optimizer's own θ follows its reference");
            }
            if (t == 1) {
                assertArrayEquals(p, average, "after one step θ̄ is θ: the initial θ has no weight");
            }
        }
    }

    @Test
    void theAverageDoesNotChangeTheOptimizersTrajectoryAndAnyShardCountGivesItsBits() {
        ParamLayout layout = ParamLayout.of(SHAPES);
        Optimizer plain = Adan.builder().lr(0.01).maxGradNorm(0.5).build();
        float[] bare = run(plain, layout, 1, 25, null);
        float[][] averages = new float[3][];
        int[] shards = {1, 4, 16};
        for (int r = 0; r < shards.length; r++) {
            float[][] average = new float[1][];
            float[] p = run(ModelEma.wrap(plain, 0.99), layout, shards[r], 25, average);
            assertArrayEquals(bare, p, "θ with the average on, " + shards[r] + " shards");
            averages[r] = average[0];
        }
        assertArrayEquals(averages[0], averages[1], "θ̄, 4 shards vs 1");
        assertArrayEquals(averages[0], averages[2], "θ̄, 16 shards vs 1");
    }

    @Test
    void aCheckpointResumesBothTrajectoriesBitForBitIntoAnotherShardCount() throws IOException {
        ParamLayout layout = ParamLayout.named(List.of("0_W", "0_b", "1_W"), new int[] {700, 50, 300});
        Optimizer optimizer = ModelEma.wrap(Lookahead.wrap(SetAdam.builder().lr(3e-3).build(), 3, 0.5), 0.95);
        float[][] straightAverage = new float[1][];
        float[] straight = run(optimizer, layout, 4, 20, straightAverage);

        SplittableRandom rnd = new SplittableRandom(3);
        float[] p = AdanGoldenTestSupport.start(rnd, layout.totalLength());
        OptimizerState first = optimizer.init(layout, Precision.FLOAT32, 4);
        steps(optimizer, first, p, rnd, 12);
        Path dir = tmp.resolve("ckpt");
        OptimizerCheckpoint.write(dir, optimizer, first);
        OptimizerState resumed = OptimizerCheckpoint.read(dir, optimizer, 3);
        assertEquals(List.of("m", "v", Lookahead.SLOW_SLOT, ModelEma.SLOT), resumed.slotNames());
        steps(optimizer, resumed, p, rnd, 8);
        assertArrayEquals(straight, p, "θ after resuming into 3 shards");
        assertArrayEquals(straightAverage[0], resumed.slot32(ModelEma.SLOT), "θ̄ after resuming into 3 shards");
    }

    @Test
    void aSkippedStepLeavesTheAverageAlone() {
        ParamLayout layout = ParamLayout.of(SHAPES);
        ModelEma ema = ModelEma.wrap(AdamW.builder().lr(1e-2).nonFinitePolicy(NonFinitePolicy.SKIP).build(), 0.5);
        OptimizerState state = ema.init(layout, Precision.FLOAT32, 2);
        float[] p = AdanGoldenTestSupport.start(new SplittableRandom(1), layout.totalLength());
        float[] g = new float[p.length];
        java.util.Arrays.fill(g, 0.25f);
        ema.step(state, p, g);
        float[] before = state.slot32(ModelEma.SLOT);
        g[40] = Float.NaN;
        ema.step(state, p, g);
        assertEquals(1, state.skippedSteps());
        assertArrayEquals(before, state.slot32(ModelEma.SLOT));
    }

    @Test
    void theRegistryKeepsTheAverageWhenAskedAndRefusesBadDecays() {
        Optimizer o = OptimizerRegistry.create("lookahead-adan", Map.of("ema_decay", 0.999));
        assertTrue(o instanceof ModelEma m && m.inner() instanceof Lookahead, o.toString());
        assertEquals("lookahead-adan", o.name());
        assertEquals(0.999, o.hyperparameters().get(ModelEma.DECAY_KEY));
        assertEquals(o, OptimizerRegistry.create("lookahead-adan", o.hyperparameters()));
        assertTrue(!(OptimizerRegistry.create("adan", Map.of("ema_decay", 0)) instanceof ModelEma));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerRegistry.create("adamw", Map.of("ema_decay", 1.0)));
        assertEquals("ema_decay must be in (0, 1), got 1.0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Lookahead.wrap(ModelEma.wrap(Adan.builder().build(), 0.9), 5, 0.5));
        assertTrue(e.getMessage().startsWith("a model EMA goes outside Lookahead"), e.getMessage());
    }

    /** {@code steps} float32 steps from the seed-3 start; the average, if any, into {@code average[0]}. */
    private static float[] run(Optimizer o, ParamLayout layout, int shards, int steps, float[][] average) {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] p = AdanGoldenTestSupport.start(rnd, layout.totalLength());
        OptimizerState state = o.init(layout, Precision.FLOAT32, shards);
        steps(o, state, p, rnd, steps);
        if (average != null) {
            average[0] = state.slot32(ModelEma.SLOT);
        }
        return p;
    }

    private static void steps(Optimizer o, OptimizerState state, float[] p, SplittableRandom rnd, int steps) {
        for (int t = 0; t < steps; t++) {
            o.step(state, p, AdanGoldenTest.toFloat(BaselineOptimizersTest.randomVector(rnd, p.length, 2.0)));
        }
    }

    /** Starting points shared by the tests above. */
    private static final class AdanGoldenTestSupport {
        static float[] start(SplittableRandom rnd, int n) {
            return AdanGoldenTest.toFloat(BaselineOptimizersTest.randomVector(rnd, n, 1.0));
        }
    }
}
