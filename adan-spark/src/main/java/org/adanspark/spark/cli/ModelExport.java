package org.adanspark.spark.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.adanspark.spark.ml.AdanNetClassificationModel;
import org.adanspark.spark.ml.TrainedNetwork;
import org.adanspark.spark.runtime.Nd4jVariant;
import org.adanspark.spark.train.Network;
import org.adanspark.spark.train.ParamsCodec;
import org.adanspark.spark.train.TrainResult;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.util.ModelSerializer;

/**
 * What {@code --save-model DIR} writes: the trained network as an {@link AdanNetClassificationModel} in
 * Spark ML's format ({@code metadata/} and {@code data/}, read by {@code AdanNetClassificationModel.load(DIR)}
 * alone or as a stage of a {@code PipelineModel}), and beside it, for DL4J users, DL4J's own
 * {@code model.zip} ({@code ModelSerializer.restoreMultiLayerNetwork}, or {@code restoreComputationGraph} for a graph) and {@code params.sha256}, the run's
 * fingerprint. Every file goes through Hadoop's file system, so any path Spark can write works.
 */
final class ModelExport {

    static {
        Nd4jVariant.select(); // ND4J's native build and the BLAS kernel, before this class first reaches ND4J
    }

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
            Path zip = new Path(dir, "model.zip");
            FileSystem fs = zip.getFileSystem(spark.sparkContext().hadoopConfiguration());
            Network net = result.model().build(result.params());
            try (OutputStream out = fs.create(zip, true)) {
                ModelSerializer.writeModel(net.model(), out, false);
            }
            try (OutputStream out = fs.create(new Path(dir, "params.sha256"), true)) {
                out.write((ParamsCodec.sha256(result.params()) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the model to " + dir + ": " + e.getMessage(), e);
        }
    }
}
