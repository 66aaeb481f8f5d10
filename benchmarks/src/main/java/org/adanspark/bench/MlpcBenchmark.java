package org.adanspark.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.ml.AdanNetClassifier;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Predictor;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.knowm.xchart.XYChart;

/**
 * Benchmark 4, time to accuracy against Spark ML: {@link AdanNetClassifier} against Spark's
 * {@link MultilayerPerceptronClassifier} with the same network (784-128-10, sigmoid hidden layer, softmax
 * output: MLPC's only architecture), on Fashion-MNIST, in the same {@code local[*]} session, through
 * the same {@code Estimator.fit} on the same cached DataFrame.
 *
 * <p>MLPC trains with each of its solvers, {@code l-bfgs} and {@code gd}, for {@code maxIter} iterations;
 * its final test accuracy is the target. AdanNetClassifier is fitted afresh with a growing epoch budget
 * (1, 2, 3, 5, 8, 12 epochs; Adan, lr 0.01, global batch 2048, 10 warm-up steps). A fit is deterministic,
 * so the model after E epochs is the same whether or not training would have gone on, and the wall time
 * of the first fit that reaches a target is an honest time to that accuracy: the whole {@code fit},
 * DataFrame packing included. (It is an upper bound: a finer epoch grid could only find it sooner.)
 *
 * <p>Writes {@code vs-mlpc.csv}: every fit ({@code kind = fit}), then one {@code time_to_accuracy} row per
 * MLPC solver with AdanNet's time to that solver's accuracy and its ratio to MLPC's wall time; and
 * {@code vs-mlpc.png}, test accuracy against wall time.
 *
 * <p>Usage: {@code bin/adan-bench vs-mlpc [--quick] [--out-dir DIR]}. Full: all 60,000 rows, MLPC
 * {@code maxIter} 100 (about 15 minutes on 2 cores). Quick: 4,000 rows, {@code maxIter} 5, budgets 1 and 2.
 */
public final class MlpcBenchmark {

    private static final int HIDDEN = 128;

    /** One fitted estimator: what it was, how long {@code fit} took, and its test accuracy. */
    private record Fit(String estimator, String solver, int budget, double wallSeconds, double accuracy) {
    }

    private MlpcBenchmark() {
    }

    /**
     * @param args {@code --quick}, {@code --out-dir DIR}
     */
    public static void main(String[] args) {
        BenchOptions options = BenchOptions.parse("vs-mlpc", args);
        Machine machine = Machine.current();
        System.out.println("vs-mlpc (" + options.mode() + ") on " + machine);
        boolean quick = options.quick();
        int maxIter = quick ? 5 : 100;
        int[] epochBudgets = quick ? new int[] {1, 2} : new int[] {1, 2, 3, 5, 8, 12};
        SparkSession spark = BenchSpark.session("adan-bench-vs-mlpc");
        ResultTable table = new ResultTable("kind", "estimator", "solver", "budget", "wall_s", "test_accuracy",
                "target_accuracy", "ratio_to_mlpc_wall");
        List<Fit> fits = new ArrayList<>();
        try {
            TrainTestData data = BenchSpark.fashionMnist(spark, quick ? 4000 : 0, quick ? 1000 : 0);
            Dataset<Row> train = frame(spark, data.train()).cache();
            Dataset<Row> test = frame(spark, data.test()).cache();
            System.out.printf(Locale.ROOT, "%d training rows, %d test rows, layers 784-%d-10%n", train.count(),
                    test.count(), HIDDEN);
            data.release();
            System.out.println(table.header());
            List<Fit> mlpc = new ArrayList<>();
            for (String solver : List.of("l-bfgs", "gd")) {
                MultilayerPerceptronClassifier est = new MultilayerPerceptronClassifier()
                        .setLayers(new int[] {784, HIDDEN, 10}).setSolver(solver).setMaxIter(maxIter).setSeed(42L)
                        .setTol(0.0);
                Fit f = fit("MultilayerPerceptronClassifier", solver, maxIter, est, train, test);
                mlpc.add(f);
                fits.add(f);
                System.out.println(table.add("fit", f.estimator(), f.solver(), f.budget(), f.wallSeconds(), f.accuracy(), "", ""));
            }
            double highestTarget = mlpc.stream().mapToDouble(Fit::accuracy).max().orElseThrow();
            List<Fit> adan = new ArrayList<>();
            for (int epochs : epochBudgets) {
                AdanNetClassifier est = new AdanNetClassifier().setModelSpec("mlp:" + HIDDEN + ":activation=sigmoid").setOptimizer("adan")
                        .setLearningRate(0.01).setGlobalBatchSize(2048).setWarmupSteps(10).setMaxEpochs(epochs)
                        .setSeed(42L);
                Fit f = fit("AdanNetClassifier", "adan", epochs, est, train, test);
                adan.add(f);
                fits.add(f);
                System.out.println(table.add("fit", f.estimator(), f.solver(), f.budget(), f.wallSeconds(), f.accuracy(), "", ""));
                if (f.accuracy() >= highestTarget && epochs >= epochBudgets[epochBudgets.length - 1] / 2) {
                    break; // every target reached, and the curve has gone on far enough to show where it levels
                }
            }
            StringBuilder summary = new StringBuilder();
            for (Fit target : mlpc) {
                Fit first = adan.stream().filter(f -> f.accuracy() >= target.accuracy()).findFirst().orElse(null);
                double wall = first == null ? Double.NaN : first.wallSeconds();
                String line = table.add("time_to_accuracy", "AdanNetClassifier", "adan vs " + target.solver(),
                        first == null ? "" : first.budget(), wall, first == null ? Double.NaN : first.accuracy(),
                        target.accuracy(), wall / target.wallSeconds());
                System.out.println(line);
                summary.append(String.format(Locale.ROOT, "MLPC %s: %.4f in %.1f s; AdanNetClassifier %s%n",
                        target.solver(), target.accuracy(), target.wallSeconds(), first == null
                                ? "did not reach it within " + epochBudgets[epochBudgets.length - 1] + " epochs"
                                : String.format(Locale.ROOT, "reached %.4f after %d epochs in %.1f s = %.3f of MLPC's time",
                                        first.accuracy(), first.budget(), wall, wall / target.wallSeconds())));
            }
            System.out.print(summary);
            table.write(options, options.file(".csv"), machine, "MLPC maxIter " + maxIter + ", tol 0, seed 42; "
                    + "AdanNetClassifier mlp:" + HIDDEN + ":activation=sigmoid, Adan lr 0.01, batch 2048, 10 warm-up steps, seed 42; "
                    + "budget = MLPC iterations or AdanNet epochs; wall_s = Estimator.fit wall time.\n" + summary);
            plot(options, fits);
        } finally {
            spark.stop();
        }
    }

