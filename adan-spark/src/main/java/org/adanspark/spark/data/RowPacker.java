package org.adanspark.spark.data;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Packs one partition of {@code (features: Vector, label: number[, source: string])} rows into a
 * {@link FeatureBlock}, checking every row on the way. The first bad row stops packing and is recorded
 * in the block's {@link FeatureBlock#problem()} with the source and a preview of the row, so the driver
 * can report it before training starts.
 */
final class RowPacker implements Function2<Integer, Iterator<Row>, Iterator<FeatureBlock>> {

    private static final long serialVersionUID = 1L;

    private final String dataName;
    private final String featuresCol;
    private final String labelCol;
    private final LabelKind labelKind;
    private final int numClasses;

    /**
     * @param dataName what the user called the data (file or data-set name), for messages
     * @param featuresCol name of the features column, for messages
     * @param labelCol name of the label column, for messages
     * @param labelKind class indices or real targets
     * @param numClasses class indices must lie in {@code [0, numClasses)}; 0 checks only that they are
     *     non-negative integers
     */
    RowPacker(String dataName, String featuresCol, String labelCol, LabelKind labelKind, int numClasses) {
        this.dataName = dataName;
        this.featuresCol = featuresCol;
        this.labelCol = labelCol;
        this.labelKind = labelKind;
        this.numClasses = numClasses;
    }

    @Override
    public Iterator<FeatureBlock> call(Integer partition, Iterator<Row> rows) {
        FloatBuffer features = new FloatBuffer();
        LabelBuffer labels = new LabelBuffer();
        int dim = -1;
        int n = 0;
        String problem = null;
        while (rows.hasNext()) {
            Row row = rows.next();
            Object f = row.isNullAt(0) ? null : row.get(0);
            Object l = row.isNullAt(1) ? null : row.get(1);
            if (!(f instanceof Vector v)) {
                problem = describe(partition, n, row, "column '" + featuresCol + "' is "
                        + (f == null ? "null" : "a " + f.getClass().getSimpleName() + ", not a Vector"));
                break;
            }
            if (dim < 0) {
                dim = v.size();
            } else if (v.size() != dim) {
                problem = describe(partition, n, row, "column '" + featuresCol + "' has " + v.size()
                        + " values where earlier rows have " + dim);
                break;
            }
            String bad = appendFinite(v, features);
            if (bad != null) {
                problem = describe(partition, n, row, "column '" + featuresCol + "' holds " + bad);
                break;
            }
            if (!(l instanceof Number num)) {
                problem = describe(partition, n, row, "column '" + labelCol + "' is "
                        + (l == null ? "null" : "'" + l + "', not a number"));
                break;
            }
            String badLabel = checkLabel(num.doubleValue());
            if (badLabel != null) {
                problem = describe(partition, n, row, "column '" + labelCol + "' is " + badLabel);
                break;
            }
            labels.add((float) num.doubleValue());
            n++;
        }
        int rowsKept = labels.size();
        return List.of(new FeatureBlock(partition, rowsKept, Math.max(dim, 0),
                features.toArray(rowsKept * (long) Math.max(dim, 0)), labels.toArray(), labelKind, problem)).iterator();
    }

    /** Returns what is wrong with a label, or null when it is usable. */
    private String checkLabel(double label) {
        if (labelKind == LabelKind.REAL) {
            return Double.isFinite(label) ? null : label + ", not a finite regression target";
        }
        // float holds every integer below 2^24 exactly, far beyond any class count
        boolean index = label >= 0 && label == Math.rint(label) && label < (1 << 24);
        if (index && (numClasses == 0 || label < numClasses)) {
            return null;
        }
        return label + ", not a class index in [0, " + (numClasses > 0 ? numClasses : "∞") + ")";
    }

    /** Appends the vector's values; returns a description of the first non-finite one, or null. */
    private static String appendFinite(Vector v, FloatBuffer out) {
        int base = out.size();
        out.grow(v.size());
        if (v instanceof SparseVector sv) {
            int[] idx = sv.indices();
            double[] val = sv.values();
            for (int k = 0; k < idx.length; k++) {
                if (!Double.isFinite(val[k])) {
                    return val[k] + " at index " + idx[k];
                }
                out.set(base + idx[k], (float) val[k]);
            }
        } else {
            for (int i = 0; i < v.size(); i++) {
                double x = v.apply(i);
                if (!Double.isFinite(x)) {
                    return x + " at index " + i;
                }
                out.set(base + i, (float) x);
            }
        }
        return null;
    }

    private String describe(int partition, int rowIndex, Row row, String what) {
        String source = row.size() > 2 && !row.isNullAt(2) ? row.getString(2) : dataName;
        if (source == null || source.isEmpty()) {
            source = dataName;
        }
        return source + ": row " + rowIndex + " of partition " + partition + ": " + what + "; the row: "
                + preview(row);
    }

    /** A short rendering of a row: label and the first few feature values. */
    static String preview(Row row) {
        Object f = row.isNullAt(0) ? null : row.get(0);
        Object l = row.isNullAt(1) ? null : row.get(1);
        StringBuilder sb = new StringBuilder("label=").append(l).append(", features=");
        if (f instanceof Vector v) {
            sb.append(previewVector(v));
        } else {
            sb.append(f);
        }
        return sb.toString();
    }

    private static String previewVector(Vector v) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        if (v instanceof SparseVector sv) {
            sb.append("(").append(v.size()).append(")");
            sb.append("{");
            for (int k = 0; k < sv.indices().length && shown < 8; k++, shown++) {
                sb.append(k == 0 ? "" : ", ").append(sv.indices()[k]).append(':').append(sv.values()[k]);
            }
            return sb.append(sv.indices().length > 8 ? ", …}" : "}").toString();
        }
        sb.append("(").append(v.size()).append(")[");
        for (int i = 0; i < v.size() && i < 8; i++) {
            sb.append(i == 0 ? "" : ", ").append(v.apply(i));
        }
        return sb.append(v.size() > 8 ? ", …]" : "]").toString();
    }

    /** A growable float array (zero-filled growth, random-access set). */
    private static final class FloatBuffer {
        private float[] data = new float[1 << 12];
        private long size;

        int size() {
            return Math.toIntExact(size);
        }

        void grow(int n) {
            long needed = size + n;
            if (needed > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("a partition holds more than 2^31 feature values; use more partitions");
            }
            if (needed > data.length) {
                data = java.util.Arrays.copyOf(data, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * data.length)));
            }
            size = needed;
        }

        void set(int i, float x) {
            data[i] = x;
        }

        float[] toArray(long n) {
            return java.util.Arrays.copyOf(data, Math.toIntExact(n));
        }
    }

    /** A growable float array of labels. */
    private static final class LabelBuffer {
        private float[] data = new float[1 << 10];
        private int size;

        int size() {
            return size;
        }

        void add(float x) {
            if (size == data.length) {
                data = java.util.Arrays.copyOf(data, 2 * data.length);
            }
            data[size++] = x;
        }

        float[] toArray() {
            return java.util.Arrays.copyOf(data, size);
        }
    }
}
