package org.adanspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.adanspark.spark.data.TrainTestData;
import org.apache.spark.sql.SparkSession;

/**
 * The optimizers added after the large-batch study, measured on the study's {@code mlp} workload
 * (Fashion-MNIST, {@code mlp:128}, 20 epochs, warm-up 5% + cosine, micro-batch 512, barrier execution)
 * at its smallest and largest batch, so that their numbers stand next to the study's tables:
 * <ul>
 *   <li><b>SET-Adam</b> and <b>Adafactor</b>: the study's learning-rate search — {@code lr = base ·
 *       sqrt(B/1024) · 3^k} on seed 1 over k ∈ {−1, 0, 1}, extended past an edge holding the best at most
 *       twice, base AdamW's 0.002 for SET-Adam and the paper's 0.01 for Adafactor (its ρ cap: the step is
 *       min(lr, 1/√t) times each tensor's RMS) — then seeds 2 and 3 at the best;</li>
 *   <li><b>Adan with a model EMA</b>: Adan at the lr the study chose for each batch (read from its log),
 *       seeds 1–3, EMA decays 0.9 and 0.99. The average does not change θ's trajectory, so each run's θ
 *       accuracy must equal the study's run of the same seed: the bits check themselves.</li>
 * </ul>
 * Usage: {@code bin/adan-bench optimizer-family [--quick] [--out-dir DIR]}. Full: about 15 minutes on 2
 * cores; quick: 4,096 rows, batches 512 and 2,048, one epoch, the grid's centre only and one seed.
 * Results: {@code optimizer-family.csv} (one row per run) and {@code optimizer-family.txt} (mean ± sd).
 */
public final class OptimizerFamilyBenchmark {

    /** The searched optimizers and their base learning rates. */
    private static final Map<String, Double> SEARCHED = Map.of("setadam", 0.002, "adafactor", 0.01);
    private static final double[] EMA_DECAYS = {0.9, 0.99};
    private static final List<String> COLUMNS = List.of("optimizer", "global_batch", "steps", "variant", "lr_grid",
            "lr", "seed", "test_accuracy", "ema_test_accuracy", "wall_s");

    private OptimizerFamilyBenchmark() {
    }

    /**
     * @param args {@code [--quick] [--out-dir DIR]}
     */
    public static void main(String[] args) {
        BenchOptions options = BenchOptions.parse("optimizer-family", args);
        Machine machine = Machine.current();
        System.out.println("optimizer-family (" + options.mode() + ") on " + machine);
        boolean quick = options.quick();
        int[] batches = quick ? new int[] {512, 2048} : new int[] {1024, 32768};
        Map<Integer, Integer> adanGrid = quick ? Map.of(512, 0, 2048, 0) : studyChoice("adan", batches);
        SparkSession spark = BenchSpark.session("adan-bench-optimizer-family");
        TrainTestData data = BenchSpark.fashionMnist(spark, quick ? 4096 : 0, quick ? 1000 : 0);
        StudyWorkload mlp = new StudyWorkload("mlp", data.train().toString(), "mlp:128", "test_accuracy", true,
                quick ? 1 : 20, "examples", 1, data.train().partitionRows());
        List<List<Object>> rows = new ArrayList<>();
        StringBuilder summary = new StringBuilder();
        try {
            int seeds = quick ? 1 : 3;
            for (int batch : batches) {
                for (String optimizer : List.of("setadam", "adafactor")) {
                    summary.append(search(spark, data, mlp, optimizer, batch, quick, seeds, rows));
                }

                // Adan at the study's lr, with the average beside it
                int ka = adanGrid.get(batch);
                for (double decay : quick ? new double[] {0.9} : EMA_DECAYS) {
                    double[] theta = new double[seeds];
                    double[] ema = new double[seeds];
                    for (int seed = 1; seed <= seeds; seed++) {
                        double[] r = run(spark, data, mlp, "adan", batch, ka, LargeBatchBenchmark.BASE_LR.get("adan"),
                                seed, decay, rows);
                        theta[seed - 1] = r[0];
                        ema[seed - 1] = r[1];
                    }
                    double[] gain = new double[seeds];
                    for (int i = 0; i < seeds; i++) {
                        gain[i] = ema[i] - theta[i];
                    }
                    summary.append(String.format(Locale.ROOT,
                            "adan B=%d lr %s (3^%d) ema %s: θ %s, model EMA %s, EMA − θ (paired by seed) %s%n", batch,
                            ResultTable.fmt(lr(LargeBatchBenchmark.BASE_LR.get("adan"), batch, ka)), ka, decay,
                            SeedStats.of(theta).text(), SeedStats.of(ema).text(), SeedStats.of(gain).text()));
                }
            }
        } finally {
            data.release();
            spark.stop();
        }
        write(options, machine, rows, summary.toString());
        System.out.print(summary);
    }

