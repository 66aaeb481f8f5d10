package org.adanspark.spark.step;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Which examples each partition contributes to each step, as a pure function of (seed, epoch, step).
 *
 * <p>An epoch has {@code ceil(N / B)} steps for {@code N} examples and global batch {@code B}. Every
 * partition shuffles its own rows once per epoch with a generator seeded by (seed, epoch, partition) and
 * walks that order; at step {@code k} partition {@code p} of {@code n_p} rows takes positions
 * {@code [⌊min(kB, N)·n_p/N⌋, ⌊min((k+1)B, N)·n_p/N⌋)}. Each partition's share is proportional to its
 * size, the shares of a step add up to {@code B} within the number of partitions, every example is used
 * exactly once per epoch, and the last step of an epoch takes what is left (a partial batch, not dropped).
 */
public final class EpochPlan implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int[] partitionRows;
    private final long totalRows;
    private final int globalBatch;
    private final int stepsPerEpoch;

    /**
     * @param partitionRows rows of each partition
     * @param globalBatch examples per step, at least 1
     */
    public EpochPlan(int[] partitionRows, int globalBatch) {
        if (globalBatch < 1) {
            throw new IllegalArgumentException("global batch must be >= 1, got " + globalBatch);
        }
        long total = 0;
        for (int r : partitionRows) {
            total += r;
        }
        if (total == 0) {
            throw new IllegalArgumentException("no rows to plan an epoch over");
        }
        this.partitionRows = partitionRows.clone();
        this.totalRows = total;
        this.globalBatch = globalBatch;
        this.stepsPerEpoch = (int) ((total + globalBatch - 1) / globalBatch);
    }

    /** @return steps in one epoch */
    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** @return the global batch size */
    public int globalBatch() {
        return globalBatch;
    }

    /** @return examples in one epoch */
    public long totalRows() {
        return totalRows;
    }

    /**
     * @param partition a partition
     * @param stepInEpoch step within the epoch, {@code 0 ≤ k < stepsPerEpoch()}
     * @return {@code {from, to}}: positions in the partition's epoch order used at that step
     */
    public int[] range(int partition, int stepInEpoch) {
        long n = partitionRows[partition];
        long start = Math.min((long) stepInEpoch * globalBatch, totalRows);
        long end = Math.min((long) (stepInEpoch + 1) * globalBatch, totalRows);
        return new int[] {(int) (start * n / totalRows), (int) (end * n / totalRows)};
    }

    /**
     * @param stepInEpoch step within the epoch
     * @return examples the whole step uses
     */
    public long examplesAt(int stepInEpoch) {
        long sum = 0;
        for (int p = 0; p < partitionRows.length; p++) {
            int[] r = range(p, stepInEpoch);
            sum += r[1] - r[0];
        }
        return sum;
    }

    /**
     * The order in which a partition visits its rows during an epoch (Fisher–Yates with a generator
     * seeded by seed, epoch and partition).
     *
     * @param seed the run's seed
     * @param epoch the epoch
     * @param partition the partition
     * @param rows rows in the partition
     * @return a permutation of {@code 0..rows-1}
     */
    public static int[] order(long seed, int epoch, int partition, int rows) {
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, epoch, partition, 0x5EED));
        for (int i = rows - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * Mixes integers into one well-spread 64-bit seed (SplitMix64 finaliser applied in turn).
     *
     * @param values the inputs
     * @return the seed
     */
    public static long mix(long... values) {
        long h = 0x9E3779B97F4A7C15L;
        for (long v : values) {
            h ^= v;
            h *= 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
            h *= 0x94D049BB133111EBL;
            h ^= h >>> 29;
        }
        return h;
    }
}
