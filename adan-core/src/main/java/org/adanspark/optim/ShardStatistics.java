package org.adanspark.optim;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What one shard reports in a round of the per-shard protocol: one or more numbers per segment of its
 * slice (for the screening round, the gradient's sum of squares; for LAMB's second round, the sums of
 * squares of θ and of the update), and where its first non-finite gradient element is. A few numbers, so
 * that shards on different executors can exchange them every step.
 *
 * <p>Sums are per {@link ShardPlan segment}, never per shard, and are added in segment order by
 * {@link Optimizer#combine}, so the totals do not depend on how many shards there are.
 */
public final class ShardStatistics implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int shard;
    private final long step;
    private final double[][] perSegment;
    private final int firstNonFinite;
    private final double firstNonFiniteValue;

    /**
     * @param shard the reporting shard
     * @param step the shard's step count before this step
     * @param perSegment {@code perSegment[kind][k]}: statistic {@code kind} of the shard's {@code k}-th segment
     * @param firstNonFinite the global index of the shard's first non-finite gradient element, or -1
     * @param firstNonFiniteValue that element's value (NaN when there is none)
     */
    public ShardStatistics(int shard, long step, double[][] perSegment, int firstNonFinite, double firstNonFiniteValue) {
        this.shard = shard;
        this.step = step;
        this.perSegment = perSegment;
        this.firstNonFinite = firstNonFinite;
        this.firstNonFiniteValue = firstNonFiniteValue;
    }

    /**
     * @param more further kinds, reported after these
     * @return these statistics with {@code more} appended (this object when there are none)
     */
    ShardStatistics with(double[][] more) {
        if (more.length == 0) {
            return this;
        }
        double[][] all = java.util.Arrays.copyOf(perSegment, perSegment.length + more.length);
        System.arraycopy(more, 0, all, perSegment.length, more.length);
        return new ShardStatistics(shard, step, all, firstNonFinite, firstNonFiniteValue);
    }

    /** @return the reporting shard */
    public int shard() {
        return shard;
    }

    /** @return the shard's step count before this step */
    public long step() {
        return step;
    }

    /**
     * @param kind which statistic
     * @return its value for each of the shard's segments, in segment order — or, for a kind an optimizer
     *     defines otherwise (Adafactor's row and column partial sums), its values in the order it defines
     *     (live; do not modify)
     */
    public double[] perSegment(int kind) {
        return perSegment[kind];
    }

    /** @return how many statistics each segment has */
    public int kinds() {
        return perSegment.length;
    }

    /** @return the global index of the shard's first non-finite gradient element, or -1 when all are finite */
    public int firstNonFinite() {
        return firstNonFinite;
    }

    /** @return the value of {@link #firstNonFinite()}'s element */
    public double firstNonFiniteValue() {
        return firstNonFiniteValue;
    }

    @Override
    public String toString() {
        return "ShardStatistics[shard " + shard + ", step " + step + ", " + Arrays.deepToString(perSegment)
                + (firstNonFinite >= 0 ? ", non-finite at " + firstNonFinite : "") + "]";
    }
}
