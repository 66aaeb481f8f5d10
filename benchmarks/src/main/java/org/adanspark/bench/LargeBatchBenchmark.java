package org.adanspark.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.train.EpochPlan;
import org.adanspark.spark.train.TrainingException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.XYChart;

/**
 * Benchmark 3, large-batch convergence: the Adan paper's central claim at small scale. Global batches
 * 1k, 4k, 16k and 32k at an equal epoch budget, for Adan, AdamW, LAMB and SGD with Nesterov momentum,
 * each over a small learning-rate grid, on two real workloads:
 * <ul>
 *   <li>{@code fashion-mnist}: {@code mlp:128} on Fashion-MNIST, test accuracy (higher is better);</li>
 *   <li>{@code tinyshakespeare}: a character MLP ({@code mlp:128} over the one-hot previous 8 characters)
 *       on Tiny-Shakespeare, validation bits per character (lower is better).</li>
 * </ul>
 *
 * <p>Every run uses the recipe the Adan paper uses at large batch: linear warm-up over the first epoch, then
 * cosine decay to zero, each optimizer's reference.conf weight decay and betas. The peak learning rate
 * follows one rule for every optimizer, square-root scaling from a per-optimizer base at batch 1024
 * ({@code lr = base · sqrt(B / 1024)}), and the grid is that value times 1/3, 1 and 3; when the best of a
 * cell lies at an edge of its grid, the grid is extended by another factor of 3 past that edge, up to twice.
 * A run whose loss becomes NaN/Inf is recorded as diverged ({@code nan}), never dropped.
 *
 * <p>Writes {@code large-batch.csv} (every run: {@code workload,optimizer,global_batch,epochs,lr,metric,value}),
 * {@code large-batch-best.csv} (the best lr per workload × optimizer × batch, same columns),
 * {@code large-batch-curves.csv} (per-step loss and per-epoch metric of every run, with wall time), the
 * summary plot {@code large-batch.png} and per-workload curves {@code large-batch-WORKLOAD.png}.
 *
 * <p>Usage: {@code bin/adan-bench large-batch [--quick] [--out-dir DIR]}. Full: about 30 minutes on 2 cores.
 * Quick: 4,096 rows (a step may not be larger than the data), batches 1k and 4k, one epoch, Adan and AdamW at their base lr (about a minute).
 */
public final class LargeBatchBenchmark {

    /** Peak learning rate at global batch 1024 for each optimizer (scaled by sqrt(B / 1024)). */
    static final Map<String, Double> BASE_LR = baseLr();
    private static final double[] GRID = {1.0 / 3, 1.0, 3.0};
    private static final int MAX_EXTENSIONS = 2;
    private static final int CONTEXT = 8;

    /** A data set, its model, and how its result is scored. */
    private record Workload(String name, String model, String metric, boolean higherIsBetter, int epochs,
                            TrainTestData data) {
        double score(RunRecorder.Evaluation e) {
            return higherIsBetter ? e.accuracy() : e.logLoss() / Math.log(2);
        }
    }

    /** One finished run. */
    private record Run(Workload workload, String optimizer, int batch, double lr, double value, RunRecorder rec) {
    }

    private LargeBatchBenchmark() {
    }

