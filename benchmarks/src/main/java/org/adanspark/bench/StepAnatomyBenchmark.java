package org.adanspark.bench;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.metrics.StepMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.Styler;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Benchmark 2, distributed step anatomy: where a step's time goes, what it costs the driver, and how the
 * trainer compares with DL4J training the same model in one process on the same cores.
 *
 * <p>For {@code mlp:256} and {@code lenet} on Fashion-MNIST in embedded {@code local[C]} Spark (C = cores,
 * one partition each, micro-batch 512, Adan, 4 optimizer shards) at global batch 1k, 4k and 32k, in the
 * {@code jobs} execution with the {@code sharded} and the {@code tree} all-reduce and in the
 * {@code barrier} execution, side by side in one run: the mean per-step wall time and its compute /
 * reduce / update / broadcast split, the overhead (step − compute − update: what distribution costs),
 * driver bytes in and out, Spark jobs per step, examples/s, and parallel efficiency —
 * the trainer's examples/s over a single-process DL4J {@code MultiLayerNetwork.fit} of the same network
 * (AdanUpdater, minibatch 512) on the same cores, measured in the same run.
 *
 * <p>Usage: {@code bin/adan-bench step-anatomy [--quick] [--out-dir DIR]}. Full: all of the above, the
 * first steps of each configuration discarded (JIT, network pools); about 16 minutes on 2 cores. Quick:
 * 8,000 rows, batches 512 and 1,024 (LeNet: 512 only), one measured step (a smoke test: the figures mean
 * little).
 */
public final class StepAnatomyBenchmark {

    private static final int MICRO_BATCH = 512;

    private StepAnatomyBenchmark() {
    }

