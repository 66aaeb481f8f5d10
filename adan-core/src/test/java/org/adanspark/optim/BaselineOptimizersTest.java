package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each baseline against its scalar reference, step by step, in float64 and float32, with clipping on and
 * off; and sharded runs against single-shard runs, bit for bit.
 */
class BaselineOptimizersTest {

    private static final int[] SHAPES = {37, 5, 300};
    private static final int STEPS = 25;

    /** A named pair: the optimizer under test and a fresh scalar reference for it. */
    record Case(String label, Optimizer optimizer, Supplier<ScalarReference> reference) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(0.0, 0.5).flatMap(clip -> Stream.of(
                new Case("adam clip=" + clip, Adam.builder().lr(3e-3).weightDecay(0.1).maxGradNorm(clip).build(),
                        () -> new ScalarReference.AdamRef(SHAPES, 3e-3, 0.9, 0.999, 1e-8, 0.1, false, clip)),
                new Case("adamw clip=" + clip, AdamW.builder().lr(3e-3).weightDecay(0.05).betas(0.8, 0.99).maxGradNorm(clip).build(),
                        () -> new ScalarReference.AdamRef(SHAPES, 3e-3, 0.8, 0.99, 1e-8, 0.05, true, clip)),
                new Case("clipped adamw clip=" + clip, AdamW.builder().lr(3e-3).weightDecay(0.05).updateClip(0.5).maxGradNorm(clip).build(),
                        () -> new ScalarReference.AdamRef(SHAPES, 3e-3, 0.9, 0.999, 1e-8, 0.05, true, clip).updateClip(0.5)),
                new Case("clipped adam clip=" + clip, Adam.builder().lr(3e-3).weightDecay(0.1).updateClip(1.0).maxGradNorm(clip).build(),
                        () -> new ScalarReference.AdamRef(SHAPES, 3e-3, 0.9, 0.999, 1e-8, 0.1, false, clip).updateClip(1.0)),
                new Case("setadam clip=" + clip, SetAdam.builder().lr(3e-3).weightDecay(0.01).maxGradNorm(clip).build(),
                        () -> new ScalarReference.SetAdamRef(SHAPES, 3e-3, 0.9, 0.999, 1e-16, 0.5, 0.01, clip)),
                new Case("setadam tau=0.9 clip=" + clip, SetAdam.builder().lr(1e-2).betas(0.8, 0.99).tau(0.9).eps(1e-12).maxGradNorm(clip).build(),
                        () -> new ScalarReference.SetAdamRef(SHAPES, 1e-2, 0.8, 0.99, 1e-12, 0.9, 0, clip)),
                new Case("lamb clip=" + clip, Lamb.builder().lr(0.01).weightDecay(0.01).maxGradNorm(clip).build(),
                        () -> new ScalarReference.LambRef(SHAPES, 0.01, 0.9, 0.999, 1e-6, 0.01, clip)),
                new Case("sgd-nesterov clip=" + clip, Sgd.builder().lr(0.05).momentum(0.9).nesterov(true).weightDecay(1e-3).maxGradNorm(clip).build(),
                        () -> new ScalarReference.SgdRef(SHAPES, 0.05, 0.9, 0, true, 1e-3, clip)),
                new Case("sgd-heavy-ball clip=" + clip, Sgd.builder().lr(0.05).momentum(0.8).dampening(0.1).nesterov(false).build(),
                        () -> new ScalarReference.SgdRef(SHAPES, 0.05, 0.8, 0.1, false, 0, 0)),
                new Case("radam clip=" + clip, RAdam.builder().lr(1e-2).weightDecay(0.01).maxGradNorm(clip).build(),
                        () -> new ScalarReference.RAdamRef(SHAPES, 1e-2, 0.9, 0.999, 1e-8, 0.01, clip)),
                new Case("lookahead-adam clip=" + clip, Lookahead.wrap(Adam.builder().lr(1e-2).maxGradNorm(clip).build(), 5, 0.5),
                        () -> new ScalarReference.LookaheadRef(new ScalarReference.AdamRef(SHAPES, 1e-2, 0.9, 0.999, 1e-8, 0, false, clip), 5, 0.5))));
    }

    static Stream<Arguments> casesAndShards() {
        return cases().flatMap(c -> Stream.of(Arguments.of(c, 1), Arguments.of(c, 4)));
    }

    @ParameterizedTest(name = "{0}, {1} shard(s)")
    @MethodSource("casesAndShards")
    void float64MatchesScalarReference(Case c, int shards) {
        matchesReference64(c.optimizer(), ParamLayout.of(SHAPES), c.reference().get(), shards, 42, STEPS, c.toString());
    }

    @ParameterizedTest(name = "{0}, {1} shard(s)")
    @MethodSource("casesAndShards")
    void float32MatchesScalarReference(Case c, int shards) {
        matchesReference32(c.optimizer(), ParamLayout.of(SHAPES), c.reference().get(), shards, 7, STEPS, c.toString());
    }

    /**
     * Steps {@code optimizer} in float64 and {@code reference} from the same random start on the same
     * random gradients, checking every parameter after every step within rounding.
     */
    static void matchesReference64(Optimizer optimizer, ParamLayout layout, ScalarReference reference, int shards,
                                   long seed, int steps, String what) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] p = randomVector(rnd, layout.totalLength(), 1.0);
        double[] ref = p.clone();
        OptimizerState state = optimizer.init(layout, Precision.FLOAT64, shards);
        double largestChange = 0;
        for (int t = 1; t <= steps; t++) {
            double[] g = randomVector(rnd, p.length, 2.0);
            double[] before = ref.clone();
            reference.step(ref, g);
            optimizer.step(state, p, g);
            for (int i = 0; i < p.length; i++) {
                largestChange = Math.max(largestChange, Math.abs(ref[i] - before[i]));
            }
            assertWithinRounding(ref, p, t, largestChange, Math.ulp(1.0) / 2, what + " step " + t);
        }
    }

    /** Float32 twin of {@link #matchesReference64}: the reference in float64 on the float32 start and gradients. */
    static void matchesReference32(Optimizer optimizer, ParamLayout layout, ScalarReference reference, int shards,
                                   long seed, int steps, String what) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] p = AdanGoldenTest.toFloat(randomVector(rnd, layout.totalLength(), 1.0));
        double[] ref = AdanGoldenTest.toDouble(p);
        OptimizerState state = optimizer.init(layout, Precision.FLOAT32, shards);
        double largestChange = 0;
        for (int t = 1; t <= steps; t++) {
            float[] g = AdanGoldenTest.toFloat(randomVector(rnd, p.length, 2.0));
            double[] before = ref.clone();
            reference.step(ref, AdanGoldenTest.toDouble(g));
            optimizer.step(state, p, g);
            for (int i = 0; i < p.length; i++) {
                largestChange = Math.max(largestChange, Math.abs(ref[i] - before[i]));
            }
            assertWithinRounding(ref, AdanGoldenTest.toDouble(p), t, largestChange, 0x1.0p-24, what + " step " + t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shardCountDoesNotChangeOneBit(Case c) {
        ParamLayout layout = ParamLayout.of(SHAPES);
        float[][] runs = new float[3][];
        int[] shardCounts = {1, 3, 16};
        for (int r = 0; r < 3; r++) {
            SplittableRandom rnd = new SplittableRandom(3);
            float[] p = AdanGoldenTest.toFloat(randomVector(rnd, layout.totalLength(), 1.0));
            OptimizerState state = c.optimizer().init(layout, Precision.FLOAT32, shardCounts[r]);
            for (int t = 0; t < STEPS; t++) {
                c.optimizer().step(state, p, AdanGoldenTest.toFloat(randomVector(rnd, p.length, 2.0)));
            }
            runs[r] = p;
        }
        assertArrayEquals(runs[0], runs[1], c + ": 3 shards vs 1");
        assertArrayEquals(runs[0], runs[2], c + ": 16 shards vs 1");
    }

    /**
     * Kernel and reference perform the same operations in different groupings, so each step may differ by
     * a few roundings of the quantities involved: the parameter and the step's change. Errors of successive
     * steps add: after t steps {@code |x - ref| <= 32 · t · u · (|ref| + largest change per step)}, with u
     * the unit roundoff of the kernel's precision and 32 a generous count of roundings per step.
     */
    private static void assertWithinRounding(double[] ref, double[] actual, int t, double largestChange, double u, String what) {
        for (int i = 0; i < ref.length; i++) {
            double tol = 32 * t * u * (Math.abs(ref[i]) + largestChange);
            int idx = i;
            assertTrue(Math.abs(actual[i] - ref[i]) <= tol,
                    () -> what + " param " + idx + ": " + actual[idx] + " vs reference " + ref[idx] + " (tol " + tol + ")");
        }
    }

    static double[] randomVector(SplittableRandom rnd, int n, double scale) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = scale * (2 * rnd.nextDouble() - 1);
        }
        return x;
    }
}
