package org.adanspark.spark.step;

import java.util.List;

/**
 * Sums per-partition gradients in one fixed shape, whatever order they arrive in: partitions are cut into
 * consecutive groups of {@link #groupSize(int)}, each group is summed in partition order, and the group
 * sums are added in group order. Float addition is not associative, so fixing the shape is what makes a
 * run reproducible, a retried task harmless, and the {@code sharded} and {@code tree} all-reduces
 * bit-identical: both evaluate exactly this expression, one slice-wise, the other group-wise.
 */
public final class OrderedSum {

    private OrderedSum() {
    }

    /**
     * @param partitions number of partitions contributing
     * @return partitions per group: {@code ⌈√P⌉}, the fan-in of a two-level tree
     */
    public static int groupSize(int partitions) {
        int g = (int) Math.ceil(Math.sqrt(partitions));
        return Math.max(1, g);
    }

    /**
     * Sums a sorted run of partial sums in order: {@code ((s0 + s1) + s2) + …}.
     *
     * @param parts partial sums sorted by key, all of one length, not modified
     * @param key the key of the result
     * @return their sum; loss and example counts added, compute time the maximum
     */
    public static PartialSum inOrder(List<PartialSum> parts, int key) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to sum");
        }
        float[] acc = parts.get(0).values().clone();
        double loss = parts.get(0).lossSum();
        long examples = parts.get(0).examples();
        long compute = parts.get(0).computeNanos();
        for (int i = 1; i < parts.size(); i++) {
            PartialSum p = parts.get(i);
            float[] v = p.values();
            if (v.length != acc.length) {
                throw new IllegalArgumentException("partial sums of lengths " + acc.length + " and " + v.length);
            }
            for (int j = 0; j < acc.length; j++) {
                acc[j] += v[j];
            }
            loss += p.lossSum();
            examples += p.examples();
            compute = Math.max(compute, p.computeNanos());
        }
        return new PartialSum(key, acc, loss, examples, compute);
    }

    /**
     * The full fixed-shape sum of all partitions' contributions.
     *
     * @param byPartition one partial sum per partition, sorted by partition
     * @param groupSize partitions per group
     * @param key the key of the result
     * @return the sum
     */
    public static PartialSum grouped(List<PartialSum> byPartition, int groupSize, int key) {
        List<PartialSum> groups = new java.util.ArrayList<>();
        for (int from = 0; from < byPartition.size(); from += groupSize) {
            int to = Math.min(byPartition.size(), from + groupSize);
            groups.add(inOrder(byPartition.subList(from, to), from / groupSize));
        }
        return inOrder(groups, key);
    }
}
