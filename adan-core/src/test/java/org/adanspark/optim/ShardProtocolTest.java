package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The per-shard protocol as separate owners run it: S owners, each holding only its {@link ShardState}
 * and its own copy of θ, screen, combine (each on its own), prepare and refine where the optimizer needs
 * it, apply to their slices and all-gather θ, visiting the shards in a random order in every phase. After
 * every step θ and every slot equal one in-process {@link Optimizer#step} bit for bit, with clipping on.
 */
class ShardProtocolTest {

    private static final int[] SHAPES = {300, 7, 1500, 33};
    /** The tensors as matrices where they can be (20×15, 30×50), so Adafactor factors two of them. */
    private static final ParamLayout LAYOUT = ParamLayout.shaped(List.of("t0", "t1", "t2", "t3"), SHAPES,
            new int[] {20, 1, 30, 1});
    private static final int STEPS = 12;
    /** Small enough that the gradients below (norm ~ 40) are clipped on every step. */
    private static final double CLIP = 0.5;

    static Stream<Optimizer> optimizers() {
        return Stream.of(
                Adan.builder().lr(0.01).weightDecay(0.02).maxGradNorm(CLIP).build(),
                Adan.builder().lr(0.01).weightDecay(0.02).noProx(true).maxGradNorm(CLIP).build(),
                AdamW.builder().lr(3e-3).weightDecay(0.05).maxGradNorm(CLIP).build(),
                Adam.builder().lr(3e-3).weightDecay(0.1).maxGradNorm(CLIP).build(),
                Lamb.builder().lr(0.01).maxGradNorm(CLIP).build(),
                SetAdam.builder().lr(3e-3).weightDecay(0.01).maxGradNorm(CLIP).build(),
                AdamW.builder().lr(3e-3).updateClip(1.0).maxGradNorm(CLIP).build(),
                Sgd.builder().lr(0.05).momentum(0.9).nesterov(true).weightDecay(1e-3).maxGradNorm(CLIP).build(),
                RAdam.builder().lr(0.01).weightDecay(0.01).maxGradNorm(CLIP).build(),
                Lookahead.wrap(Adan.builder().lr(0.01).maxGradNorm(CLIP).build(), 3, 0.5),
                Lookahead.wrap(Lamb.builder().lr(0.01).maxGradNorm(CLIP).build(), 4, 0.8),
                ModelEma.wrap(SetAdam.builder().lr(3e-3).maxGradNorm(CLIP).build(), 0.9),
                Adafactor.builder().maxGradNorm(CLIP).build(),
                ModelEma.wrap(Lookahead.wrap(Adafactor.builder().beta1(0.9).maxGradNorm(CLIP).build(), 3, 0.5), 0.9));
    }

    static Stream<Arguments> optimizersAndShards() {
        return optimizers().flatMap(o -> Stream.of(Arguments.of(o, 3), Arguments.of(o, 7)));
    }

    @ParameterizedTest(name = "{0}, {1} owners")
    @MethodSource("optimizersAndShards")
    void ownersOfOneShardEachStepAsOneProcessDoes(Optimizer optimizer, int shards) {
        ParamLayout layout = LAYOUT;
        int n = layout.totalLength();
        SplittableRandom rnd = new SplittableRandom(7);
        float[] theta = new float[n];
        for (int i = 0; i < n; i++) {
            theta[i] = (float) rnd.nextGaussian();
        }
        float[] reference = theta.clone();
        OptimizerState referenceState = optimizer.init(layout, Precision.FLOAT32, 1);

        ShardPlan plan = new ShardPlan(layout, shards);
        ShardState[] owned = new ShardState[shards];
        float[][] thetaOf = new float[shards][];
        for (int r = 0; r < shards; r++) {
            owned[r] = optimizer.initShard(plan, r, Precision.FLOAT32);
            thetaOf[r] = theta.clone();
        }
        Random order = new Random(shards);
        for (int step = 1; step <= STEPS; step++) {
            float[] grad = new float[n];
            for (int i = 0; i < n; i++) {
                grad[i] = (float) rnd.nextGaussian();
            }
            double lr = optimizer.lr() * (1 + 0.1 * step); // a schedule: the rate comes with each step
            ShardLoop.step(optimizer, referenceState, reference, grad, lr);

            // each owner has the reduced gradient slice of its own shard only, indexed from 0
            float[][] gradSlice = new float[shards][];
            ShardStatistics[] stats = new ShardStatistics[shards];
            for (int r : shuffled(shards, order)) {
                gradSlice[r] = java.util.Arrays.copyOfRange(grad, plan.shardOffset(r), plan.shardOffset(r) + plan.shardLength(r));
                stats[r] = optimizer.screen(owned[r], gradSlice[r], 0);
            }
            StepDecision[] decisions = new StepDecision[shards];
            for (int r : shuffled(shards, order)) {
                decisions[r] = optimizer.combine(plan, stats.clone(), lr);
            }
            if (optimizer.refines()) {
                ShardStatistics[] second = new ShardStatistics[shards];
                for (int r : shuffled(shards, order)) {
                    second[r] = optimizer.prepare(owned[r], thetaOf[r], plan.shardOffset(r), gradSlice[r], 0, decisions[r]);
                }
                for (int r : shuffled(shards, order)) {
                    decisions[r] = optimizer.refine(plan, decisions[r], second.clone());
                }
            }
            for (int r : shuffled(shards, order)) {
                optimizer.apply(owned[r], thetaOf[r], plan.shardOffset(r), gradSlice[r], 0, decisions[r]);
                owned[r].record(decisions[r]);
            }
            // all-gather: every owner takes every other owner's slice
            for (int r = 0; r < shards; r++) {
                for (int q = 0; q < shards; q++) {
                    System.arraycopy(thetaOf[q], plan.shardOffset(q), thetaOf[r], plan.shardOffset(q), plan.shardLength(q));
                }
            }
            for (int r = 0; r < shards; r++) {
                assertArrayEquals(reference, thetaOf[r], optimizer + ": theta of owner " + r + " after step " + step);
                assertEquals(step, owned[r].step());
            }
            assertTrue(decisions[0].clip() < 1, "clipping is on in every step: " + decisions[0]);
        }
        for (int slot = 0; slot < optimizer.slotNames().size(); slot++) {
            String name = optimizer.slotNames().get(slot);
            float[] whole = referenceState.slot32(name);
            int held = 0;
            for (int r = 0; r < shards; r++) {
                int from = owned[r].slotOffset(slot);
                float[] expected = java.util.Arrays.copyOfRange(whole, from, from + owned[r].slotLength(slot));
                assertArrayEquals(expected, owned[r].slot32(name), optimizer + ": slot " + name + " of shard " + r);
                held += owned[r].slotLength(slot);
            }
            assertEquals(whole.length, held, optimizer + ": the owners hold slot " + name + " once");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimizers")
    void float64ShardLoopOverManyShardsEqualsTheFacadeOnOne(Optimizer optimizer) {
        ParamLayout layout = LAYOUT;
        SplittableRandom rnd = new SplittableRandom(11);
        double[] a = new double[layout.totalLength()];
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextGaussian();
        }
        double[] b = a.clone();
        OptimizerState one = optimizer.init(layout, Precision.FLOAT64, 1);
        OptimizerState many = optimizer.init(layout, Precision.FLOAT64, 5);
        for (int step = 0; step < STEPS; step++) {
            double[] g = new double[a.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = rnd.nextGaussian();
            }
            optimizer.step(one, a, g);
            ShardLoop.step(optimizer, many, b, g, optimizer.lr());
        }
        assertArrayEquals(a, b);
        for (String slot : optimizer.slotNames()) {
            assertArrayEquals(one.slot64(slot), many.slot64(slot), slot);
        }
    }

    @Test
    void aScheduleOverAHundredStepsRunsOnOneOptimizerAsRebuildingOnePerStepDid() {
        ParamLayout layout = LAYOUT;
        SplittableRandom rnd = new SplittableRandom(3);
        float[] once = new float[layout.totalLength()];
        for (int i = 0; i < once.length; i++) {
            once[i] = (float) rnd.nextGaussian();
        }
        float[] rebuilt = once.clone();
        Optimizer optimizer = Adan.builder().lr(0.02).weightDecay(0.02).maxGradNorm(1.0).build();
        Map<String, Object> before = optimizer.hyperparameters();
        OptimizerState a = optimizer.init(layout, Precision.FLOAT32, 4);
        OptimizerState b = optimizer.init(layout, Precision.FLOAT32, 4);
        for (int step = 0; step < 100; step++) {
            float[] g = new float[once.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) rnd.nextGaussian();
            }
            double lr = 0.02 * 0.5 * (1 + Math.cos(Math.PI * step / 100)); // cosine decay
            ShardLoop.step(optimizer, a, once, g, lr);
            // the old way: an optimizer built for each step's rate
            Adan.builder().lr(lr).weightDecay(0.02).maxGradNorm(1.0).build().step(b, rebuilt, g);
        }
        assertArrayEquals(rebuilt, once);
        assertEquals(before, optimizer.hyperparameters(), "the optimizer is immutable: the rate came with each step");
    }

    @Test
    void aNonFiniteGradientIsReportedByEveryOwnerAtTheSameElement() {
        Optimizer adan = Adan.builder().build();
        ParamLayout layout = ParamLayout.named(List.of("w", "b"), new int[] {100, 10});
        ShardPlan plan = new ShardPlan(layout, 3);
        float[] grad = new float[110];
        grad[105] = Float.NaN;
        grad[40] = Float.POSITIVE_INFINITY;
        ShardStatistics[] stats = new ShardStatistics[3];
        for (int r = 0; r < 3; r++) {
            stats[r] = adan.screen(adan.initShard(plan, r, Precision.FLOAT32), grad, plan.shardOffset(r));
        }
        NonFiniteGradientException e = assertThrows(NonFiniteGradientException.class, () -> adan.combine(plan, stats, 1e-3));
        assertEquals(40, e.index(), e.getMessage());
        assertTrue(e.getMessage().contains("w[40]") && e.getMessage().contains("Infinity"), e.getMessage());

        Optimizer skipping = Adan.builder().nonFinitePolicy(NonFinitePolicy.SKIP).build();
        StepDecision d = skipping.combine(plan, stats, 1e-3);
        assertTrue(d.skip());
        ShardState shard = skipping.initShard(plan, 0, Precision.FLOAT32);
        shard.record(d);
        assertEquals(0, shard.step());
        assertEquals(1, shard.skippedSteps());
    }

    @Test
    void statisticsOutOfShardOrderOrFromAnotherStepAreRefused() {
        Optimizer adan = Adan.builder().build();
        ShardPlan plan = new ShardPlan(ParamLayout.of(100), 2);
        float[] grad = new float[100];
        ShardState s0 = adan.initShard(plan, 0, Precision.FLOAT32);
        ShardState s1 = adan.initShard(plan, 1, Precision.FLOAT32);
        ShardStatistics a = adan.screen(s0, grad, 0);
        ShardStatistics b = adan.screen(s1, grad, plan.shardOffset(1));
        assertThrows(IllegalArgumentException.class, () -> adan.combine(plan, new ShardStatistics[] {b, a}, 1e-3));
        s1.setCounters(4, 0);
        ShardStatistics late = adan.screen(s1, grad, plan.shardOffset(1));
        assertThrows(IllegalStateException.class, () -> adan.combine(plan, new ShardStatistics[] {a, late}, 1e-3));
        StepDecision d = adan.combine(plan, new ShardStatistics[] {a, b}, 1e-3);
        assertThrows(IllegalStateException.class, () -> s1.record(d), "a decision for step 1 at step 4");
    }

    @Test
    void aStepsLearningRateIsChecked() {
        ShardPlan plan = new ShardPlan(ParamLayout.of(10), 1);
        Optimizer adamw = AdamW.builder().weightDecay(0.5).build();
        ShardStatistics[] stats = {adamw.screen(adamw.initShard(plan, 0, Precision.FLOAT32), new float[10], 0)};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adamw.combine(plan, stats, 2.5));
        assertTrue(e.getMessage().contains("lr * weightDecay must be < 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> adamw.combine(plan, stats, Double.NaN));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    void lookaheadDecoratesAnyOptimizerButItself() {
        Optimizer inner = Sgd.builder().build();
        Lookahead la = Lookahead.wrap(inner, 5, 0.5);
        assertEquals(List.of("momentum_buffer", Lookahead.SLOW_SLOT), la.slotNames());
        assertThrows(IllegalArgumentException.class, () -> Lookahead.wrap(la, 5, 0.5));
    }

    @Test
    void theRegistryBuildsEveryOptimizerFromItsOwnHyperparameters() {
        for (String name : OptimizerRegistry.names()) {
            for (String n : List.of(name, OptimizerRegistry.LOOKAHEAD_PREFIX + name)) {
                Optimizer defaults = OptimizerRegistry.create(n, Map.of());
                assertEquals(n, defaults.name());
                assertEquals(defaults.hyperparameters(), OptimizerRegistry.create(n, defaults.hyperparameters()).hyperparameters());
            }
        }
        Optimizer adan = OptimizerRegistry.create("ADAN", Map.of("lr", 0.02, "beta3", "0.995", "no_prox", true));
        assertEquals(Adan.builder().lr(0.02).betas(0.98, 0.92, 0.995).noProx(true).build(), adan);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerRegistry.create("adamw", Map.of("no_prox", true)));
        assertTrue(e.getMessage().startsWith("adamw has no hyperparameter no_prox; its hyperparameters are lr, "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerRegistry.create("adagrad", Map.of()));
        assertTrue(e.getMessage().contains("'adagrad'") && e.getMessage().contains("adan, adamw"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OptimizerRegistry.create("sgd", Map.of("momentum", "lots")));
        assertEquals("sgd: momentum must be a number, got 'lots'", e.getMessage());
    }

    private static List<Integer> shuffled(int n, Random rnd) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        Collections.shuffle(all, rnd);
        return all;
    }
}
