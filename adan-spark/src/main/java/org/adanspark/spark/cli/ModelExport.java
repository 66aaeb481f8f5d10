package org.adanspark.spark.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.adanspark.spark.checkpoint.ParamsCodec;
import org.adanspark.spark.error.Failures;
import org.adanspark.spark.ml.AdanNetClassificationModel;
import org.adanspark.spark.ml.TrainedNetwork;
import org.adanspark.spark.run.TrainResult;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.SparkSession;

/**
 * What {@code --save-model DIR} writes: the trained network as an {@link AdanNetClassificationModel} in
 * Spark ML's format ({@code metadata/} and {@code data/}, read by {@code AdanNetClassificationModel.load(DIR)}
 * alone or as a stage of a {@code PipelineModel}), and beside it, for users of the library that computed it,
 * the backend's own saved form ({@link org.adanspark.spark.model.ModelHandle#nativeFile()}: DL4J's
 * {@code model.zip}, read by {@code ModelSerializer.restoreMultiLayerNetwork}, or {@code restoreComputationGraph}
 * for a graph) and {@code params.sha256}, the run's fingerprint. Every file goes through Hadoop's file system, so any path Spark can write works.
 */
final class ModelExport {

    private ModelExport() {
    }

    /**
     * @param spark the run's session
     * @param result the trained network
     * @param dir where to write; replaced if it exists
     * @param featuresCol the features column the saved model reads (the training data's)
     * @param labelCol the label column it names
     * @throws UncheckedIOException naming the directory when a file cannot be written
     */
    static void save(SparkSession spark, TrainResult result, String dir, String featuresCol, String labelCol) {
        TrainedNetwork network = new TrainedNetwork(result.model(), result.params(), result.numFeatures(),
                result.numOutputs());
        AdanNetClassificationModel model = new AdanNetClassificationModel(
                Identifiable$.MODULE$.randomUID("adanNetClassifier"), network);
        model.setFeaturesCol(featuresCol);
        model.set(model.labelCol(), labelCol);
        try {
            model.write().overwrite().save(dir);
            Path nativeFile = new Path(dir, result.model().nativeFile());
            FileSystem fs = nativeFile.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(nativeFile, true)) {
                result.model().writeNative(result.params(), out);
            }
            try (OutputStream out = fs.create(new Path(dir, "params.sha256"), true)) {
                out.write((ParamsCodec.sha256(result.params()) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (Exception | FSError e) { // FSError: a full local disk; a SparkException: Spark's writer
            IOException cause = rootIo(e);
            throw new UncheckedIOException("cannot save the model to " + dir + ": "
                    + Failures.reason(cause == null ? e : cause) + removePartial(spark, dir),
                    cause == null ? new IOException(e) : cause);
        }
    }

    /**
     * The file-system failure under a failed save (Spark's writer wraps it in a task failure, Hadoop's local
     * file system in an {@link FSError}), or null.
     */
    private static IOException rootIo(Throwable e) {
        IOException found = null;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof IOException io) {
                found = io;
            }
        }
        return found;
    }

    /** After a failed save: removes what was written, so no half-saved model is left to load. */
    private static String removePartial(SparkSession spark, String dir) {
        try {
            Path path = new Path(dir);
            path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
            return " (the part written was removed)";
        } catch (IOException | FSError | RuntimeException e) {
            return " (a part may be left there: " + Failures.reason(e) + ")";
        }
    }
}
