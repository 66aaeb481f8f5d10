package org.adanspark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.ml.AdanNetClassificationModel;
import org.adanspark.spark.ml.AdanNetClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The executor's replicas over a hyperparameter grid: the JVM's resident memory (VmRSS) after each point of a
 * 12-point grid over the learning rate, run as {@code CrossValidator} runs one (fit, then evaluate the fitted
 * model by {@code transform}), of the README's TorchScript CNN on Fashion-MNIST in one {@code local[2]}
 * session. Every fitted model's prediction replicas are kept in the executor's replica pool under their own
 * key; an unbounded pool keeps every grid point's modules (libtorch's native memory) alive, a bounded one
 * closes what it evicts. {@code -Dlabel=NAME} names the code under test in the CSV, so a before and an after
 * run sit side by side.
 *
 * <p>Usage: {@code bin/adan-bench replica-memory [--quick] [--out-dir DIR] [-Dlabel=NAME]}. Full: 12 points of
 * 4,000 training rows, 1 epoch each, and 2,000 test rows (about two minutes on 2 cores). Quick: 4 points.
 */
public final class ReplicaMemoryBenchmark {

    /** The model: the README's TorchScript CNN with batch normalisation. */
    static final String MODEL = "torchscript:examples/torchscript/fashion_cnn.pt";

    private static final String[] COLUMNS = {"code", "point", "learning_rate", "test_accuracy", "rss_mib",
        "heap_used_mib"};

    private ReplicaMemoryBenchmark() {
    }

    /**
     * @param args {@code --quick}, {@code --out-dir DIR}
     * @throws IOException when the results cannot be written
     */
    public static void main(String[] args) throws IOException {
        BenchOptions options = BenchOptions.parse("replica-memory", args);
        Machine machine = Machine.current();
        String label = System.getProperty("label", "current");
        int points = options.quick() ? 4 : 12;
        System.out.println("replica-memory (" + options.mode() + ", " + label + ") on " + machine);
        SparkSession spark = BenchSpark.session("adan-bench-replica-memory", 2);
        ResultTable table = new ResultTable(COLUMNS);
        try {
            TrainTestData data = BenchSpark.fashionMnist(spark, 4000, 2000);
            Dataset<Row> train = MlpcBenchmark.frame(spark, data.train()).repartition(2).cache();
            Dataset<Row> test = MlpcBenchmark.frame(spark, data.test()).repartition(2).cache();
            train.count();
            test.count();
            data.release();
            table.add(label, 0, "", "", rssMiB(), heapUsedMiB());
            MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
            for (int point = 1; point <= points; point++) {
                double lr = 0.001 * Math.pow(1.5, point - 1);
                AdanNetClassifier estimator = new AdanNetClassifier().setModelSpec(MODEL).setLearningRate(lr)
                        .setGlobalBatchSize(1000).setMicroBatchSize(250).setMaxEpochs(1);
                AdanNetClassificationModel model = estimator.fit(train);
                double acc = accuracy.evaluate(model.transform(test));
                System.gc();
                String row = table.add(label, point, String.format(Locale.ROOT, "%.5f", lr),
                        String.format(Locale.ROOT, "%.4f", acc), rssMiB(), heapUsedMiB());
                System.out.println(row);
            }
        } finally {
            spark.stop();
        }
        Path csv = options.file(".csv");
        Files.createDirectories(csv.getParent());
        appendTo(csv, table);
        Files.writeString(options.file(".txt"), "replica-memory (" + options.mode() + "), code '" + label + "', "
                + java.time.Instant.now() + "; machine: " + machine + "; " + points + " grid points of " + MODEL
                + ", 4,000 training rows, 1 epoch at global batch 1,000, evaluated on 2,000 test rows; RSS after each\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        System.out.println("wrote " + csv);
    }

    /** Appends the rows under the file's header, so runs of two builds of the code sit in one file. */
    private static void appendTo(Path csv, ResultTable table) throws IOException {
        StringBuilder b = new StringBuilder();
        if (!Files.exists(csv)) {
            b.append(String.join(",", COLUMNS)).append('\n');
        }
        for (var row : table.rows()) {
            b.append(String.join(",", row)).append('\n');
        }
        Files.writeString(csv, b.toString(), java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    /** @return this JVM's resident set, from {@code /proc/self/status}, in MiB */
    static long rssMiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        throw new IOException("/proc/self/status has no VmRSS line");
    }

    private static long heapUsedMiB() {
        Runtime r = Runtime.getRuntime();
        return (r.totalMemory() - r.freeMemory()) >> 20;
    }
}
