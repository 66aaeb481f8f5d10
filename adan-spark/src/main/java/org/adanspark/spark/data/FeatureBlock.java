package org.adanspark.spark.data;

import java.io.Serializable;

/**
 * One partition's examples packed into flat primitive arrays: {@code rows × dim} float features,
 * row-major, and one label per row, a class index or a real target ({@link LabelKind}); or, for
 * {@link LabelKind#NEXT_TOKEN}, {@code rows} windows of {@code dim} token ids (exact in float below
 * 2<sup>24</sup>) whose targets are the windows themselves shifted by one. Built once per partition and
 * cached, so a training step touches no per-row objects.
 *
 * <p>A block that failed validation carries its first {@link #problem()} and only the rows before it;
 * {@link BlockDataset} refuses to train on it.
 */
public final class FeatureBlock implements Serializable {

    private static final long serialVersionUID = 1L;

    private final int partition;
    private final int rows;
    private final int dim;
    private final float[] features;
    private final float[] labels;
    private final LabelKind labelKind;
    private final String problem;

    /**
     * @param partition the Spark partition this block was built from
     * @param rows number of examples
     * @param dim features per example
     * @param features {@code rows × dim} values, row-major (not copied)
     * @param labels {@code rows} labels (not copied): class indices, exact in float below 2^24, or targets
     * @param labelKind what the labels are
     * @param problem the first invalid row found, described with its source, or null when valid
     */
    public FeatureBlock(int partition, int rows, int dim, float[] features, float[] labels, LabelKind labelKind,
                        String problem) {
        if (features.length < (long) rows * dim || labels.length < rows) {
            throw new IllegalArgumentException("block of " + rows + " rows × " + dim + " needs " + (long) rows * dim
                    + " features and " + rows + " labels, got " + features.length + " and " + labels.length);
        }
        this.partition = partition;
        this.rows = rows;
        this.dim = dim;
        this.features = features;
        this.labels = labels;
        this.labelKind = labelKind;
        this.problem = problem;
    }

    /** @return the Spark partition index the block came from */
    public int partition() {
        return partition;
    }

    /** @return number of examples */
    public int rows() {
        return rows;
    }

    /** @return features per example (0 for an empty block) */
    public int dim() {
        return dim;
    }

    /** @return the packed features, row-major; do not modify */
    public float[] features() {
        return features;
    }

    /** @return the labels (class indices or targets); do not modify */
    public float[] labels() {
        return labels;
    }

    /** @return what the labels are */
    public LabelKind labelKind() {
        return labelKind;
    }

    /** @return the first invalid row, described, or null */
    public String problem() {
        return problem;
    }

    /**
     * @return the largest class index (or token id of a token window) in the block, or -1 when empty or
     *     not a classification block
     */
    public int maxLabel() {
        int max = -1;
        if (labelKind == LabelKind.NEXT_TOKEN) {
            for (int i = 0; i < rows * dim; i++) {
                max = Math.max(max, (int) features[i]);
            }
        } else if (labelKind == LabelKind.CLASS_INDEX) {
            for (int i = 0; i < rows; i++) {
                max = Math.max(max, (int) labels[i]);
            }
        }
        return max;
    }

    /**
     * @return values per example at the network's input: {@code dim}, or {@code dim − 1} token ids of a
     *     {@link LabelKind#NEXT_TOKEN} window (its last token is only a target)
     */
    public int inputWidth() {
        return labelKind == LabelKind.NEXT_TOKEN ? dim - 1 : dim;
    }

    /** @return predictions per example: 1, or the {@code dim − 1} positions of a token window */
    public int positions() {
        return labelKind == LabelKind.NEXT_TOKEN ? dim - 1 : 1;
    }

    /**
     * @param r a row
     * @param t a position below {@link #positions()}
     * @return the class the row's position {@code t} is labelled with: its class index, or the next token
     */
    public int target(int r, int t) {
        return labelKind == LabelKind.NEXT_TOKEN ? (int) features[r * dim + t + 1] : (int) labels[r];
    }

    /**
     * Copies the rows {@code order[from..to)} into {@code x} (row-major) and their training targets into
     * {@code y}: one-hot rows of width {@code outputs} for class indices, the value itself for real targets;
     * for token windows, the first {@code dim − 1} ids into {@code x} and the one-hot next tokens into
     * {@code y} as {@code [rows, outputs, positions]} (the layout of DL4J's recurrent output layers).
     *
     * @param order row indices of this block
     * @param from first position in {@code order}
     * @param to end position in {@code order}, exclusive
     * @param outputs width of a target row: the number of classes (the vocabulary), or 1 for a real target
     * @param x destination, at least {@code (to - from) × inputWidth()}
     * @param y destination, at least {@code (to - from) × outputs × positions()}; overwritten
     */
    public void gather(int[] order, int from, int to, int outputs, float[] x, float[] y) {
        int n = to - from;
        if (labelKind == LabelKind.REAL && outputs != 1) {
            throw new IllegalArgumentException("a real-valued target has 1 output, asked for " + outputs);
        }
        if (labelKind == LabelKind.NEXT_TOKEN) {
            gatherWindows(order, from, to, outputs, x, y);
            return;
        }
        java.util.Arrays.fill(y, 0, n * outputs, 0f);
        for (int r = 0; r < n; r++) {
            int row = order[from + r];
            System.arraycopy(features, row * dim, x, r * dim, dim);
            if (labelKind == LabelKind.CLASS_INDEX) {
                y[r * outputs + (int) labels[row]] = 1f;
            } else {
                y[r] = labels[row];
            }
        }
    }

    private void gatherWindows(int[] order, int from, int to, int outputs, float[] x, float[] y) {
        int n = to - from;
        int len = dim - 1;
        java.util.Arrays.fill(y, 0, n * outputs * len, 0f);
        for (int r = 0; r < n; r++) {
            int row = order[from + r];
            System.arraycopy(features, row * dim, x, r * len, len);
            for (int t = 0; t < len; t++) {
                y[(r * outputs + (int) features[row * dim + t + 1]) * len + t] = 1f;
            }
        }
    }

    /** @return a one-line summary */
    @Override
    public String toString() {
        return "FeatureBlock[partition=" + partition + ", rows=" + rows + ", dim=" + dim
                + (problem == null ? "" : ", problem=" + problem) + "]";
    }
}
