package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShardPlanTest {

    @Test
    void shardsTileTheVectorOnBlockBoundaries() {
        ParamLayout layout = ParamLayout.of(1000, 333, 7);
        ShardPlan plan = new ShardPlan(layout, 5);
        assertEquals(16, plan.blockSize());
        int next = 0;
        for (int s = 0; s < plan.numShards(); s++) {
            assertEquals(next, plan.shardOffset(s));
            assertEquals(0, plan.shardOffset(s) % plan.blockSize());
            next += plan.shardLength(s);
        }
        assertEquals(layout.totalLength(), next);
    }

    @Test
    void segmentsNeverCrossTensorsBlocksOrShards() {
        ParamLayout layout = ParamLayout.of(17, 5, 40);
        ShardPlan plan = new ShardPlan(layout, 3);
        int covered = 0;
        for (int k = 0; k < plan.numSegments(); k++) {
            int start = plan.segmentStart(k);
            int end = plan.segmentEnd(k) - 1;
            assertEquals(layout.tensorOf(start), plan.segmentTensor(k));
            assertEquals(layout.tensorOf(end), plan.segmentTensor(k));
            assertEquals(start / plan.blockSize(), end / plan.blockSize());
            covered += end - start + 1;
        }
        assertEquals(62, covered);
        for (int s = 0; s < 3; s++) {
            for (int k = plan.firstSegment(s); k < plan.endSegment(s); k++) {
                assertTrue(plan.segmentStart(k) >= plan.shardOffset(s));
                assertTrue(plan.segmentEnd(k) <= plan.shardOffset(s) + plan.shardLength(s));
            }
        }
    }

    @Test
    void surplusShardsAreEmpty() {
        ShardPlan plan = new ShardPlan(ParamLayout.of(17, 5), 8);
        int nonEmpty = 0;
        for (int s = 0; s < 8; s++) {
            nonEmpty += plan.shardLength(s) > 0 ? 1 : 0;
        }
        assertEquals(2, nonEmpty, "22 elements make two 16-element blocks");
    }

    @Test
    void blockSizeGrowsWithTheModelAndIsCapped() {
        assertEquals(16, ShardPlan.blockSizeFor(1));
        assertEquals(64, ShardPlan.blockSizeFor(50_000));
        assertEquals(8192, ShardPlan.blockSizeFor(50_000_000));
    }
}