    /**
     * @param args {@code --quick}, {@code --out-dir DIR}
     */
    public static void main(String[] args) {
        BenchOptions options = BenchOptions.parse("step-anatomy", args);
        Machine machine = Machine.current();
        System.out.println("step-anatomy (" + options.mode() + ") on " + machine);
        boolean quick = options.quick();
        int[] batches = quick ? new int[] {512, 1024} : new int[] {1024, 4096, 32768};
        SparkSession spark = BenchSpark.session("adan-bench-step-anatomy");
        AtomicLong jobs = new AtomicLong();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                jobs.incrementAndGet();
            }
        });
        ResultTable table = new ResultTable("model", "global_batch", "execution", "measured_steps", "step_ms",
                "compute_ms", "reduce_ms", "update_ms", "broadcast_ms", "overhead_ms", "driver_in_bytes",
                "driver_out_bytes", "spark_jobs_per_step", "examples_per_sec", "dl4j_examples_per_sec",
                "parallel_efficiency");
        try {
            TrainTestData data = BenchSpark.fashionMnist(spark, quick ? 8000 : 0, 1);
            System.out.println(data.train() + "; micro-batch " + MICRO_BATCH);
            for (String model : List.of("mlp:256", "lenet")) {
                double dl4j = dl4jExamplesPerSecond(data, model, quick ? 2 : 40);
                System.out.printf(Locale.ROOT, "%s: single-process DL4J fit, minibatch %d: %.0f examples/s%n", model,
                        MICRO_BATCH, dl4j);
                System.out.println(table.header());
                // quick: LeNet's 1,024 adds ten seconds and nothing the smoke test checks
                for (int batch : quick && model.equals("lenet") ? new int[] {batches[0]} : batches) {
                    boolean slow = model.equals("lenet") && batch > 4096;
                    int warmup = quick ? 1 : slow ? 1 : 2;
                    int measured = quick ? 1 : slow ? 3 : 6;
                    for (String mode : new String[] {"jobs-sharded", "jobs-tree", "barrier"}) {
                        RunRecorder rec = new RunRecorder();
                        long jobsBefore = jobs.get();
                        BenchSpark.train(spark, data, BenchSpark.settings(Map.of("adan.model.spec", model,
                                "adan.train.global-batch", batch, "adan.train.micro-batch", MICRO_BATCH,
                                "adan.train.max-steps", warmup + measured, "adan.train.epochs", 1000,
                                "adan.train.execution", mode.startsWith("jobs") ? "jobs" : "barrier",
                                "adan.train.allreduce", mode.endsWith("tree") ? "tree" : "sharded",
                                "adan.train.evaluate-every-epoch", false)), rec);
                        double jobsPerStep = (settledCount(jobs) - jobsBefore) / (double) (warmup + measured);
                        List<StepMetrics> m = rec.steps().subList(warmup, rec.steps().size()).stream()
                                .map(RunRecorder.Step::metrics).toList();
                        System.out.println(row(table, model, batch, mode, m, jobsPerStep, dl4j));
                    }
                }
            }
            data.release();
        } finally {
            spark.stop();
        }
        table.write(options, options.file(".csv"), machine, """
                Times are means per measured step in ms; step = the step's wall time. compute = the slowest
                partition's gradient computation. jobs: reduce = the rest of the all-reduce job (task launch,
                serialisation, shuffle, ordered sum, collect); update = the driver's Adan step over 4 shards;
                broadcast = creating and destroying the theta broadcast. barrier (measured by task 0): reduce = the
                reduce-scatter beyond the slowest computation; update = the statistics exchange and task 0's shard
                update; broadcast = the all-gather of theta. overhead = step - compute - update. driver bytes are
                per step. spark_jobs_per_step counts SparkListener job starts over all steps of the run.
                parallel_efficiency = examples_per_sec / dl4j_examples_per_sec (same model, same cores).
                """);
        plot(table, options, batches);
    }

    /** Listener events arrive asynchronously; wait until the count stops moving. */
    private static long settledCount(AtomicLong count) {
        long last = -1;
        long now = count.get();
        while (now != last) {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            last = now;
            now = count.get();
        }
        return now;
    }

    private static String row(ResultTable t, String model, int batch, String mode, List<StepMetrics> m,
                              double jobsPerStep, double dl4j) {
        double compute = 0;
        double reduce = 0;
        double update = 0;
        double bcast = 0;
        double examples = 0;
        double wallMs = 0;
        double overhead = 0;
        for (StepMetrics s : m) {
            compute += s.computeMs();
            reduce += s.reduceMs();
            update += s.updateMs();
            bcast += s.broadcastMs();
            examples += s.examples();
            wallMs += s.stepMs();
            overhead += s.overheadMs();
        }
        int n = m.size();
        double exPerSec = examples / (wallMs / 1000);
        return t.add(model, batch, mode, n, wallMs / n, compute / n, reduce / n, update / n, bcast / n,
                overhead / n, m.get(0).driverBytesIn(), m.get(0).driverBytesOut(), jobsPerStep,
                exPerSec, dl4j, exPerSec / dl4j);
    }

    /** DL4J's own {@code fit} over {@code minibatches} minibatches of the training rows, after 3 warm-up ones. */
    static double dl4jExamplesPerSecond(TrainTestData data, String model, int minibatches) {
        int classes = data.train().numClasses();
        MultiLayerNetwork net = new MultiLayerNetwork(Dl4jBaseline.withAdan(model, data.train().dim(), classes, 0.01));
        net.init();
        List<DataSet> batches = new ArrayList<>();
        for (FeatureBlock block : data.train().blocks().collect()) {
            Iterator<DataSet> it = Dl4jBaseline.minibatches(block, MICRO_BATCH, classes);
            while (it.hasNext() && batches.size() < minibatches + 3) {
                DataSet d = it.next();
                if (d.numExamples() == MICRO_BATCH) { // full minibatches only: a block's short tail is not timed
                    batches.add(d);
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            net.fit(batches.get(i));
        }
        long t = System.nanoTime();
        for (int i = 3; i < batches.size(); i++) {
            net.fit(batches.get(i));
        }
        return (batches.size() - 3) * (double) MICRO_BATCH / ((System.nanoTime() - t) / 1e9);
    }

    /** Stacked bars per model: the four parts of a step, per batch and all-reduce mode. */
    private static void plot(ResultTable table, BenchOptions options, int[] batches) {
        List<CategoryChart> panels = new ArrayList<>();
        for (String model : List.of("mlp:256", "lenet")) {
            CategoryChart chart = Charts.bars(model + ": time per step by part (ms)", "global batch / execution", "ms");
            chart.getStyler().setStacked(true);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            List<String> categories = new ArrayList<>();
            List<List<Double>> parts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (List<String> row : table.rows()) {
                if (!row.get(0).equals(model)) {
                    continue;
                }
                categories.add(row.get(1) + " " + row.get(2));
                for (int k = 0; k < 4; k++) {
                    parts.get(k).add(Double.parseDouble(row.get(5 + k)));
                }
            }
            String[] names = {"compute", "reduce", "update", "broadcast"};
            for (int k = 0; k < 4; k++) {
                chart.addSeries(names[k], categories, parts.get(k));
            }
            panels.add(chart);
        }
        Charts.save(options.file(".png"), 2, panels);
    }
}
