package org.adanspark.bench;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.adanspark.optim.dl4j.AdanUpdater;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.metrics.RunSummary;
import org.adanspark.spark.metrics.StepMetrics;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.train.SyncTrainer;
import org.adanspark.spark.train.TrainSettings;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where a distributed step's time goes, and what the Spark machinery costs against plain DL4J.
 *
 * <p>Trains the {@code mlp:256} network on Fashion-MNIST with Adan in embedded {@code local[C]} Spark
 * (C = this machine's cores, one partition each) at global batches 4096 and 32768 with both all-reduce
 * modes, and reports the mean per-step compute / reduce / update / broadcast split, driver bytes in and
 * out, and examples/s, skipping the first steps (JIT, network pool). In the same run it times a
 * single-process DL4J {@code fit} of the same network (AdanUpdater, minibatch = the trainer's
 * micro-batch) over the same examples on the same cores; parallel efficiency is the trainer's examples/s
 * over DL4J's.
 *
 * <p>Usage: {@code bin/adan-bench distributed [--steps K] [--quick]}. Prints a table and writes
 * {@code docs/results/distributed-step.csv}.
 */
public final class DistributedStepBenchmark {

    private static final int WARMUP_STEPS = 2;
    private static final int MICRO_BATCH = 512;

    private DistributedStepBenchmark() {
    }

    /**
     * @param args {@code --steps K} measured steps per configuration (default 6), {@code --quick}
     *     (3 steps, batch 4096 only), {@code --out FILE}
     * @throws IOException when the results cannot be written
     */
    public static void main(String[] args) throws IOException {
        int steps = 6;
        int[] batches = {4096, 32768};
        Path out = Path.of("docs/results/distributed-step.csv");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steps" -> steps = Integer.parseInt(args[++i]);
                case "--quick" -> {
                    steps = 3;
                    batches = new int[] {4096};
                }
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("adan-bench-distributed")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        List<String[]> rows = new ArrayList<>();
        try {
            TrainTestData data = new DataLoader(spark, settings(4096, "sharded", 1).dataSettings(cores)).load(0);
            System.out.printf(Locale.ROOT, "%s; %d cores, micro-batch %d, %d measured steps after %d warm-up%n",
                    data.train(), cores, MICRO_BATCH, steps, WARMUP_STEPS);
            double dl4j = dl4jExamplesPerSecond(data, settings(4096, "sharded", 1));
            System.out.printf(Locale.ROOT, "single-process DL4J fit (AdanUpdater, minibatch %d): %.0f examples/s%n",
                    MICRO_BATCH, dl4j);
            System.out.printf(Locale.ROOT, "%-7s %-8s %9s %9s %9s %9s %9s %11s %11s %10s %8s%n", "batch", "reduce",
                    "step_ms", "compute", "reduce", "update", "bcast", "drv_in_MB", "drv_out_MB", "ex/s", "par_eff");
            for (int batch : batches) {
                for (String mode : new String[] {"sharded", "tree"}) {
                    List<StepMetrics> measured = run(spark, data, settings(batch, mode, WARMUP_STEPS + steps));
                    String[] row = summarise(batch, mode, measured, dl4j);
                    rows.add(row);
                    System.out.printf(Locale.ROOT, "%-7s %-8s %9s %9s %9s %9s %9s %11s %11s %10s %8s%n", (Object[]) row);
                }
            }
            data.release();
            Files.createDirectories(out.toAbsolutePath().getParent());
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
                w.println("global_batch,allreduce,step_ms,compute_ms,reduce_ms,update_ms,broadcast_ms,driver_in_mb,"
                        + "driver_out_mb,examples_per_sec,parallel_efficiency,dl4j_examples_per_sec,cores");
                for (String[] r : rows) {
                    w.println(String.join(",", r) + "," + String.format(Locale.ROOT, "%.0f", dl4j) + "," + cores);
                }
            }
            System.out.println("wrote " + out);
        } finally {
            spark.stop();
        }
    }

    private static TrainSettings settings(int batch, String mode, int maxSteps) {
        return TrainSettings.from(ConfigFactory.parseMap(Map.of(
                "adan.data.source", "fashion-mnist",
                "adan.model.spec", "mlp:256",
                "adan.train.global-batch", batch,
                "adan.train.micro-batch", MICRO_BATCH,
                "adan.train.max-steps", maxSteps,
                "adan.train.epochs", 100,
                "adan.train.allreduce", mode,
                "adan.train.evaluate-every-epoch", false,
                "adan.train.progress-interval", "1h")));
    }

    private static List<StepMetrics> run(SparkSession spark, TrainTestData data, TrainSettings s) {
        List<StepMetrics> all = new ArrayList<>();
        new SyncTrainer(spark, s, List.of(new TrainingListener() {
            @Override
            public void onStep(StepMetrics m) {
                all.add(m);
            }

            @Override
            public void onFinish(RunSummary summary) {
            }
        })).fit(new TrainTestData(data.train(), null));
        return all.subList(WARMUP_STEPS, all.size());
    }

    private static String[] summarise(int batch, String mode, List<StepMetrics> m, double dl4j) {
        double compute = 0;
        double reduce = 0;
        double update = 0;
        double bcast = 0;
        double examples = 0;
        double wall = 0;
        for (StepMetrics s : m) {
            compute += s.computeMs();
            reduce += s.reduceMs();
            update += s.updateMs();
            bcast += s.broadcastMs();
            examples += s.examples();
            wall += s.examples() / s.examplesPerSec();
        }
        int n = m.size();
        double exPerSec = examples / wall;
        return new String[] {Integer.toString(batch), mode, f1(wall * 1000 / n), f1(compute / n), f1(reduce / n), f1(update / n),
            f1(bcast / n), f2(m.get(0).driverBytesIn() / 1e6), f2(m.get(0).driverBytesOut() / 1e6),
            String.format(Locale.ROOT, "%.0f", exPerSec), f2(exPerSec / dl4j)};
    }

    /** One epoch of DL4J's own fit over the same rows, after a few warm-up minibatches. */
    private static double dl4jExamplesPerSecond(TrainTestData data, TrainSettings s) {
        MultiLayerConfiguration conf = s.model().configuration(data.train().dim(), data.train().numClasses(), s.seed());
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            if (layer.getLayer() instanceof BaseLayer b) {
                b.setIUpdater(new AdanUpdater(0.01)); // the trainer's presets carry no DL4J updater
            }
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<DataSet> batches = new ArrayList<>();
        int classes = data.train().numClasses();
        for (FeatureBlock block : data.train().blocks().collect()) {
            for (int from = 0; from < block.rows(); from += MICRO_BATCH) {
                int n = Math.min(MICRO_BATCH, block.rows() - from);
                int[] order = new int[n];
                for (int i = 0; i < n; i++) {
                    order[i] = from + i;
                }
                float[] x = new float[n * block.dim()];
                float[] y = new float[n * classes];
                block.gather(order, 0, n, classes, x, y);
                batches.add(new DataSet(Nd4j.create(x, new long[] {n, block.dim()}, 'c'), Nd4j.create(y, new long[] {n, classes}, 'c')));
            }
        }
        for (int i = 0; i < 10; i++) {
            net.fit(batches.get(i));
        }
        long examples = 0;
        long t = System.nanoTime();
        for (DataSet b : batches) {
            net.fit(b);
            examples += b.numExamples();
        }
        return examples / ((System.nanoTime() - t) / 1e9);
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