    /** The study's search on seed 1, then the other seeds at the best grid point; returns the summary line. */
    private static String search(SparkSession spark, TrainTestData data, StudyWorkload mlp, String optimizer, int batch,
                                 boolean quick, int seeds, List<List<Object>> rows) {
        double base = SEARCHED.get(optimizer);
        Map<Integer, Double> bySeed1 = new LinkedHashMap<>();
        List<Integer> grid = new ArrayList<>(quick ? List.of(0) : List.of(-1, 0, 1));
        for (int extensions = 0; ; ) {
            for (int k : grid) {
                if (!bySeed1.containsKey(k)) {
                    bySeed1.put(k, run(spark, data, mlp, optimizer, batch, k, base, 1, 0, rows)[0]);
                }
            }
            int best = best(bySeed1);
            int lo = grid.stream().min(Integer::compare).orElseThrow();
            int hi = grid.stream().max(Integer::compare).orElseThrow();
            if (quick || extensions == 2 || (best != lo && best != hi)) {
                break;
            }
            grid.add(best == lo ? lo - 1 : hi + 1);
            extensions++;
        }
        int k = best(bySeed1);
        double[] accuracy = new double[seeds];
        accuracy[0] = bySeed1.get(k);
        for (int seed = 2; seed <= seeds; seed++) {
            accuracy[seed - 1] = run(spark, data, mlp, optimizer, batch, k, base, seed, 0, rows)[0];
        }
        return String.format(Locale.ROOT, "%s B=%d lr %s (3^%d): test accuracy %s%n", optimizer, batch,
                ResultTable.fmt(lr(base, batch, k)), k, SeedStats.of(accuracy).text());
    }

    /** lr = base · sqrt(B/1024) · 3^k, computed as the study computes it. */
    private static double lr(double base, int batch, int k) {
        return base * Math.sqrt(batch / 1024.0) * Math.pow(3, k);
    }

    /** Trains one run; returns θ's and (with an EMA) the average's final test accuracy. */
    private static double[] run(SparkSession spark, TrainTestData data, StudyWorkload mlp, String optimizer, int batch,
                                int k, double base, int seed, double emaDecay, List<List<Object>> rows) {
        int steps = mlp.epochs() * mlp.stepsPerEpoch(batch);
        int warmup = (int) Math.ceil(steps * StudyPlan.WARMUP_FRACTION - 1e-9);
        StudyRun run = new StudyRun(mlp, optimizer, batch, mlp.epochs(), 0, steps, warmup, "base", k,
                lr(base, batch, k), seed, Double.NaN, 0, false);
        Map<String, Object> settings = new HashMap<>(run.settings());
        settings.put("adan.optimizer.ema-decay", emaDecay);
        RunRecorder rec = new RunRecorder();
        long start = System.nanoTime();
        BenchSpark.train(spark, data, BenchSpark.settings(settings), rec);
        double wall = (System.nanoTime() - start) / 1e9;
        double theta = rec.summary().testAccuracy();
        double ema = rec.summary().emaTestAccuracy();
        String variant = emaDecay > 0 ? "ema=" + emaDecay : "base";
        rows.add(List.of(optimizer, batch, steps, variant, k, run.lr(), seed, theta, Double.isNaN(ema) ? "" : ema, wall));
        System.out.printf(Locale.ROOT, "  %s B=%d lr %s (3^%d) seed %d %s: test accuracy %.4f%s (%.0f s)%n", optimizer,
                batch, ResultTable.fmt(run.lr()), k, seed, variant, theta,
                Double.isNaN(ema) ? "" : String.format(Locale.ROOT, ", model EMA %.4f", ema), wall);
        return new double[] {theta, ema};
    }

    private static int best(Map<Integer, Double> byGrid) {
        return byGrid.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** The grid point the large-batch study chose for {@code optimizer} at each batch: the one seed 2 ran at. */
    private static Map<Integer, Integer> studyChoice(String optimizer, int[] batches) {
        Path log = BenchOptions.FULL_RESULTS.resolve("large-batch.csv");
        Map<Integer, Integer> chosen = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(log);
            List<String> header = List.of(lines.get(0).split(","));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                if (f[header.indexOf("workload")].equals("mlp") && f[header.indexOf("optimizer")].equals(optimizer)
                        && f[header.indexOf("variant")].equals("base") && f[header.indexOf("seed")].equals("2")
                        && f[header.indexOf("epochs")].equals("20")) {
                    chosen.put(Integer.parseInt(f[header.indexOf("global_batch")]),
                            Integer.parseInt(f[header.indexOf("lr_grid")]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("optimizer-family reads the large-batch study's choices from " + log + ": "
                    + e.getMessage(), e);
        }
        for (int b : batches) {
            if (!chosen.containsKey(b)) {
                throw new IllegalStateException("optimizer-family: " + log + " has no equal-epoch seed-2 run of mlp "
                        + optimizer + " at batch " + b + "; run bin/adan-bench large-batch --workloads mlp first");
            }
        }
        return chosen;
    }

    private static void write(BenchOptions options, Machine machine, List<List<Object>> rows, String summary) {
        try {
            Files.createDirectories(options.outDir());
            StringBuilder csv = new StringBuilder(String.join(",", COLUMNS)).append('\n');
            for (List<Object> row : rows) {
                List<String> cells = new ArrayList<>();
                for (Object o : row) {
                    cells.add(o instanceof Double d ? ResultTable.fmt(d) : o.toString());
                }
                csv.append(String.join(",", cells)).append('\n');
            }
            Files.writeString(options.file(".csv"), csv);
            Files.writeString(options.file(".txt"), "benchmark: optimizer-family (" + options.mode() + ")\nmachine: "
                    + machine + "\ncommand: bin/adan-bench optimizer-family" + (options.quick() ? " --quick" : "")
                    + "\n\n" + summary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write optimizer-family results to " + options.outDir() + ": "
                    + e.getMessage(), e);
        }
    }
}
