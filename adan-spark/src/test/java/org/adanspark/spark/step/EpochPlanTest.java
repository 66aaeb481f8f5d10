package org.adanspark.spark.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Sampling covers every example once per epoch, in shares proportional to partition sizes. */
class EpochPlanTest {

    @Test
    void everyExampleIsUsedExactlyOncePerEpochIncludingThePartialLastBatch() {
        int[] rows = {1001, 0, 2500, 777};
        EpochPlan plan = new EpochPlan(rows, 256);
        assertEquals((4278 + 255) / 256, plan.stepsPerEpoch());
        long total = 0;
        for (int p = 0; p < rows.length; p++) {
            int expectedFrom = 0;
            for (int k = 0; k < plan.stepsPerEpoch(); k++) {
                int[] r = plan.range(p, k);
                assertEquals(expectedFrom, r[0], "ranges of partition " + p + " are contiguous");
                expectedFrom = r[1];
            }
            assertEquals(rows[p], expectedFrom, "partition " + p + " is used up");
        }
        for (int k = 0; k < plan.stepsPerEpoch(); k++) {
            long n = plan.examplesAt(k);
            total += n;
            if (k < plan.stepsPerEpoch() - 1) {
                assertTrue(Math.abs(n - 256) <= rows.length, "step " + k + " has " + n);
            }
        }
        assertEquals(4278, total);
        long last = plan.examplesAt(16);
        assertTrue(Math.abs(last - (4278 - 256 * 16)) <= rows.length, "the last step takes what is left: " + last);
    }

    @Test
    void theOrderIsAPermutationFixedBySeedEpochAndPartition() {
        int[] a = EpochPlan.order(42, 3, 1, 1000);
        assertArrayEquals(a, EpochPlan.order(42, 3, 1, 1000));
        assertFalse(Arrays.equals(a, EpochPlan.order(42, 4, 1, 1000)));
        assertFalse(Arrays.equals(a, EpochPlan.order(42, 3, 2, 1000)));
        assertFalse(Arrays.equals(a, EpochPlan.order(43, 3, 1, 1000)));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }
}
