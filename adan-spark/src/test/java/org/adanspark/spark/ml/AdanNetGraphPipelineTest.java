package org.adanspark.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.adanspark.io.DataSetLocator;
import org.adanspark.io.IdxReader;
import org.adanspark.spark.model.dl4j.Network;
import org.adanspark.spark.testing.SparkTestSession;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code ComputationGraph} (the {@code resnet} preset) through {@link AdanNetClassifier} in a Pipeline on
 * real Fashion-MNIST rows: fitted, saved, reloaded, predicting the same; and the batched {@code transform}
 * against the model's own row-at-a-time prediction.
 */
class AdanNetGraphPipelineTest {

    /** Float32 probabilities of a batched product and a single-row product differ in their last bits only. */
    private static final double FLOAT32_ROUNDING = 1e-6;

    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> test;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTestSession.start();
        Path dir = new DataSetLocator(null).locate("fashion-mnist", "t10k-images-idx3-ubyte.gz",
                "t10k-labels-idx1-ubyte.gz");
        IdxReader.UnsignedBytes images = IdxReader.readUnsignedBytes(dir.resolve("t10k-images-idx3-ubyte.gz"));
        IdxReader.UnsignedBytes labels = IdxReader.readUnsignedBytes(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            double[] x = new double[784];
            for (int j = 0; j < 784; j++) {
                x[j] = (images.data()[i * 784 + j] & 0xFF) / 255.0;
            }
            rows.add(RowFactory.create(Vectors.dense(x), (double) (labels.data()[i] & 0xFF), "row-" + i));
        }
        StructType schema = new StructType().add("pixels", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType)
                .add("id", DataTypes.StringType);
        Dataset<Row> all = spark.createDataFrame(rows, schema);
        train = all.limit(1200).cache();
        test = all.except(train).repartition(3).cache();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aResidualGraphFitsInAPipelineAndPredictsTheSameAfterSaveAndLoad(@TempDir Path tmp) throws Exception {
        AdanNetClassifier classifier = new AdanNetClassifier().setFeaturesCol("pixels")
                .setModelSpec("resnet:depth=8:width=4").setGlobalBatchSize(200).setMicroBatchSize(100)
                .setMaxEpochs(2).setSeed(11);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {classifier}).fit(train);
        AdanNetClassificationModel fitted = (AdanNetClassificationModel) model.stages()[0];
        assertEquals(Network.Kind.GRAPH, Network.kindOf(fitted.network().modelDefinition()));
        assertEquals(12, fitted.summary().totalIterations());

        List<Row> before = model.transform(test).orderBy("id").select("id", "rawPrediction", "probability", "prediction")
                .collectAsList();
        String path = tmp.resolve("graph-pipeline").toString();
        model.write().overwrite().save(path);
        List<Row> after = PipelineModel.load(path).transform(test).orderBy("id")
                .select("id", "rawPrediction", "probability", "prediction").collectAsList();
        assertEquals(300, before.size());
        assertEquals(before, after, "the reloaded pipeline predicts exactly as the fitted one");

        // batched transform against the model's own one-row prediction (predictRaw → Spark's rules)
        int i = 0;
        for (Row row : model.transform(test).orderBy("id").collectAsList()) {
            Vector raw = fitted.predictRaw((Vector) row.getAs("pixels"));
            Vector probability = fitted.raw2probabilityInPlace(raw.copy());
            Vector batchedProbability = row.getAs("probability");
            for (int c = 0; c < 10; c++) {
                assertEquals(probability.apply(c), batchedProbability.apply(c), FLOAT32_ROUNDING, "row " + i + " class " + c);
            }
            assertEquals((double) probability.argmax(), (double) row.getAs("prediction"), "row " + i);
            i++;
        }
        assertEquals(300, i);
    }

    /** A TorchScript module with batch normalisation, the PyTorch backend's model, through the same estimator. */
    @Test
    void aTorchScriptModuleFitsInAPipelineAndPredictsTheSameAfterSaveAndLoad(@TempDir Path tmp) throws Exception {
        String module = Path.of(getClass().getResource("/torchscript/cnn_bn.pt").toURI()).toString();
        AdanNetClassifier classifier = new AdanNetClassifier().setFeaturesCol("pixels")
                .setModelSpec("torchscript:" + module).setGlobalBatchSize(200).setMicroBatchSize(100)
                .setMaxEpochs(2).setSeed(11);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {classifier}).fit(train);
        AdanNetClassificationModel fitted = (AdanNetClassificationModel) model.stages()[0];
        assertEquals(12, fitted.summary().totalIterations());
        List<Row> before = model.transform(test).orderBy("id").select("id", "probability", "prediction", "label")
                .collectAsList();
        String path = tmp.resolve("torch-pipeline").toString();
        model.write().overwrite().save(path);
        List<Row> after = PipelineModel.load(path).transform(test).orderBy("id")
                .select("id", "probability", "prediction", "label").collectAsList();
        assertEquals(300, before.size());
        assertEquals(before, after, "the reloaded pipeline predicts exactly as the fitted one");
        long right = before.stream().filter(r -> r.getDouble(2) == r.getDouble(3)).count();
        assertTrue(right > 150, "12 steps of a CNN predict better than chance: " + right + " of 300");
    }
}
