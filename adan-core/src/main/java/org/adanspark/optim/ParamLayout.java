package org.adanspark.optim;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The shape of a model's parameters: named tensors concatenated into one flat vector.
 *
 * <p>Tensor {@code i} occupies {@code [offset(i), offset(i) + length(i))} of the flat vector. A tensor can
 * also be seen as a matrix of {@link #rows(int)} rows of {@link #cols(int)} contiguous elements (a
 * weight matrix's output units by their fan-in); optimizers that factor second moments (Adafactor) use
 * this view, every other optimizer sees only the flat ranges. A tensor of one row is a vector. Layouts
 * are immutable and compare equal when names, lengths and rows agree; they are serializable, so a layout
 * travels to the executors that own optimizer shards.
 */
public final class ParamLayout implements Serializable {

    private static final long serialVersionUID = 2L;

    private final List<String> names;
    private final int[] lengths;
    private final int[] offsets;
    private final int[] rows;
    private final int totalLength;

    private ParamLayout(List<String> names, int[] lengths, int[] rows) {
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
        if (rows.length != lengths.length) {
            throw new IllegalArgumentException("rows and lengths differ in count: " + rows.length + " rows, "
                    + lengths.length + " lengths");
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 1 || lengths[i] % rows[i] != 0) {
                throw new IllegalArgumentException("tensor " + i + " ('" + names.get(i) + "') of length " + lengths[i]
                        + " cannot be seen as " + rows[i] + " rows: rows must be >= 1 and divide the length");
            }
        }
        this.rows = rows.clone();
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
        return new ParamLayout(names, lengths, ones(lengths.length));
    }

    /**
     * A layout of named tensors, for example DL4J's {@code "0_W", "0_b", ...}, each a vector.
     *
     * @param names tensor names, one per length
     * @param lengths tensor lengths, each &gt; 0
     * @return the layout
     */
    public static ParamLayout named(List<String> names, int[] lengths) {
        return new ParamLayout(names, lengths, ones(lengths.length));
    }

    /**
     * A layout of named tensors with their matrix views.
     *
     * @param names tensor names, one per length
     * @param lengths tensor lengths, each &gt; 0
     * @param rows each tensor's rows, dividing its length (1 for a vector); its {@code length / rows}
     *     columns are contiguous in the flat vector
     * @return the layout
     */
    public static ParamLayout shaped(List<String> names, int[] lengths, int[] rows) {
        return new ParamLayout(names, lengths, rows);
    }

    private static int[] ones(int n) {
        int[] r = new int[n];
        Arrays.fill(r, 1);
        return r;
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
     * @param tensor tensor index
     * @return its rows in the matrix view, 1 for a vector
     */
    public int rows(int tensor) {
        return rows[tensor];
    }

    /**
     * @param tensor tensor index
     * @return its contiguous columns in the matrix view, {@code length / rows}
     */
    public int cols(int tensor) {
        return lengths[tensor] / rows[tensor];
    }

    /** @return a copy of every tensor's rows, in order */
    public int[] rows() {
        return rows.clone();
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
        return o instanceof ParamLayout other && names.equals(other.names) && Arrays.equals(lengths, other.lengths)
                && Arrays.equals(rows, other.rows);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * names.hashCode() + Arrays.hashCode(lengths)) + Arrays.hashCode(rows);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ParamLayout[");
        for (int i = 0; i < lengths.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(names.get(i)).append('=')
                    .append(rows[i] > 1 ? rows[i] + "x" + lengths[i] / rows[i] : Integer.toString(lengths[i]));
        }
        return sb.append("; total=").append(totalLength).append(']').toString();
    }
}
