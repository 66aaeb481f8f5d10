package org.adanspark.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.adanspark.io.DataSetLocator;
import org.adanspark.optim.Adan;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.optim.Precision;
import org.adanspark.spark.testing.SparkTestSession;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.classification.LogisticRegressionModel;
import org.apache.spark.mllib.classification.SVMModel;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.Gradient;
import org.apache.spark.mllib.optimization.HingeGradient;
import org.apache.spark.mllib.optimization.LeastSquaresGradient;
import org.apache.spark.mllib.optimization.LogisticGradient;
import org.apache.spark.mllib.optimization.Optimizer;
import org.apache.spark.mllib.regression.GeneralizedLinearAlgorithm;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.mllib.util.MLUtils;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/** {@link AdanDescent} with MLlib's gradients, inside GeneralizedLinearAlgorithm, and against a local loop. */
class AdanDescentTest {

    private static SparkSession spark;
    private static JavaRDD<LabeledPoint> train;
    private static JavaRDD<LabeledPoint> test;

    /** What a GeneralizedLinearAlgorithm user writes: the model to build and the optimizer to use. */
    static final class AdanLogisticRegression extends GeneralizedLinearAlgorithm<LogisticRegressionModel> {
        private static final long serialVersionUID = 1L;
        private final AdanDescent optimizer = new AdanDescent(new LogisticGradient(),
                Adan.builder().lr(0.05).build()).setNumIterations(60);

        AdanLogisticRegression() {
            setIntercept(true);
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }

        @Override
        public LogisticRegressionModel createModel(Vector weights, double intercept) {
            return new LogisticRegressionModel(weights, intercept);
        }
    }

    /** A linear SVM the same way, with mini-batches. */
    static final class AdanSvm extends GeneralizedLinearAlgorithm<SVMModel> {
        private static final long serialVersionUID = 1L;
        private final AdanDescent optimizer = new AdanDescent(new HingeGradient(), Adan.builder().lr(0.05).build())
                .setNumIterations(60).setMiniBatchFraction(0.25).setSeed(9);

        AdanSvm() {
            setIntercept(true);
        }

        @Override
        public Optimizer optimizer() {
            return optimizer;
        }

        @Override
        public SVMModel createModel(Vector weights, double intercept) {
            return new SVMModel(weights, intercept);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        spark = SparkTestSession.start();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Path dir = new DataSetLocator(null).locate("a9a", "a9a", "a9a.t");
        train = zeroOne(MLUtils.loadLibSVMFile(jsc.sc(), dir.resolve("a9a").toString(), 123).toJavaRDD()).cache();
        test = zeroOne(MLUtils.loadLibSVMFile(jsc.sc(), dir.resolve("a9a.t").toString(), 123).toJavaRDD()).cache();
    }

    private static JavaRDD<LabeledPoint> zeroOne(JavaRDD<LabeledPoint> points) {
        return points.map(p -> new LabeledPoint(p.label() > 0 ? 1 : 0, p.features()));
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static double accuracy(org.apache.spark.mllib.regression.GeneralizedLinearModel model) {
        long correct = test.filter(p -> model.predict(p.features()) == p.label()).count();
        return (double) correct / test.count();
    }

    @Test
    void logisticRegressionThroughGeneralizedLinearAlgorithmLearnsA9a() {
        AdanLogisticRegression lr = new AdanLogisticRegression();
        LogisticRegressionModel model = lr.run(train.rdd());
        double acc = accuracy(model);
        double[] losses = lr.optimizer.lossHistory();
        System.out.printf("a9a logistic regression by AdanDescent: test accuracy %.4f, loss %.4f -> %.4f%n", acc,
                losses[0], losses[losses.length - 1]);
        assertTrue(acc >= 0.84, "accuracy " + acc);
        assertEquals(60, losses.length);
        assertTrue(losses[59] < losses[0]);
    }

    @Test
    void aLinearSvmWithMiniBatchesLearnsA9a() {
        double acc = accuracy(new AdanSvm().run(train.rdd()));
        System.out.printf("a9a linear SVM by AdanDescent (25%% mini-batches): test accuracy %.4f%n", acc);
        assertTrue(acc >= 0.83, "accuracy " + acc);
    }

    @Test
    void fullBatchStepsEqualAdanOnTheLocallyComputedMeanGradient() {
        List<LabeledPoint> sample = train.take(300);
        JavaRDD<Tuple2<Object, Vector>> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(sample, 3).map(p -> new Tuple2<>((Object) p.label(), p.features()));
        Gradient gradient = new LeastSquaresGradient();
        Adan adan = Adan.builder().lr(0.02).weightDecay(0.01).build();
        double[] start = new double[123];
        Vector distributed = new AdanDescent(gradient, adan).setNumIterations(5).optimize(rdd.rdd(), Vectors.dense(start));

        double[] w = start.clone();
        OptimizerState state = adan.init(ParamLayout.of(w.length), Precision.FLOAT64);
        for (int it = 0; it < 5; it++) {
            double[] g = new double[w.length];
            for (LabeledPoint p : sample) {
                gradient.compute(p.features(), p.label(), new DenseVector(w.clone()), new DenseVector(g));
            }
            for (int k = 0; k < g.length; k++) {
                g[k] /= sample.size();
            }
            adan.step(state, w, g);
        }
        // The two sums of 300 float64 terms differ only in association order: each gradient component is off
        // by at most 300 · 2^-53 of its magnitude (< 4e-14 relative); five Adan steps of size ≤ lr move the
        // weights by ≤ 0.1, so 1e-12 absolute bounds the difference with a wide margin.
        double[] d = distributed.toArray();
        for (int k = 0; k < w.length; k++) {
            assertEquals(w[k], d[k], 1e-12, "weight " + k);
        }
    }
}
