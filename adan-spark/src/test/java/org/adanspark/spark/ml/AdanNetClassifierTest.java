package org.adanspark.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.adanspark.io.DataSetLocator;
import org.adanspark.spark.data.DataValidationException;
import org.adanspark.spark.testing.SparkTestSession;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
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
import scala.jdk.javaapi.CollectionConverters;

/** The classifier's params, tuning with CrossValidator / TrainValidationSplit, persistence and bad input. */
class AdanNetClassifierTest {

    private static SparkSession spark;
    private static Dataset<Row> a9a;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTestSession.start();
        Path dir = new DataSetLocator(null).locate("a9a", "a9a", "a9a.t");
        // a9a's ±1 labels as class indices 0/1, and a slice of it, to keep the grids fast
        a9a = spark.read().format("libsvm").option("numFeatures", "123").load(dir.resolve("a9a").toString())
                .selectExpr("features", "CASE WHEN label > 0 THEN 1.0 ELSE 0.0 END AS label").limit(6000).cache();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static AdanNetClassifier small() {
        return new AdanNetClassifier().setHiddenLayers(new int[0]).setGlobalBatchSize(1000).setMicroBatchSize(500)
                .setMaxEpochs(2).setSeed(3);
    }

    @Test
    void defaultsComeFromReferenceConfAndFollowTheOptimizer() {
        AdanNetClassifier c = new AdanNetClassifier();
        assertEquals("adan", c.getOptimizer());
        assertEquals(0.01, c.getLearningRate());
        assertEquals(0.02, c.getWeightDecay());
        assertArrayEquals(new double[] {0.98, 0.92, 0.99}, c.getBetas());
        assertEquals(4096, c.getGlobalBatchSize());
        assertArrayEquals(new int[] {256}, c.getHiddenLayers());
        c.setOptimizer("adamw");
        assertEquals(0.002, c.getLearningRate());
        assertArrayEquals(new double[] {0.9, 0.999}, c.getBetas());
        c.setLearningRate(0.005);
        assertEquals(0.005, c.getLearningRate());
        String explained = c.explainParams();
        for (String p : List.of("hiddenLayers", "modelSpec", "optimizer", "learningRate", "weightDecay", "betas",
                "maxGradNorm", "globalBatchSize", "microBatchSize", "maxEpochs", "warmupSteps", "seed", "numShards",
                "checkpointDir", "allReduce", "execution", "featuresCol", "labelCol", "probabilityCol", "rawPredictionCol")) {
            assertTrue(explained.contains(p + ":"), p + " missing from explainParams:\n" + explained);
        }
        // the optimizer-dependent defaults are shown as the values they are, not "undefined"
        assertTrue(explained.contains("learningRate: the chosen optimizer's peak learning rate (> 0)"
                + " (default: 0.002, adamw's, current: 0.005)"), explained);
        assertTrue(explained.contains("(default: 0.01, adamw's)"), explained);
        assertTrue(explained.contains("(default: [0.9, 0.999], adamw's)"), explained);
        assertTrue(explained.contains("hiddenLayers: widths of the hidden layers of an MLP; empty for a linear model "
                + "(each >= 1) (default: [256])"), explained);
    }

    @Test
    void invalidValuesAreRefusedNamingTheParam() {
        AdanNetClassifier c = new AdanNetClassifier();
        for (Runnable bad : List.<Runnable>of(() -> c.setGlobalBatchSize(0), () -> c.setMicroBatchSize(-1),
                () -> c.setMaxEpochs(0), () -> c.setLearningRate(0), () -> c.setWeightDecay(-0.1),
                () -> c.setOptimizer("adagrad"), () -> c.setAllReduce("ring"), () -> c.setExecution("stages"),
                () -> c.setNumShards(0),
                () -> c.setBetas(new double[] {0.9, 1.0}), () -> c.setHiddenLayers(new int[] {8, 0}),
                () -> c.setModelSpec("mlp:x"), () -> c.setMaxGradNorm(-1), () -> c.setWarmupSteps(-1),
                () -> c.setEmaDecay(1.0), () -> c.setEmaDecay(-0.5))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bad::run);
            assertTrue(e.getMessage().startsWith(c.uid() + ": param "), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.setGlobalBatchSize(0));
        assertEquals(c.uid() + ": param globalBatchSize must be >= 1, got 0", e.getMessage());
        assertEquals(4096, c.getGlobalBatchSize(), "a refused value leaves the param as it was");
    }

    @Test
    void theBarrierExecutionFitsTheModelTheJobsExecutionFits() {
        float[] jobs = small().setExecution("jobs").fit(a9a).network().params();
        float[] barrier = small().setExecution("barrier").fit(a9a).network().params();
        assertArrayEquals(jobs, barrier);
        float[] jobsEma = small().setEmaDecay(0.8).setExecution("jobs").fit(a9a).network().params();
        float[] barrierEma = small().setEmaDecay(0.8).setExecution("barrier").fit(a9a).network().params();
        assertArrayEquals(jobsEma, barrierEma, "with emaDecay both fit the same averaged weights");
        assertFalse(java.util.Arrays.equals(jobs, jobsEma), "with emaDecay the model gets the average, not θ");
    }

