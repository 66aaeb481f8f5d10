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
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.adanspark.io.OptimizerCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adafactor against the scalar reference written from the paper on whole matrices, in both precisions,
 * with its options; the same bits for any shard count (segments of 16 elements cut the 64×50 matrix's
 * rows, and cover several rows of the 40×8 one, so both kinds of partial column sums are exchanged);
 * a checkpoint resumed into another shard count; the state it keeps; the registry.
 */
class AdafactorTest {

    private static final List<String> NAMES = List.of("w1", "b1", "w2", "b2", "tall");
    private static final int[] LENGTHS = {64 * 50, 64, 40 * 8, 10, 7};
    private static final int[] ROWS = {64, 1, 40, 1, 7};
    private static final ParamLayout LAYOUT = ParamLayout.shaped(NAMES, LENGTHS, ROWS);
    private static final int STEPS = 25;

    @TempDir
    Path tmp;

    /** The optimizer under test and a fresh reference for it. */
    record Case(String label, Adafactor optimizer, Supplier<ScalarReference> reference) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("paper defaults", Adafactor.builder().build(),
                        () -> new ScalarReference.AdafactorRef(LENGTHS, ROWS, 0.01, 0, 1e-30, 1e-3, 1, 0.8, true, true, 0, 0)),
                new Case("clip=0.5", Adafactor.builder().maxGradNorm(0.5).build(),
                        () -> new ScalarReference.AdafactorRef(LENGTHS, ROWS, 0.01, 0, 1e-30, 1e-3, 1, 0.8, true, true, 0, 0.5)),
                new Case("momentum, absolute steps, decay", Adafactor.builder().lr(3e-3).beta1(0.9).relativeStep(false)
                        .scaleParameter(false).weightDecay(0.01).clipThreshold(0.5).decayExponent(0.5).build(),
                        () -> new ScalarReference.AdafactorRef(LENGTHS, ROWS, 3e-3, 0.9, 1e-30, 1e-3, 0.5, 0.5, false, false,
                                0.01, 0)));
    }

    static Stream<Arguments> casesAndShards() {
        return cases().flatMap(c -> Stream.of(Arguments.of(c, 1), Arguments.of(c, 5)));
    }

    @ParameterizedTest(name = "{0}, {1} shard(s)")
    @MethodSource("casesAndShards")
    void float64MatchesThePaper(Case c, int shards) {
        BaselineOptimizersTest.matchesReference64(c.optimizer(), LAYOUT, c.reference().get(), shards, 42, STEPS,
                c.toString());
    }

    @ParameterizedTest(name = "{0}, {1} shard(s)")
    @MethodSource("casesAndShards")
    void float32MatchesThePaper(Case c, int shards) {
        BaselineOptimizersTest.matchesReference32(c.optimizer(), LAYOUT, c.reference().get(), shards, 7, STEPS,
                c.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void shardCountDoesNotChangeOneBit(Case c) {
        float[][] runs = new float[3][];
        int[] shardCounts = {1, 3, 16};
        for (int r = 0; r < 3; r++) {
            runs[r] = train(c.optimizer(), c.optimizer().init(LAYOUT, Precision.FLOAT32, shardCounts[r]), STEPS);
        }
        assertArrayEquals(runs[0], runs[1], c + ": 3 shards vs 1");
        assertArrayEquals(runs[0], runs[2], c + ": 16 shards vs 1");
    }

    @Test
    void rowsAndColumnsOfZeroGradientStayFiniteAndFollowThePaper() {
        // as a network's dead units and always-zero input pixels give: w1's rows 0-9 and columns 0-4 are zero
        Adafactor optimizer = Adafactor.builder().build();
        ScalarReference reference = new ScalarReference.AdafactorRef(LENGTHS, ROWS, 0.01, 0, 1e-30, 1e-3, 1, 0.8, true,
                true, 0, 0);
        SplittableRandom rnd = new SplittableRandom(5);
        float[] p = AdanGoldenTest.toFloat(BaselineOptimizersTest.randomVector(rnd, LAYOUT.totalLength(), 1.0));
        double[] ref = AdanGoldenTest.toDouble(p);
        OptimizerState state = optimizer.init(LAYOUT, Precision.FLOAT32, 3);
        for (int t = 1; t <= 10; t++) {
            float[] g = AdanGoldenTest.toFloat(BaselineOptimizersTest.randomVector(rnd, p.length, 1e-3));
            for (int i = 0; i < 64 * 50; i++) {
                if (i / 50 < 10 || i % 50 < 5) {
                    g[i] = 0;
                }
            }
            reference.step(ref, AdanGoldenTest.toDouble(g));
            optimizer.step(state, p, g);
            for (int i = 0; i < p.length; i++) {
                assertTrue(Float.isFinite(p[i]), "step " + t + ": " + LAYOUT.describe(i) + " is " + p[i]);
                assertEquals(ref[i], p[i], 1e-5 * t, "step " + t + ": " + LAYOUT.describe(i));
            }
        }
    }

    @Test
    void theStateIsTheVectorsSecondMomentAndTheMatricesRowAndColumnSums() {
        OptimizerState state = Adafactor.builder().build().init(LAYOUT, Precision.FLOAT32, 4);
        assertEquals(List.of("v", "factors"), state.slotNames());
        assertEquals(64 + 10 + 7, state.slot32("v").length, "b1, b2 and the one-column tensor, per element");
        assertEquals(64 + 50 + 40 + 8, state.slot32("factors").length, "rows + columns of w1 and w2");
        int held = 0;
        for (int s = 0; s < state.numShards(); s++) {
            held += state.shard(s).slotLength(0) + state.shard(s).slotLength(1);
        }
        assertEquals(64 + 10 + 7 + 64 + 50 + 40 + 8, held, "the shards hold each value once");
        assertTrue(held * 4.0 / LAYOUT.totalLength() < 0.3, "state bytes per parameter far below Adam's 8");
        OptimizerState momentum = Adafactor.builder().beta1(0.9).build().init(LAYOUT, Precision.FLOAT32, 4);
        assertEquals(List.of("m", "v", "factors"), momentum.slotNames());
        assertEquals(LAYOUT.totalLength(), momentum.slot32("m").length);
    }

    @Test
    void aCheckpointResumesBitForBitIntoAnotherShardCount() throws IOException {
        for (Adafactor optimizer : List.of(Adafactor.builder().build(), Adafactor.builder().beta1(0.9).build())) {
            float[] straight = train(optimizer, optimizer.init(LAYOUT, Precision.FLOAT32, 4), 20);
            SplittableRandom rnd = new SplittableRandom(3);
            float[] p = AdanGoldenTest.toFloat(BaselineOptimizersTest.randomVector(rnd, LAYOUT.totalLength(), 1.0));
            OptimizerState first = optimizer.init(LAYOUT, Precision.FLOAT32, 4);
            steps(optimizer, first, p, rnd, 12);
            Path dir = tmp.resolve("ckpt-" + optimizer.slotNames().size());
            OptimizerCheckpoint.write(dir, optimizer, first);
            OptimizerState resumed = OptimizerCheckpoint.read(dir, optimizer, 3);
            assertEquals(LAYOUT, resumed.layout(), "the manifest keeps the matrix views");
            assertArrayEquals(first.slot32("factors"), resumed.slot32("factors"));
            for (int s = 0; s < 3; s++) {
                ShardState own = OptimizerCheckpoint.readShard(
                        org.adanspark.io.CheckpointFiles.local(dir), optimizer, 3, s);
                assertArrayEquals(resumed.shard(s).slot32("factors"), own.slot32("factors"), "owner of shard " + s);
            }
            steps(optimizer, resumed, p, rnd, 8);
            assertArrayEquals(straight, p, optimizer + " resumed into 3 shards");
        }
    }

    @Test
    void theRegistryBuildsItFromItsHyperparametersAndRefusesBadOnes() {
        Optimizer defaults = OptimizerRegistry.create("adafactor", Map.of());
        assertEquals(Adafactor.builder().build(), defaults);
        assertEquals(defaults, OptimizerRegistry.create("adafactor", defaults.hyperparameters()));
        assertEquals(Adafactor.builder().beta1(0.9).relativeStep(false).build(),
                OptimizerRegistry.create("adafactor", Map.of("beta1", 0.9, "relative_step", "false")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerRegistry.create("adafactor", Map.of("decay_exponent", 1.5)));
        assertEquals("decayExponent must be in (0, 1], got 1.5", e.getMessage());
    }

    private static float[] train(Optimizer o, OptimizerState state, int steps) {
        SplittableRandom rnd = new SplittableRandom(3);
        float[] p = AdanGoldenTest.toFloat(BaselineOptimizersTest.randomVector(rnd, LAYOUT.totalLength(), 1.0));
        steps(o, state, p, rnd, steps);
        return p;
    }

    private static void steps(Optimizer o, OptimizerState state, float[] p, SplittableRandom rnd, int steps) {
        for (int t = 0; t < steps; t++) {
            o.step(state, p, AdanGoldenTest.toFloat(BaselineOptimizersTest.randomVector(rnd, p.length, 2.0)));
        }
    }
}
