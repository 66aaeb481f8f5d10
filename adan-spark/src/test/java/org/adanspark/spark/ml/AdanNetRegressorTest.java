package org.adanspark.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.adanspark.io.DataSetLocator;
import org.adanspark.spark.data.DataValidationException;
import org.adanspark.spark.testing.SparkTestSession;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regressor on a real regression task: a pixel's red value from its blue and green values (UCI skin
 * segmentation, scaled to [0, 1]), checked against ordinary least squares solved in closed form.
 */
class AdanNetRegressorTest {

    private static SparkSession spark;
    private static Dataset<Row> train;
    private static Dataset<Row> test;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTestSession.start();
        Path file = new DataSetLocator(null).locate("skin-segmentation", "Skin_NonSkin.txt").resolve("Skin_NonSkin.txt");
        Dataset<Row> pixels = spark.read().option("sep", "\t").csv(file.toString())
                .selectExpr("CAST(_c0 AS DOUBLE) / 255 AS b", "CAST(_c1 AS DOUBLE) / 255 AS g",
                        "CAST(_c2 AS DOUBLE) / 255 AS label");
        Dataset<Row> all = new VectorAssembler().setInputCols(new String[] {"b", "g"}).setOutputCol("features")
                .transform(pixels).select("features", "label").sample(0.1, 17);
        Dataset<Row>[] split = all.randomSplit(new double[] {0.8, 0.2}, 23);
        train = split[0].cache();
        test = split[1].cache();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static AdanNetRegressor linear() {
        return new AdanNetRegressor().setHiddenLayers(new int[0]).setLearningRate(0.05).setWeightDecay(0)
                .setGlobalBatchSize(1024).setMicroBatchSize(512).setMaxEpochs(10).setSeed(5);
    }

    private static double mse(Dataset<Row> predictions) {
        return new RegressionEvaluator().setMetricName("mse").evaluate(predictions);
    }

    /** Test MSE of ordinary least squares with an intercept, from the normal equations on the training data. */
    private static double olsTestMse() {
        double[][] xtx = new double[3][3];
        double[] xty = new double[3];
        for (Row r : train.collectAsList()) {
            double[] x = {((Vector) r.get(0)).apply(0), ((Vector) r.get(0)).apply(1), 1};
            for (int i = 0; i < 3; i++) {
                xty[i] += x[i] * r.getDouble(1);
                for (int j = 0; j < 3; j++) {
                    xtx[i][j] += x[i] * x[j];
                }
            }
        }
        double[] w = solve3(xtx, xty);
        double sum = 0;
        List<Row> rows = test.collectAsList();
        for (Row r : rows) {
            Vector v = (Vector) r.get(0);
            double e = w[0] * v.apply(0) + w[1] * v.apply(1) + w[2] - r.getDouble(1);
            sum += e * e;
        }
        return sum / rows.size();
    }

    private static double[] solve3(double[][] a, double[] b) {
        double det = det3(a);
        double[] w = new double[3];
        for (int c = 0; c < 3; c++) {
            double[][] m = {a[0].clone(), a[1].clone(), a[2].clone()};
            for (int r = 0; r < 3; r++) {
                m[r][c] = b[r];
            }
            w[c] = det3(m) / det;
        }
        return w;
    }

    private static double det3(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }

    @Test
    void aLinearSquaredErrorModelApproachesLeastSquaresAndSavesExactly(@TempDir Path tmp) throws Exception {
        AdanNetRegressionModel model = linear().fit(train);
        double ours = mse(model.transform(test));
        double ols = olsTestMse();
        System.out.printf("skin R from (B, G): test MSE %.6f, least squares %.6f, ratio %.4f%n", ours, ols, ours / ols);
        // the optimum of this loss is the OLS fit; 10 epochs of Adan must come within 2% of its error
        assertTrue(ours <= 1.02 * ols, "MSE " + ours + " vs least squares " + ols);
        assertEquals(model.summary().totalIterations(), model.summary().lossHistory().length);

        String path = tmp.resolve("regressor").toString();
        model.write().overwrite().save(path);
        AdanNetRegressionModel loaded = AdanNetRegressionModel.load(path);
        assertFalse(loaded.hasSummary());
        assertEquals(model.transform(test).select("prediction").collectAsList(),
                loaded.transform(test).select("prediction").collectAsList());
    }

    /**
     * The same fit on the PyTorch backend, its squared-error path: a TorchScript linear module, and the
     * {@code linear} preset built from DJL's blocks ({@code backend = pytorch}).
     */
    @Test
    void aTorchScriptLinearModuleAndThePyTorchLinearPresetApproachLeastSquaresToo(@TempDir Path tmp) throws Exception {
        String module = Path.of(getClass().getResource("/torchscript/linear2.pt").toURI()).toString();
        double ols = olsTestMse();
        AdanNetRegressor[] fits = {linear().setModelSpec("torchscript:" + module), linear().setBackend("pytorch")};
        AdanNetRegressionModel[] models = new AdanNetRegressionModel[fits.length];
        for (int i = 0; i < fits.length; i++) {
            AdanNetRegressor fit = fits[i];
            AdanNetRegressionModel model = fit.fit(train);
            models[i] = model;
            double ours = mse(model.transform(test));
            String what = fit.getModelSpec().isBlank() ? "linear preset" : fit.getModelSpec();
            System.out.printf("skin R from (B, G), PyTorch backend %s: test MSE %.6f, least squares %.6f%n", what,
                    ours, ols);
            assertTrue(ours <= 1.02 * ols, what + ": MSE " + ours + " vs least squares " + ols);
        }
        AdanNetRegressionModel preset = models[1]; // the preset's definition and θ, reloaded
        String path = tmp.resolve("torch-preset").toString();
        preset.write().overwrite().save(path);
        assertEquals(preset.transform(test).select("prediction").collectAsList(),
                AdanNetRegressionModel.load(path).transform(test).select("prediction").collectAsList());
    }

