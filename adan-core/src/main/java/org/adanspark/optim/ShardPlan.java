package org.adanspark.optim;

import java.util.Arrays;

/**
 * How a flat parameter vector is cut into shards and reduction segments.
 *
 * <p>The vector is divided into <b>blocks</b> whose size depends only on the {@link ParamLayout} (a power
 * of two between 16 and 8192 elements, about 1024 blocks in all). A <b>shard</b> is a contiguous run of
 * whole blocks; shards are the unit of parallelism, of memory and of checkpoint files. A <b>segment</b> is
 * the intersection of one block with one tensor. Global reductions (sum of squared gradients, per-tensor
 * norms) are accumulated per segment and then summed over segments in index order. Because segments do
 * not depend on the shard count, such reductions, and therefore whole optimizer steps, give bit-identical
 * results for any number of shards.
 *
 * <p>With more shards than blocks, the surplus shards are empty; they hold no elements and cost nothing.
 */
public final class ShardPlan {

    /** Smallest block, 64 bytes of float32: shard boundaries never split a cache line of a float array's data. */
    static final int MIN_BLOCK = 16;
    /** Largest block: keeps per-segment statistics negligible next to the vector itself. */
    static final int MAX_BLOCK = 8192;
    private static final int TARGET_BLOCKS = 1024;

    private final ParamLayout layout;
    private final int blockSize;
    private final int[] shardStart;
    private final int[] shardFirstSegment;
    private final int[] segmentStart;
    private final int[] segmentTensor;

    /**
     * Plans {@code shards} shards over {@code layout}.
     *
     * @param layout the parameter layout
     * @param shards number of shards, at least 1
     */
    public ShardPlan(ParamLayout layout, int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be >= 1, got " + shards);
        }
        this.layout = layout;
        int total = layout.totalLength();
        this.blockSize = blockSizeFor(total);
        int blocks = (int) ((total + (long) blockSize - 1) / blockSize);

        shardStart = new int[shards + 1];
        for (int s = 0; s <= shards; s++) {
            long firstBlock = (long) blocks * s / shards;
            shardStart[s] = (int) Math.min(firstBlock * blockSize, total);
        }

        // Segment boundaries: the union of block boundaries and tensor boundaries.
        int maxSegments = blocks + layout.numTensors();
        int[] starts = new int[maxSegments + 1];
        int[] tensors = new int[maxSegments];
        int count = 0;
        int tensor = 0;
        int pos = 0;
        while (pos < total) {
            while (layout.offset(tensor + 1) <= pos) {
                tensor++;
            }
            int blockEnd = (int) Math.min(((long) pos / blockSize + 1) * blockSize, total);
            int end = Math.min(blockEnd, layout.offset(tensor + 1));
            starts[count] = pos;
            tensors[count] = tensor;
            count++;
            pos = end;
        }
        starts[count] = total;
        segmentStart = Arrays.copyOf(starts, count + 1);
        segmentTensor = Arrays.copyOf(tensors, count);

        shardFirstSegment = new int[shards + 1];
        int seg = 0;
        for (int s = 0; s <= shards; s++) {
            while (seg < count && segmentStart[seg] < shardStart[s]) {
                seg++;
            }
            shardFirstSegment[s] = seg;
        }
    }

    static int blockSizeFor(int total) {
        long wanted = (total + (long) TARGET_BLOCKS - 1) / TARGET_BLOCKS;
        int size = MIN_BLOCK;
        while (size < wanted && size < MAX_BLOCK) {
            size <<= 1;
        }
        return size;
    }

    /** @return the layout this plan cuts */
    public ParamLayout layout() {
        return layout;
    }

    /** @return the number of shards, including empty ones */
    public int numShards() {
        return shardStart.length - 1;
    }

    /** @return elements per reduction block */
    public int blockSize() {
        return blockSize;
    }

    /**
     * @param shard shard index
     * @return the shard's first index in the flat vector
     */
    public int shardOffset(int shard) {
        return shardStart[shard];
    }

    /**
     * @param shard shard index
     * @return the number of elements in the shard (0 for a surplus shard)
     */
    public int shardLength(int shard) {
        return shardStart[shard + 1] - shardStart[shard];
    }

    /** @return the number of segments (block ∩ tensor) */
    public int numSegments() {
        return segmentTensor.length;
    }

    /**
     * @param segment segment index
     * @return its first index in the flat vector
     */
    public int segmentStart(int segment) {
        return segmentStart[segment];
    }

    /**
     * @param segment segment index
     * @return one past its last index in the flat vector
     */
    public int segmentEnd(int segment) {
        return segmentStart[segment + 1];
    }

    /**
     * @param segment segment index
     * @return the tensor it belongs to
     */
    public int segmentTensor(int segment) {
        return segmentTensor[segment];
    }

    /**
     * @param shard shard index
     * @return the first segment of the shard
     */
    public int firstSegment(int shard) {
        return shardFirstSegment[shard];
    }

    /**
     * @param shard shard index
     * @return one past the last segment of the shard
     */
    public int endSegment(int shard) {
        return shardFirstSegment[shard + 1];
    }

    @Override
    public String toString() {
        return "ShardPlan[shards=" + numShards() + ", blockSize=" + blockSize + ", segments=" + numSegments()
                + ", params=" + layout.totalLength() + "]";
    }
}