    @Test
    void betasOfTheWrongCountForTheOptimizerFailFitNamingTheParam() {
        AdanNetClassifier c = small().setOptimizer("adan").setBetas(new double[] {0.9, 0.99});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.fit(a9a));
        assertTrue(e.getMessage().contains("param betas must have 3 values for adan, got 2"), e.getMessage());
    }

    @Test
    void aNaNFeatureFailsFitNamingTheColumnAndShowingTheRow() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType);
        Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create(Vectors.dense(1, 2), 0.0),
                RowFactory.create(Vectors.dense(3, Double.NaN), 1.0)), schema);
        DataValidationException e = assertThrows(DataValidationException.class, () -> small().fit(df));
        assertTrue(e.getMessage().contains("column 'features' holds NaN at index 1"), e.getMessage());
        assertTrue(e.getMessage().contains("label=1.0, features=(2)[3.0, NaN]"), e.getMessage());
    }

    @Test
    void crossValidatorOverTwoOptimizersAndTwoLearningRatesPicksAModel() {
        AdanNetClassifier c = small();
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(c.optimizer(), CollectionConverters.asScala(List.of("adan", "adamw")))
                .addGrid(c.learningRate(), new double[] {0.1, 1e-4})
                .build();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        CrossValidatorModel cv = new CrossValidator().setEstimator(c).setEstimatorParamMaps(grid).setEvaluator(accuracy)
                .setNumFolds(2).setSeed(11).fit(a9a);
        double[] metrics = cv.avgMetrics();
        assertEquals(4, metrics.length);
        System.out.printf("CrossValidator accuracies (adan 0.1, adan 1e-4, adamw 0.1, adamw 1e-4): %s%n",
                java.util.Arrays.toString(metrics));
        AdanNetClassificationModel best = (AdanNetClassificationModel) cv.bestModel();
        int bestIndex = 0;
        for (int i = 1; i < metrics.length; i++) {
            bestIndex = metrics[i] > metrics[bestIndex] ? i : bestIndex;
        }
        assertEquals(grid[bestIndex].apply(c.optimizer()), best.getOptimizer());
        assertEquals((double) grid[bestIndex].apply(c.learningRate()), best.getLearningRate());
        // 1e-4 for 12 steps barely moves a linear model: the grid must be able to tell
        assertTrue(best.getLearningRate() == 0.1, "best lr " + best.getLearningRate());
        assertTrue(accuracy.evaluate(best.transform(a9a)) > 0.8);
    }

    @Test
    void trainValidationSplitWorksToo() {
        AdanNetClassifier c = small();
        ParamMap[] grid = new ParamGridBuilder().addGrid(c.numShards(), new int[] {1, 3}).build();
        TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(c).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator()).setTrainRatio(0.75).setSeed(5).fit(a9a);
        double[] m = tvs.validationMetrics();
        assertEquals(2, m.length);
        assertEquals(m[0], m[1], 0.0, "sharding the optimizer state must not change the model");
    }

    @Test
    void anEstimatorAndAModelSaveAndLoad(@TempDir Path tmp) throws Exception {
        AdanNetClassifier c = small().setOptimizer("lamb").setBetas(new double[] {0.9, 0.99}).setPredictionCol("guess");
        String estimatorPath = tmp.resolve("estimator").toString();
        c.write().overwrite().save(estimatorPath);
        AdanNetClassifier loadedEstimator = AdanNetClassifier.load(estimatorPath);
        assertEquals(c.uid(), loadedEstimator.uid());
        assertEquals("lamb", loadedEstimator.getOptimizer());
        assertArrayEquals(new double[] {0.9, 0.99}, loadedEstimator.getBetas());
        assertEquals("guess", loadedEstimator.getPredictionCol());
        assertEquals(c.explainParams(), loadedEstimator.explainParams(), "every param and default as saved");

        AdanNetClassificationModel model = loadedEstimator.fit(a9a);
        assertEquals(c.uid(), model.uid());
        String modelPath = tmp.resolve("model").toString();
        model.write().overwrite().save(modelPath);
        AdanNetClassificationModel loaded = AdanNetClassificationModel.load(modelPath);
        assertEquals(model.network().paramsSha256(), loaded.network().paramsSha256());
        assertEquals("guess", loaded.getPredictionCol());
        assertTrue(loaded.explainParams().contains("(default: 0.01, lamb's)"), loaded.explainParams());
        List<Row> a = model.transform(a9a).select("guess", "probability").collectAsList();
        List<Row> b = loaded.transform(a9a).select("guess", "probability").collectAsList();
        assertEquals(a, b);
        assertNotEquals(0, a.stream().mapToDouble(r -> r.getDouble(0)).sum(), "predicts both classes");
    }

    @Test
    void aDamagedSavedModelIsRefusedNamingTheFile(@TempDir Path tmp) throws Exception {
        AdanNetClassificationModel model = small().setMaxEpochs(1).fit(a9a);
        String path = tmp.resolve("model").toString();
        model.write().save(path);
        Path params = tmp.resolve("model/data/params.bin");
        byte[] bytes = java.nio.file.Files.readAllBytes(params);
        bytes[bytes.length - 1] ^= 1;
        java.nio.file.Files.write(params, bytes);
        // Hadoop's local file system would catch this by its .crc file first; without one (as on object stores)
        // the model's own SHA-256 must
        java.nio.file.Files.delete(tmp.resolve("model/data/.params.bin.crc"));
        RuntimeException e = assertThrows(RuntimeException.class, () -> AdanNetClassificationModel.load(path));
        assertTrue(e.getMessage().contains("params.bin: SHA-256"), e.getMessage());
    }
}
