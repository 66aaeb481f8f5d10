package org.adanspark.optim;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Where the values of one optimizer slot live. Most slots hold one value per parameter (a <i>full</i>
 * slot: Adam's m and v). Others hold fewer: Adafactor keeps a vector's v per element but only a matrix's
 * row and column sums. A slot space gives each tensor {@code t} a count {@code n_t ≤ length(t)} of slot
 * values and anchors value {@code j} of tensor {@code t} at flat position
 * {@code offset(t) + floor(j · length(t) / n_t)}; a shard owns the values anchored in its slice. So every
 * shard's part of every slot is one contiguous run of the slot's values, in order, and a checkpoint saved
 * with one shard count is read into another by the values' positions in the slot, as for full slots.
 */
public final class SlotSpace implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int[] counts;
    private final int[] tensorOffsets;
    private final int[] tensorLengths;
    private final long[] before;
    private final boolean full;

    private SlotSpace(ParamLayout layout, int[] counts) {
        if (counts.length != layout.numTensors()) {
            throw new IllegalArgumentException(counts.length + " counts for " + layout.numTensors() + " tensors");
        }
        this.counts = counts.clone();
        this.tensorOffsets = new int[counts.length + 1];
        this.tensorLengths = layout.lengths();
        this.before = new long[counts.length + 1];
        boolean all = true;
        for (int t = 0; t < counts.length; t++) {
            if (counts[t] < 0 || counts[t] > tensorLengths[t]) {
                throw new IllegalArgumentException("tensor " + t + " ('" + layout.name(t) + "') of length "
                        + tensorLengths[t] + " cannot hold " + counts[t] + " slot values");
            }
            tensorOffsets[t] = layout.offset(t);
            before[t + 1] = before[t] + counts[t];
            all &= counts[t] == tensorLengths[t];
        }
        tensorOffsets[counts.length] = layout.totalLength();
        this.full = all;
    }

    /**
     * @param layout the parameters
     * @return the space of a slot with one value per parameter
     */
    public static SlotSpace full(ParamLayout layout) {
        return new SlotSpace(layout, layout.lengths());
    }

    /**
     * @param layout the parameters
     * @param counts slot values per tensor, each in {@code [0, length(t)]}
     * @return the space
     */
    public static SlotSpace of(ParamLayout layout, int[] counts) {
        return new SlotSpace(layout, counts);
    }

    /** @return whether the slot holds one value per parameter */
    public boolean isFull() {
        return full;
    }

    /** @return the slot's values in all */
    public int length() {
        return (int) before[counts.length];
    }

    /**
     * @param tensor a tensor
     * @return the position of its first slot value in the slot
     */
    public int start(int tensor) {
        return (int) before[tensor];
    }

    /**
     * @param tensor a tensor
     * @return its slot values
     */
    public int count(int tensor) {
        return counts[tensor];
    }

    /**
     * @param flat a position in the flat parameter vector, {@code [0, totalLength]}
     * @return how many of the slot's values are anchored before it: the slot position where a shard that
     *     starts at {@code flat} starts
     */
    public int before(int flat) {
        if (full) {
            return flat;
        }
        int pos = Arrays.binarySearch(tensorOffsets, flat);
        int t = pos >= 0 ? pos : -pos - 2;
        if (t >= counts.length) {
            return length();
        }
        long q = flat - tensorOffsets[t];
        // values j with floor(j · L / n) < q, i.e. j < q · n / L
        return (int) (before[t] + (q * counts[t] + tensorLengths[t] - 1) / tensorLengths[t]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SlotSpace other && Arrays.equals(counts, other.counts)
                && Arrays.equals(tensorLengths, other.tensorLengths);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(counts) + Arrays.hashCode(tensorLengths);
    }

    @Override
    public String toString() {
        return full ? "SlotSpace[full, " + length() + "]" : "SlotSpace[" + length() + " values, per tensor "
                + Arrays.toString(counts) + "]";
    }
}
