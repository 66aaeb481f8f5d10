package org.adanspark.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.adanspark.io.DataSetLocator;
import org.adanspark.spark.testing.SparkTestSession;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance test: StringIndexer + VectorAssembler + AdanNetClassifier on real a9a. */
class AdanNetClassifierPipelineTest {

    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> test;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTestSession.start();
        Path dir = new DataSetLocator(null).locate("a9a", "a9a", "a9a.t");
        // a9a has 123 features; the test file's rows never use the last one, so say the width explicitly
        train = spark.read().format("libsvm").option("numFeatures", "123").load(dir.resolve("a9a").toString());
        test = spark.read().format("libsvm").option("numFeatures", "123").load(dir.resolve("a9a.t").toString());
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void aPipelineOnA9aReachesTheTargetAccuracyAndSurvivesSaveAndLoad(@TempDir Path tmp) throws Exception {
        StringIndexer indexer = new StringIndexer().setInputCol("label").setOutputCol("indexedLabel");
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"features"}).setOutputCol("assembled");
        AdanNetClassifier classifier = new AdanNetClassifier()
                .setFeaturesCol("assembled").setLabelCol("indexedLabel")
                .setHiddenLayers(new int[] {32})
                .setOptimizer("adan").setLearningRate(0.01)
                .setGlobalBatchSize(1024).setMicroBatchSize(256).setMaxEpochs(3).setSeed(7);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {indexer, assembler, classifier}).fit(train);

        Dataset<Row> predicted = model.transform(test).cache();
        double accuracy = new MulticlassClassificationEvaluator().setLabelCol("indexedLabel")
                .setMetricName("accuracy").evaluate(predicted);
        System.out.printf("a9a pipeline: test accuracy %.4f%n", accuracy);
        assertTrue(accuracy >= 0.84, "test accuracy " + accuracy);

        AdanNetClassificationModel fitted = (AdanNetClassificationModel) model.stages()[2];
        AdanNetTrainingSummary summary = fitted.summary();
        assertEquals(3 * ((32561 + 1023) / 1024), summary.totalIterations());
        assertEquals(summary.totalIterations(), summary.lossHistory().length);
        assertTrue(summary.lossHistory()[summary.lossHistory().length - 1] < summary.lossHistory()[0]);
        assertEquals(2, fitted.numClasses());
        assertEquals(123, fitted.numFeatures());

        String path = tmp.resolve("a9a-pipeline").toString();
        model.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        AdanNetClassificationModel reloaded = (AdanNetClassificationModel) loaded.stages()[2];
        assertFalse(reloaded.hasSummary());
        assertEquals(fitted.uid(), reloaded.uid());
        assertEquals(fitted.network().paramsSha256(), reloaded.network().paramsSha256());
        assertEquals("assembled", reloaded.getFeaturesCol());
        assertArrayEquals(new int[] {32}, reloaded.getHiddenLayers());

        List<Row> before = predicted.select("prediction", "probability", "rawPrediction").collectAsList();
        List<Row> after = loaded.transform(test).select("prediction", "probability", "rawPrediction").collectAsList();
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).getDouble(0), after.get(i).getDouble(0), "prediction of row " + i);
            assertArrayEquals(((Vector) before.get(i).get(1)).toArray(), ((Vector) after.get(i).get(1)).toArray(),
                    "probability of row " + i);
            assertArrayEquals(((Vector) before.get(i).get(2)).toArray(), ((Vector) after.get(i).get(2)).toArray(),
                    "rawPrediction of row " + i);
        }
        predicted.unpersist();
    }
}
