package org.adanspark.examples;

import java.nio.file.Path;
import java.util.Locale;
import org.adanspark.io.DataSetLocator;
import org.adanspark.spark.ml.AdanNetClassificationModel;
import org.adanspark.spark.ml.AdanNetClassifier;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark ML pipeline in Java: StringIndexer → VectorAssembler → AdanNetClassifier on the a9a (Adult
 * income) LIBSVM data, evaluated on its test file, saved, reloaded and evaluated again.
 *
 * <pre>bin/adan-example java [EPOCHS] [MODEL_DIR] [ROWS]</pre>
 */
public final class A9aPipelineExample {

    private A9aPipelineExample() {
    }

    /**
     * @param args optional: epochs (default 3), where to save the pipeline (default a temp directory), and
     *     how many training rows to use (default all 32,561)
     * @throws Exception if the data cannot be found or the model cannot be saved
     */
    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        String modelDir = args.length > 1 ? args[1]
                : java.nio.file.Files.createTempDirectory("a9a-pipeline").resolve("model").toString();
        int rows = args.length > 2 ? Integer.parseInt(args[2]) : Integer.MAX_VALUE;
        Path dir = new DataSetLocator(null).locate("a9a", "a9a", "a9a.t");
        SparkSession spark = SparkSession.builder().master("local[*]").appName("a9a-pipeline-example")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            // a9a has 123 features; its test file never uses the last, so the width is given explicitly
            Dataset<Row> train = spark.read().format("libsvm").option("numFeatures", "123")
                    .load(dir.resolve("a9a").toString()).limit(rows);
            Dataset<Row> test = spark.read().format("libsvm").option("numFeatures", "123")
                    .load(dir.resolve("a9a.t").toString());

            Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new StringIndexer().setInputCol("label").setOutputCol("indexedLabel"),
                new VectorAssembler().setInputCols(new String[] {"features"}).setOutputCol("assembled"),
                new AdanNetClassifier()
                        .setFeaturesCol("assembled").setLabelCol("indexedLabel")
                        .setHiddenLayers(new int[] {32})
                        .setOptimizer("adan").setLearningRate(0.01).setWeightDecay(0.02)
                        .setGlobalBatchSize(1024).setMaxEpochs(epochs)
            });
            PipelineModel model = pipeline.fit(train);
            AdanNetClassificationModel net = (AdanNetClassificationModel) model.stages()[2];
            System.out.println("trained: " + net.summary());

            MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                    .setLabelCol("indexedLabel").setMetricName("accuracy");
            double before = accuracy.evaluate(model.transform(test));
            model.write().overwrite().save(modelDir);
            double after = accuracy.evaluate(PipelineModel.load(modelDir).transform(test));
            System.out.printf(Locale.ROOT, "a9a test accuracy %.4f; saved to %s; reloaded: %.4f%n", before, modelDir, after);
        } finally {
            spark.stop();
        }
    }
}