    private static Map<String, Double> baseLr() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("adan", 0.01);
        m.put("adamw", 0.002);
        m.put("lamb", 0.01);
        m.put("sgd", 0.1);
        return m;
    }

    /**
     * @param args {@code --quick}, {@code --out-dir DIR}
     */
    public static void main(String[] args) {
        BenchOptions options = BenchOptions.parse("large-batch", args);
        Machine machine = Machine.current();
        System.out.println("large-batch (" + options.mode() + ") on " + machine);
        boolean quick = options.quick();
        int[] batches = quick ? new int[] {1024, 4096} : new int[] {1024, 4096, 16384, 32768};
        List<String> optimizers = quick ? List.of("adan", "adamw") : List.copyOf(BASE_LR.keySet());
        double[] grid = quick ? new double[] {1.0} : GRID;
        int epochs = quick ? 1 : 5;
        SparkSession spark = BenchSpark.session("adan-bench-large-batch");
        List<Run> runs = new ArrayList<>();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int cores = spark.sparkContext().defaultParallelism();
            CharCorpus corpus = CharCorpus.tinyShakespeare();
            List<Workload> workloads = List.of(
                    new Workload("fashion-mnist", "mlp:128", "test_accuracy", true, epochs,
                            BenchSpark.fashionMnist(spark, quick ? 4096 : 0, quick ? 2000 : 0)),
                    new Workload("tinyshakespeare", "mlp:128", "validation_bpc", false, epochs,
                            corpus.windows(jsc, CONTEXT, quick ? 4096 : 60_000, quick ? 2000 : 20_000, cores)));
            ResultTable all = new ResultTable("workload", "optimizer", "global_batch", "epochs", "lr", "metric", "value");
            System.out.println(all.header());
            for (Workload w : workloads) {
                System.out.println("# " + w.name() + ": " + w.data().train() + "; " + w.data().test() + "; " + w.model());
                for (String optimizer : optimizers) {
                    for (int batch : batches) {
                        double center = BASE_LR.get(optimizer) * Math.sqrt(batch / 1024.0);
                        List<Run> cell = new ArrayList<>();
                        List<Double> factors = new ArrayList<>();
                        for (double f : grid) {
                            factors.add(f);
                        }
                        // The grid grows by a factor of 3 past whichever edge holds the best lr, at most
                        // MAX_EXTENSIONS times, so that no cell's optimum is an artefact of where the grid stopped.
                        for (int i = 0, extensions = 0; i < factors.size(); i++) {
                            double lr = center * factors.get(i);
                            Run run = run(spark, w, optimizer, batch, lr);
                            cell.add(run);
                            runs.add(run);
                            System.out.println(all.add(w.name(), optimizer, batch, w.epochs(), lr, w.metric(),
                                    run.value()) + String.format(Locale.ROOT, "   (%.0f s)", wall(run)));
                            if (i == factors.size() - 1 && grid.length > 1 && extensions < MAX_EXTENSIONS) {
                                Run best = best(cell).get(0);
                                double lowest = factors.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
                                double highest = factors.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                                if (best.lr() == center * lowest) {
                                    factors.add(lowest / 3);
                                    extensions++;
                                } else if (best.lr() == center * highest) {
                                    factors.add(highest * 3);
                                    extensions++;
                                }
                            }
                        }
                    }
                }
            }
            ResultTable best = new ResultTable("workload", "optimizer", "global_batch", "epochs", "lr", "metric", "value");
            List<Run> bestRuns = best(runs);
            for (Run r : bestRuns) {
                best.add(r.workload().name(), r.optimizer(), r.batch(), r.workload().epochs(), r.lr(),
                        r.workload().metric(), r.value());
            }
            String summary = summary(bestRuns, batches);
            System.out.print(summary);
            String notes = "Recipe: linear warm-up over the first epoch, cosine decay to 0; lr = base x sqrt(B/1024) x "
                    + "{1/3, 1, 3}, extended by x3 past an edge holding the best (at most twice); base " + BASE_LR
                    + "; micro-batch 512; seed 42; " + epochs + " epochs.\n"
                    + "Data: " + workloads.get(0).data().train() + ", " + workloads.get(1).data().train()
                    + ". value nan = the run diverged (non-finite loss).\n" + summary;
            all.write(options, options.file(".csv"), machine, notes);
            best.write(options, options.file("-best.csv"), machine, notes);
            curves(runs).write(options, options.file("-curves.csv"), machine, notes);
            plots(options, workloads, bestRuns, batches);
            for (Workload w : workloads) {
                w.data().release();
            }
        } finally {
            spark.stop();
        }
    }

    private static Run run(SparkSession spark, Workload w, String optimizer, int batch, double lr) {
        int stepsPerEpoch = new EpochPlan(w.data().train().partitionRows(), batch).stepsPerEpoch();
        Map<String, Object> keys = new HashMap<>();
        keys.put("adan.model.spec", w.model());
        keys.put("adan.optimizer.name", optimizer);
        keys.put("adan.optimizer." + optimizer + ".lr", lr);
        keys.put("adan.schedule.kind", "warmup-cosine");
        keys.put("adan.schedule.warmup-steps", stepsPerEpoch);
        keys.put("adan.train.global-batch", batch);
        keys.put("adan.train.epochs", w.epochs());
        RunRecorder rec = new RunRecorder();
        double value;
        try {
            BenchSpark.train(spark, w.data(), BenchSpark.settings(keys), rec);
            value = w.score(rec.evaluations().get(rec.evaluations().size() - 1));
        } catch (TrainingException e) {
            System.out.println("  diverged: " + e.getMessage());
            value = Double.NaN;
        }
        return new Run(w, optimizer, batch, lr, value, rec);
    }

    private static double wall(Run r) {
        List<RunRecorder.Step> steps = r.rec().steps();
        return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).wallSeconds();
    }

    /** The best lr of each workload × optimizer × batch; a cell where every lr diverged keeps a nan row. */
    private static List<Run> best(List<Run> runs) {
        Map<String, Run> best = new LinkedHashMap<>();
        for (Run r : runs) {
            String cell = r.workload().name() + "/" + r.optimizer() + "/" + r.batch();
            Run b = best.get(cell);
            boolean better = b == null || Double.isNaN(b.value())
                    || (!Double.isNaN(r.value()) && (r.workload().higherIsBetter() ? r.value() > b.value() : r.value() < b.value()));
            if (better) {
                best.put(cell, r);
            }
        }
        return new ArrayList<>(best.values());
    }

    /** How much each optimizer loses from the smallest to the largest batch, per workload. */
    private static String summary(List<Run> best, int[] batches) {
        StringBuilder sb = new StringBuilder("Loss of quality from batch " + batches[0] + " to "
                + batches[batches.length - 1] + " (best lr per cell; accuracy points, or extra bits per character):\n");
        Map<String, double[]> ends = new LinkedHashMap<>();
        for (Run r : best) {
            String key = r.workload().name() + " " + r.optimizer();
            double[] e = ends.computeIfAbsent(key, k -> new double[] {Double.NaN, Double.NaN, r.workload().higherIsBetter() ? 1 : 0});
            if (r.batch() == batches[0]) {
                e[0] = r.value();
            }
            if (r.batch() == batches[batches.length - 1]) {
                e[1] = r.value();
            }
        }
        ends.forEach((key, e) -> {
            double drop = e[2] == 1 ? e[0] - e[1] : e[1] - e[0];
            sb.append(String.format(Locale.ROOT, "  %-24s %s -> %s: drop %s%n", key, ResultTable.fmt(e[0]),
                    ResultTable.fmt(e[1]), ResultTable.fmt(drop)));
        });
        return sb.toString();
    }

    private static ResultTable curves(List<Run> runs) {
        ResultTable t = new ResultTable("workload", "optimizer", "global_batch", "lr", "kind", "step", "epoch",
                "wall_s", "value");
        for (Run r : runs) {
            for (RunRecorder.Step s : r.rec().steps()) {
                t.add(r.workload().name(), r.optimizer(), r.batch(), r.lr(), "train_loss", s.step(), s.epoch(),
                        s.wallSeconds(), s.loss());
            }
            for (RunRecorder.Evaluation e : r.rec().evaluations()) {
                t.add(r.workload().name(), r.optimizer(), r.batch(), r.lr(), r.workload().metric(), e.step(), e.epoch(),
                        e.wallSeconds(), r.workload().score(e));
            }
        }
        return t;
    }

    private static void plots(BenchOptions options, List<Workload> workloads, List<Run> best, int[] batches) {
        List<XYChart> summary = new ArrayList<>();
        for (Workload w : workloads) {
            XYChart chart = Charts.lines(w.name() + ": " + w.metric() + " at an equal epoch budget (best lr)",
                    "global batch", w.metric());
            chart.getStyler().setXAxisLogarithmic(true);
            for (String optimizer : BASE_LR.keySet()) {
                List<Run> mine = best.stream().filter(r -> r.workload() == w && r.optimizer().equals(optimizer)
                        && !Double.isNaN(r.value())).toList();
                Charts.series(chart, optimizer, mine.stream().mapToDouble(Run::batch).toArray(),
                        mine.stream().mapToDouble(Run::value).toArray());
            }
            summary.add(chart);

            List<XYChart> panels = new ArrayList<>();
            for (int batch : batches) {
                XYChart byStep = Charts.lines(w.name() + ", batch " + batch + ": training loss", "step", "loss");
                XYChart byTime = Charts.lines(w.name() + ", batch " + batch + ": " + w.metric() + " vs wall time",
                        "seconds", w.metric());
                for (Run r : best) {
                    if (r.workload() != w || r.batch() != batch || Double.isNaN(r.value())) {
                        continue;
                    }
                    String name = String.format(Locale.ROOT, "%s (lr %s)", r.optimizer(), ResultTable.fmt(r.lr()));
                    List<RunRecorder.Step> steps = r.rec().steps();
                    Charts.series(byStep, name, steps.stream().mapToDouble(RunRecorder.Step::step).toArray(),
                            steps.stream().mapToDouble(RunRecorder.Step::loss).toArray());
                    List<RunRecorder.Evaluation> evals = r.rec().evaluations();
                    Charts.series(byTime, name, evals.stream().mapToDouble(RunRecorder.Evaluation::wallSeconds).toArray(),
                            evals.stream().mapToDouble(w::score).toArray());
                }
                panels.add(byStep);
                panels.add(byTime);
            }
            Charts.save(options.file("-" + w.name() + ".png"), 2, panels);
        }
        Charts.save(options.file(".png"), 2, summary);
    }
}
