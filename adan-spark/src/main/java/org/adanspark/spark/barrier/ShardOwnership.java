package org.adanspark.spark.barrier;

import java.io.Serializable;
import org.adanspark.optim.ShardPlan;

/**
 * Which barrier task owns which optimizer shards: task {@code r} owns the contiguous run of shards
 * {@code s} with {@code ⌊s·N/S⌋ = r} (shard {@code r} itself when there are as many shards as tasks), so
 * its parameters form one slice {@code [from(r), to(r))}. With fewer shards than tasks some tasks own none;
 * they compute gradients and receive θ but hold no optimizer state. Task 0 always owns shard 0.
 */
final class ShardOwnership implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int[] firstShard;
    private final int[] from;
    private final int[] to;

    /**
     * @param plan the shard plan every task uses
     * @param tasks the barrier stage's task count
     */
    ShardOwnership(ShardPlan plan, int tasks) {
        int shards = plan.numShards();
        firstShard = new int[tasks + 1];
        from = new int[tasks];
        to = new int[tasks];
        int s = 0;
        for (int r = 0; r < tasks; r++) {
            firstShard[r] = s;
            while (s < shards && (int) ((long) s * tasks / shards) == r) {
                s++;
            }
        }
        firstShard[tasks] = shards;
        for (int r = 0; r < tasks; r++) {
            int first = firstShard[r];
            int end = firstShard[r + 1];
            from[r] = first < shards ? plan.shardOffset(first) : plan.layout().totalLength();
            to[r] = end > first ? plan.shardOffset(end - 1) + plan.shardLength(end - 1) : from[r];
        }
    }

    /** @return the number of tasks */
    int tasks() {
        return from.length;
    }

    /** @return the first shard task {@code r} owns */
    int firstShard(int r) {
        return firstShard[r];
    }

    /** @return one past the last shard task {@code r} owns ({@code == firstShard(r)} when it owns none) */
    int endShard(int r) {
        return firstShard[r + 1];
    }

    /** @return where task {@code r}'s parameter slice starts */
    int from(int r) {
        return from[r];
    }

    /** @return where task {@code r}'s parameter slice ends (exclusive) */
    int to(int r) {
        return to[r];
    }

    /** @return whether task {@code r} owns a non-empty slice */
    boolean owns(int r) {
        return to[r] > from[r];
    }
}
