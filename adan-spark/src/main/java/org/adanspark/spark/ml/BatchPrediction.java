package org.adanspark.spark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * A fitted model's {@code transform} in batches: each partition's rows go through the network
 * {@link #BATCH} at a time, one forward pass per batch instead of one per row, and every row comes back
 * with the model's output columns appended ({@link Columns}). The network is borrowed once per batch
 * from the executor's cache, so tasks do not queue on one network.
 *
 * <p>DL4J computes a batch with a matrix product where a single row used a vector product, so a value
 * can differ from the row-at-a-time value in its last float32 bits (measured: at most 2.1·10⁻⁷ in a
 * probability); the predicted class is the same unless two classes tie to within that.
 */
final class BatchPrediction {

    /** Rows per forward pass: large enough to amortise the pass, small enough to keep a task's memory low. */
    static final int BATCH = 512;

    private BatchPrediction() {
    }

    /** Turns one row's network outputs into the values of the appended columns. */
    @FunctionalInterface
    interface Columns extends Serializable {
        /**
         * @param outputs the network's outputs for one row, {@code numOutputs} values from {@code offset}
         * @param offset where the row's outputs start
         * @return the appended columns' values, in the output schema's order
         */
        Object[] values(float[] outputs, int offset);
    }

    /**
     * @param dataset the input
     * @param outputSchema the input's schema with the appended columns, as {@code transformSchema} gives it
     * @param featuresCol the features column
     * @param network the fitted network
     * @param columns the appended values of a row
     * @return the input's rows with the appended columns
     */
    static Dataset<Row> transform(Dataset<?> dataset, StructType outputSchema, String featuresCol,
                                  TrainedNetwork network, Columns columns) {
        int features = dataset.schema().fieldIndex(featuresCol);
        MapPartitionsFunction<Row, Row> batches = rows -> new Batches(rows, features, network, columns);
        return dataset.toDF().mapPartitions(batches, Encoders.row(outputSchema));
    }

    /** One partition's rows, read ahead {@link #BATCH} at a time. */
    private static final class Batches implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final int features;
        private final TrainedNetwork network;
        private final Columns columns;
        private final List<Row> batch = new ArrayList<>(BATCH);
        private float[] outputs;
        private int next;

        Batches(Iterator<Row> rows, int features, TrainedNetwork network, Columns columns) {
            this.rows = rows;
            this.features = features;
            this.network = network;
            this.columns = columns;
        }

        @Override
        public boolean hasNext() {
            return next < batch.size() || rows.hasNext();
        }

        @Override
        public Row next() {
            if (next == batch.size()) {
                fill();
            }
            Row row = batch.get(next);
            Object[] appended = columns.values(outputs, next * network.numOutputs());
            next++;
            Object[] values = new Object[row.length() + appended.length];
            for (int i = 0; i < row.length(); i++) {
                values[i] = row.get(i);
            }
            System.arraycopy(appended, 0, values, row.length(), appended.length);
            return RowFactory.create(values);
        }

        private void fill() {
            if (!rows.hasNext()) {
                throw new NoSuchElementException();
            }
            batch.clear();
            next = 0;
            while (batch.size() < BATCH && rows.hasNext()) {
                batch.add(rows.next());
            }
            int width = network.numFeatures();
            float[] x = new float[batch.size() * width];
            for (int r = 0; r < batch.size(); r++) {
                Object v = batch.get(r).get(features);
                if (v == null) {
                    throw new IllegalArgumentException("the features column of a row to predict is null");
                }
                if (v instanceof Vector vector) {
                    network.copyRow(vector, x, r * width);
                } else {
                    copyArray((scala.collection.Seq<?>) v, x, r * width, width); // array<float> or array<double>
                }
            }
            outputs = network.output(x, batch.size());
        }

        /** One {@code array<float>}/{@code array<double>} row into {@code x}, refused by length or a null. */
        private static void copyArray(scala.collection.Seq<?> values, float[] x, int offset, int width) {
            if (values.length() != width) {
                throw new IllegalArgumentException("the model takes " + width + " features, the row has "
                        + values.length());
            }
            for (int i = 0; i < width; i++) {
                Object e = values.apply(i);
                if (!(e instanceof Number n)) {
                    throw new IllegalArgumentException("the features array of a row to predict holds null at index "
                            + i);
                }
                x[offset + i] = n.floatValue();
            }
        }
    }
}
