package org.adanspark.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.run.RunPlan;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.knowm.xchart.XYChart;

/**
 * Character models at equal wall time on Tiny Shakespeare: the sequence models of {@code charlm} (causal
 * attention, LSTM) over {@code --data text:} windows against the fixed-context MLP over one-hot windows
 * that the large-batch study used as its character model ({@link CharCorpus}, 8 characters of context).
 * Each model is trained afresh for a growing step budget; a fit is deterministic, so the model after N
 * steps is the same whether or not training would have gone on, and each budget's training wall time and
 * final validation bits per character give one point of the model's bits-against-time curve. Both score
 * the same last 10% of the text.
 *
 * <p>Usage: {@code bin/adan-bench charlm [--quick] [--out-dir DIR]}. Full: budgets of 25–400 steps (about
 * 5 minutes on 2 cores). Quick: 4 and 8 steps, 2,048 one-hot windows.
 */
public final class CharModelBenchmark {

    private static final int CONTEXT = 8;

    /** One character model and its run settings. */
    private record Model(String name, String spec, int batch, boolean oneHot) {
    }

    private CharModelBenchmark() {
    }

    /**
     * @param args {@code --quick}, {@code --out-dir DIR}
     */
    public static void main(String[] args) {
        BenchOptions options = BenchOptions.parse("charlm", args);
        Machine machine = Machine.current();
        System.out.println("charlm (" + options.mode() + ") on " + machine);
        boolean quick = options.quick();
        int[] budgets = quick ? new int[] {4, 8} : new int[] {25, 50, 100, 200, 400};
        List<Model> models = List.of(
                new Model("one-hot MLP (context " + CONTEXT + ")", "mlp:128", 1024, true),
                new Model("charlm attention", "charlm:layers=1:width=64:heads=4", 32, false),
                new Model("charlm lstm", "charlm:body=lstm:layers=1:width=64", 32, false));
        SparkSession spark = BenchSpark.session("adan-bench-charlm");
        ResultTable table = new ResultTable("model", "spec", "global_batch", "characters_per_step", "steps", "wall_s",
                "validation_bpc");
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            int cores = spark.sparkContext().defaultParallelism();
            TrainTestData oneHot = CharCorpus.tinyShakespeare().windows(jsc, CONTEXT, quick ? 2048 : 200_000,
                    quick ? 2000 : 20_000, cores);
            RunPlan textPlan = BenchSpark.settings(Map.of("adan.data.source", "text:" + CharCorpus.path(),
                    "adan.data.window", 64, "adan.data.test-limit", quick ? 128 : 0));
            TrainTestData text = new DataLoader(spark, textPlan.dataSettings(cores)).load(0);
            System.out.println(table.header());
            for (Model m : models) {
                TrainTestData data = m.oneHot() ? oneHot : text;
                for (int steps : budgets) {
                    Map<String, Object> keys = new HashMap<>();
                    keys.put("adan.model.spec", m.spec());
                    keys.put("adan.optimizer.name", "adan");
                    keys.put("adan.optimizer.adan.lr", 0.01);
                    keys.put("adan.optimizer.max-grad-norm", 1.0);
                    keys.put("adan.schedule.warmup-steps", Math.min(10, steps / 2));
                    keys.put("adan.train.global-batch", m.batch());
                    keys.put("adan.train.max-steps", steps);
                    keys.put("adan.train.epochs", 100);
                    keys.put("adan.train.evaluate-every-epoch", false);
                    RunRecorder rec = new RunRecorder();
                    BenchSpark.train(spark, data, BenchSpark.settings(keys), rec);
                    double wall = rec.steps().get(rec.steps().size() - 1).wallSeconds();
                    double bits = rec.evaluations().get(rec.evaluations().size() - 1).logLoss() / Math.log(2);
                    System.out.println(table.add(m.name(), m.spec(), m.batch(), m.batch() * (m.oneHot() ? 1 : 64),
                            steps, wall, bits));
                }
            }
            oneHot.release();
            text.release();
            table.write(options, options.file(".csv"), machine, String.format(Locale.ROOT, "Tiny Shakespeare, Adan "
                    + "lr 0.01 with warm-up (10 steps, or half a short budget), max-grad-norm 1, seed 42; one-hot MLP: "
                    + "%d training windows of %d one-hot characters, %d validation positions of the last 10%%; charlm: "
                    + "windows of 64 characters, the whole last 10%% (quick: 128 windows) as validation. wall_s = "
                    + "training wall time of the run (evaluation excluded).", quick ? 2048 : 200_000, CONTEXT,
                    quick ? 2000 : 20_000));
            plot(options, table);
        } finally {
            spark.stop();
        }
    }

    private static void plot(BenchOptions options, ResultTable table) {
        XYChart chart = Charts.lines("Tiny Shakespeare: validation bits/char against training time", "seconds",
                "bits per character");
        Map<String, List<double[]>> curves = new java.util.LinkedHashMap<>();
        for (List<String> row : table.rows()) {
            curves.computeIfAbsent(row.get(0), k -> new ArrayList<>())
                    .add(new double[] {Double.parseDouble(row.get(5)), Double.parseDouble(row.get(6))});
        }
        curves.forEach((name, points) -> Charts.series(chart, name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray()));
        Charts.save(options.file(".png"), 1, List.of(chart));
    }
}