    @Test
    void huberLossShrugsOffOutliersThatPullTheSquaredErrorFit() {
        // 5% of the training targets replaced by a gross error; the clean test set judges both fits
        Dataset<Row> corrupted = train.selectExpr("features",
                "CASE WHEN rand(3) < 0.05 THEN 5.0 ELSE label END AS label");
        double squared = mse(linear().fit(corrupted).transform(test));
        double huber = mse(linear().setLoss("huber").setHuberDelta(0.05).fit(corrupted).transform(test));
        double ols = olsTestMse();
        System.out.printf("with 5%% outliers: clean test MSE squared %.5f, huber %.5f, least squares on clean data %.5f%n",
                squared, huber, ols);
        // the outliers pull the squared-error fit far off the clean optimum; Huber's stays near it
        assertTrue(squared > 1.5 * ols, "squared " + squared + " vs clean least squares " + ols);
        assertTrue(huber < 1.2 * ols, "huber " + huber + " vs clean least squares " + ols);
    }

    @Test
    void aNonFiniteTargetFailsFitNamingTheColumn() {
        Dataset<Row> bad = train.limit(50).selectExpr("features", "CASE WHEN label > 0.5 THEN double('NaN') ELSE label END AS label");
        DataValidationException e = assertThrows(DataValidationException.class, () -> linear().fit(bad));
        assertTrue(e.getMessage().contains("column 'label' is NaN, not a finite regression target"), e.getMessage());
    }

    @Test
    void invalidLossParamsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AdanNetRegressor().setLoss("absolute"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new AdanNetRegressor().setHuberDelta(0));
        assertTrue(e.getMessage().contains("huberDelta"), e.getMessage());
    }

    /** The features column as Python users hold it: array<double> and array<float> train the same network. */
    @Test
    void arrayFeaturesFitAndPredictAsTheirVectors() {
        AdanNetRegressor reg = linear().setMaxEpochs(1);
        for (String type : new String[] {"array<double>", "array<float>"}) {
            Dataset<Row> arrays = asArrays(train, type);
            // the same values as vectors: the arrays' elements as doubles
            AdanNetRegressionModel fromVectors = reg.fit(arrays.withColumn("features",
                    org.apache.spark.ml.functions.array_to_vector(org.apache.spark.sql.functions.col("features"))));
            AdanNetRegressionModel fromArrays = reg.fit(arrays);
            assertEquals(fromVectors.summary().paramsSha256(), fromArrays.summary().paramsSha256(), type);
            Dataset<Row> testArrays = asArrays(test, type);
            Dataset<Row> predicted = fromVectors.transform(testArrays);
            assertEquals(type, predicted.schema().apply("features").dataType().simpleString(), "the column keeps its type");
            List<Row> expected = fromVectors.transform(testArrays.withColumn("features",
                    org.apache.spark.ml.functions.array_to_vector(org.apache.spark.sql.functions.col("features"))))
                    .select("prediction").collectAsList();
            List<Row> actual = predicted.select("prediction").collectAsList();
            for (int r = 0; r < expected.size(); r++) {
                // float32 rows: the vector's doubles are rounded to float32 by the network either way
                assertEquals(expected.get(r).getDouble(0), actual.get(r).getDouble(0), 0.0, type + " row " + r);
            }
        }
    }

    private static Dataset<Row> asArrays(Dataset<Row> rows, String type) {
        String dtype = type.equals("array<float>") ? "float32" : "float64"; // what PySpark's vector_to_array takes
        return rows.select(org.apache.spark.ml.functions.vector_to_array(org.apache.spark.sql.functions.col("features"),
                dtype).as("features"), org.apache.spark.sql.functions.col("label"));
    }

    @Test
    void anArrayRowOfTheWrongLengthIsRefusedByColumnRowAndLength() {
        Dataset<Row> ragged = spark.sql("SELECT array(0.1D, 0.2D) AS features, 0.5D AS label UNION ALL "
                + "SELECT array(0.1D, 0.2D, 0.3D), 0.4D");
        DataValidationException e = assertThrows(DataValidationException.class,
                () -> linear().setMaxEpochs(1).fit(ragged));
        // the rows land in one partition or two (the estimator repartitions): each case names both lengths
        String m = e.getMessage();
        assertTrue(m.contains("column 'features' has 3 values where earlier rows have 2")
                || m.contains("column 'features' has 2 values where earlier rows have 3")
                || (m.contains("rows have different feature sizes") && m.contains("features=(3)[0.1, 0.2, 0.3]")
                        && m.contains("features=(2)[0.1, 0.2]")), m);
        IllegalArgumentException ints = assertThrows(IllegalArgumentException.class,
                () -> linear().fit(spark.sql("SELECT array(1, 2) AS features, 0.5D AS label")));
        assertTrue(ints.getMessage().contains("column 'features' is array<int>; the features column must be a Vector,"
                + " array<float> or array<double>"), ints.getMessage());
    }
}
