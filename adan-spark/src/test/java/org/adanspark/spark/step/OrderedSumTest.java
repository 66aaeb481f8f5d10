package org.adanspark.spark.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fixed summation shape, and that slice-wise and group-wise evaluation give the same bits. */
class OrderedSumTest {

    @Test
    void groupSizeIsTheCeilingOfTheSquareRoot() {
        assertEquals(1, OrderedSum.groupSize(1));
        assertEquals(2, OrderedSum.groupSize(2));
        assertEquals(2, OrderedSum.groupSize(4));
        assertEquals(3, OrderedSum.groupSize(5));
        assertEquals(8, OrderedSum.groupSize(64));
    }

    @Test
    void theGroupedSumIsTheGroupSumsAddedInOrder() {
        List<PartialSum> parts = randomParts(5, 3);
        // groups of 3: (p0 + p1) + p2, then p3 + p4; then the two added
        float[] expected = new float[3];
        for (int j = 0; j < 3; j++) {
            float g0 = (parts.get(0).values()[j] + parts.get(1).values()[j]) + parts.get(2).values()[j];
            float g1 = parts.get(3).values()[j] + parts.get(4).values()[j];
            expected[j] = g0 + g1;
        }
        PartialSum s = OrderedSum.grouped(parts, 3, 0);
        assertArrayEquals(expected, s.values());
        assertEquals(5 * 10, s.examples());
    }

    @Test
    void slicingBeforeSummingGivesTheSameBitsAsSummingWholeVectors() {
        for (int partitions : new int[] {1, 2, 3, 5, 7, 16}) {
            List<PartialSum> parts = randomParts(partitions, 1000);
            int g = OrderedSum.groupSize(partitions);
            float[] whole = OrderedSum.grouped(parts, g, 0).values();
            float[] sliced = new float[1000];
            for (int from = 0; from < 1000; from += 300) {
                int to = Math.min(1000, from + 300);
                List<PartialSum> slices = new ArrayList<>();
                for (PartialSum p : parts) {
                    slices.add(new PartialSum(p.key(), java.util.Arrays.copyOfRange(p.values(), from, to), 0, 0, 0));
                }
                System.arraycopy(OrderedSum.grouped(slices, g, 0).values(), 0, sliced, from, to - from);
            }
            assertArrayEquals(whole, sliced, partitions + " partitions");
        }
    }

    private static List<PartialSum> randomParts(int n, int len) {
        SplittableRandom rng = new SplittableRandom(n * 31L + len);
        List<PartialSum> parts = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            float[] v = new float[len];
            for (int j = 0; j < len; j++) {
                v[j] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-3, 4)));
            }
            parts.add(new PartialSum(p, v, 1.0, 10, p));
        }
        return parts;
    }
}