    private static Fit fit(String name, String solver, int budget, Predictor<?, ?, ?> estimator,
                                                Dataset<Row> train, Dataset<Row> test) {
        long t = System.nanoTime();
        Model<?> model = estimator.fit(train);
        double wall = (System.nanoTime() - t) / 1e9;
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(model.transform(test));
        return new Fit(name, solver, budget, wall, accuracy);
    }

    /** The blocks as a {@code (label, features)} DataFrame, built where the blocks live. */
    static Dataset<Row> frame(SparkSession spark, BlockDataset data) {
        JavaRDD<Row> rows = data.blocks().flatMap(MlpcBenchmark::rows);
        StructType schema = new StructType().add("label", DataTypes.DoubleType, false)
                .add("features", SQLDataTypes.VectorType(), false);
        return spark.createDataFrame(rows, schema);
    }

    private static Iterator<Row> rows(FeatureBlock block) {
        List<Row> out = new ArrayList<>(block.rows());
        int dim = block.dim();
        for (int r = 0; r < block.rows(); r++) {
            double[] x = new double[dim];
            for (int j = 0; j < dim; j++) {
                x[j] = block.features()[r * dim + j];
            }
            out.add(RowFactory.create((double) block.labels()[r], Vectors.dense(x).compressed()));
        }
        return out.iterator();
    }

    private static void plot(BenchOptions options, List<Fit> fits) {
        XYChart chart = Charts.lines("Fashion-MNIST, 784-" + HIDDEN + "-10: test accuracy vs fit wall time",
                "seconds (Estimator.fit)", "test accuracy");
        List<Fit> adan = fits.stream().filter(f -> f.estimator().equals("AdanNetClassifier")).toList();
        Charts.series(chart, "AdanNetClassifier (one fit per epoch budget)",
                adan.stream().mapToDouble(Fit::wallSeconds).toArray(), adan.stream().mapToDouble(Fit::accuracy).toArray());
        for (Fit f : fits) {
            if (!f.estimator().equals("AdanNetClassifier")) {
                Charts.series(chart, "MLPC " + f.solver() + " (" + f.budget() + " iterations)",
                        new double[] {f.wallSeconds()}, new double[] {f.accuracy()});
            }
        }
        Charts.save(options.file(".png"), 1, List.of(chart));
    }
}
