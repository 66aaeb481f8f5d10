package org.adanspark.bench;

import java.util.List;
import java.util.Map;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.model.dl4j.Dl4jModel;
import org.adanspark.spark.step.Evaluator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.knowm.xchart.CategoryChart;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Benchmark 5, against DL4J's incumbent: dl4j-spark's {@code ParameterAveragingTrainingMaster} against
 * adan-spark's trainer, on the same network ({@code mlp:256}, 784-256-10), the same data (Fashion-MNIST
 * in one cached partition per core), the same optimizer (Adan, lr 0.01, adan-core's {@code AdanUpdater}
 * on DL4J's side), the same number of epochs, in the same {@code local[C]} session, evaluated by the same
 * code ({@link Evaluator}) on the 10,000 test images.
 *
 * <p>The systems differ in what they synchronise. Parameter averaging lets each worker run its own Adan
 * on its own minibatches and averages parameters and updater state every {@code averagingFrequency}
 * minibatches; adan-spark all-reduces gradients so one Adan steps on the whole global batch. Two
 * parameter-averaging settings are measured: 512-example minibatches averaged every 4 (2 workers × 512 ×
 * 4 = 4,096 examples between synchronisations, our global batch), and 64-example minibatches averaged
 * every 5, closer to DL4J's examples.
 *
 * <p>Writes {@code vs-dl4j-spark.csv} and {@code vs-dl4j-spark.png}. Usage:
 * {@code bin/adan-bench vs-dl4j-spark [--quick] [--out-dir DIR]}. Full: 5 epochs over 60,000 rows (a few
 * minutes on 2 cores). Quick: 1 epoch over 8,000 rows.
 */
public final class Dl4jSparkBenchmark {

    private static final String MODEL = "mlp:256";
    private static final double LR = 0.01;
    private static final int GLOBAL_BATCH = 4096;

    private Dl4jSparkBenchmark() {
    }

    /**
     * @param args {@code --quick}, {@code --out-dir DIR}
     */
    public static void main(String[] args) {
        BenchOptions options = BenchOptions.parse("vs-dl4j-spark", args);
        Machine machine = Machine.current();
        System.out.println("vs-dl4j-spark (" + options.mode() + ") on " + machine);
        int epochs = options.quick() ? 1 : 5;
        SparkSession spark = BenchSpark.session("adan-bench-vs-dl4j-spark");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        ResultTable table = new ResultTable("system", "config", "epochs", "examples", "wall_s", "examples_per_sec",
                "test_accuracy");
        try {
            TrainTestData data = BenchSpark.fashionMnist(spark, options.quick() ? 8000 : 0, options.quick() ? 2000 : 0);
            int workers = data.train().numPartitions();
            long examples = epochs * data.train().rows();
            System.out.println(data.train() + "; " + workers + " workers; " + MODEL + ", Adan lr " + LR + ", " + epochs
                    + " epochs");
            System.out.println(table.header());

            RunRecorder rec = new RunRecorder();
            BenchSpark.train(spark, data, BenchSpark.settings(Map.of("adan.model.spec", MODEL, "adan.optimizer.name",
                    "adan", "adan.optimizer.adan.lr", LR, "adan.train.global-batch", GLOBAL_BATCH, "adan.train.epochs",
                    epochs, "adan.train.evaluate-every-epoch", false)), rec);
            double wall = rec.summary().wallSeconds();
            System.out.println(table.add("adan-spark", "gradient all-reduce (sharded) global batch " + GLOBAL_BATCH
                    + " micro-batch 512", epochs, examples, wall, examples / wall, rec.summary().testAccuracy()));

            for (int[] setting : new int[][] {{512, 4}, {64, 5}}) {
                int batch = setting[0];
                int frequency = setting[1];
                int classes = data.train().numClasses();
                MultiLayerConfiguration conf = Dl4jBaseline.withAdan(MODEL, data.train().dim(), classes, LR);
                JavaRDD<DataSet> minibatches = data.train().blocks()
                        .flatMap(block -> Dl4jBaseline.minibatches(block, batch, classes));
                // Built and cached before the clock starts, at the level dl4j-spark itself persists with.
                minibatches.persist(StorageLevel.MEMORY_ONLY_SER());
                minibatches.count();
                ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(batch)
                        .batchSizePerWorker(batch).averagingFrequency(frequency).workerPrefetchNumBatches(0)
                        .rddTrainingApproach(RDDTrainingApproach.Direct).storageLevel(StorageLevel.MEMORY_ONLY_SER())
                        .build();
                SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(jsc, conf, master);
                long t = System.nanoTime();
                for (int e = 0; e < epochs; e++) {
                    net.fit(minibatches);
                }
                double seconds = (System.nanoTime() - t) / 1e9;
                double accuracy = Evaluator.accuracy(jsc, data.test(), Dl4jModel.of(conf.toJson(), data.test().dim()),
                        net.getNetwork().params().toFloatVector());
                minibatches.unpersist(false);
                System.out.println(table.add("dl4j-spark", "parameter averaging minibatch " + batch + " every " + frequency,
                        epochs, examples, seconds, examples / seconds, accuracy));
            }
            data.release();
        } finally {
            spark.stop();
        }
        table.write(options, options.file(".csv"), machine, "Model " + MODEL + ", Adan lr " + LR + ", " + epochs
                + " epochs, seed 42. wall_s: adan-spark's run wall time (training and its final evaluation); "
                + "dl4j-spark: the SparkDl4jMultiLayer.fit calls. Test accuracy by the same Evaluator for both.");
        plot(table, options);
    }

    private static void plot(ResultTable table, BenchOptions options) {
        CategoryChart speed = Charts.bars("Training throughput, " + MODEL + " on Fashion-MNIST", "", "examples/s");
        CategoryChart accuracy = Charts.bars("Test accuracy after the same epochs", "", "test accuracy");
        for (List<String> row : table.rows()) {
            String name = row.get(0).equals("adan-spark") ? "adan-spark all-reduce" : "dl4j-spark PA " + row.get(1)
                    .replace("parameter averaging minibatch ", "mb ").replace(" every ", "/");
            speed.addSeries(name, List.of(" "), List.of(Double.parseDouble(row.get(5))));
            accuracy.addSeries(name, List.of(" "), List.of(Double.parseDouble(row.get(6))));
        }
        Charts.save(options.file(".png"), 2, List.of(speed, accuracy));
    }
}
