package org.adanspark.optim;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a model's parameters: named 1-D tensors concatenated into one flat vector.
 *
 * <p>Tensor {@code i} occupies {@code [offset(i), offset(i) + length(i))} of the flat vector. Layouts are
 * immutable and compare equal when names and lengths agree; they are serializable, so a layout travels
 * to the executors that own optimizer shards.
 */
public final class ParamLayout implements Serializable {

    private static final long serialVersionUID = 1L;

    private final List<String> names;
    private final int[] lengths;
    private final int[] offsets;
    private final int totalLength;

    private ParamLayout(List<String> names, int[] lengths) {
        if (lengths.length == 0) {
            throw new IllegalArgumentException("a ParamLayout needs at least one tensor, got none");
        }
        if (names.size() != lengths.length) {
            throw new IllegalArgumentException(
                    "names and lengths differ in count: " + names.size() + " names, " + lengths.length + " lengths");
        }
        this.names = Collections.unmodifiableList(new ArrayList<>(names));
        this.lengths = lengths.clone();
        this.offsets = new int[lengths.length + 1];
        long total = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] <= 0) {
                throw new IllegalArgumentException(
                        "tensor " + i + " ('" + names.get(i) + "') must have length > 0, got " + lengths[i]);
            }
            Objects.requireNonNull(names.get(i), "tensor name " + i);
            offsets[i] = (int) total;
            total += lengths[i];
            if (total > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("total parameter count exceeds a Java array: " + total);
            }
        }
        offsets[lengths.length] = (int) total;
        this.totalLength = (int) total;
    }

    /**
     * A layout of unnamed tensors (named {@code t0, t1, ...}) with the given lengths.
     *
     * @param lengths tensor lengths, each &gt; 0
     * @return the layout
     */
    public static ParamLayout of(int... lengths) {
        List<String> names = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            names.add("t" + i);
        }
        return new ParamLayout(names, lengths);
    }

    /**
     * A layout of named tensors, for example DL4J's {@code "0_W", "0_b", ...}.
     *
     * @param names tensor names, one per length
     * @param lengths tensor lengths, each &gt; 0
     * @return the layout
     */
    public static ParamLayout named(List<String> names, int[] lengths) {
        return new ParamLayout(names, lengths);
    }

    /** @return the number of tensors */
    public int numTensors() {
        return lengths.length;
    }

    /**
     * @param tensor tensor index
     * @return its length
     */
    public int length(int tensor) {
        return lengths[tensor];
    }

    /**
     * @param tensor tensor index, or {@code numTensors()} for the end of the vector
     * @return the tensor's first index in the flat vector
     */
    public int offset(int tensor) {
        return offsets[tensor];
    }

    /**
     * @param tensor tensor index
     * @return its name
     */
    public String name(int tensor) {
        return names.get(tensor);
    }

    /** @return all tensor names, in order (unmodifiable) */
    public List<String> names() {
        return names;
    }

    /** @return a copy of all tensor lengths, in order */
    public int[] lengths() {
        return lengths.clone();
    }

    /** @return the length of the flat vector, the sum of all tensor lengths */
    public int totalLength() {
        return totalLength;
    }

    /**
     * @param index position in the flat vector
     * @return the index of the tensor holding it
     */
    public int tensorOf(int index) {
        if (index < 0 || index >= totalLength) {
            throw new IndexOutOfBoundsException("index " + index + " outside [0, " + totalLength + ")");
        }
        int pos = Arrays.binarySearch(offsets, index);
        return pos >= 0 ? pos : -pos - 2;
    }

    /**
     * Describes a flat index as {@code name[i]} for error messages.
     *
     * @param index position in the flat vector
     * @return for example {@code "0_W[17] (flat index 17)"}
     */
    public String describe(int index) {
        int t = tensorOf(index);
        return name(t) + "[" + (index - offsets[t]) + "] (flat index " + index + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamLayout other && names.equals(other.names) && Arrays.equals(lengths, other.lengths);
    }

    @Override
    public int hashCode() {
        return 31 * names.hashCode() + Arrays.hashCode(lengths);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ParamLayout[");
        for (int i = 0; i < lengths.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i)).append('=').append(lengths[i]);
        }
        return sb.append("; total=").append(totalLength).append(']').toString();
    }
}
