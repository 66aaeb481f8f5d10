package org.adanspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.error.TrainingException;
import org.adanspark.spark.run.RunPlan;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark 3, the large-batch study: does Adan lose less than AdamW, LAMB and SGD with Nesterov momentum
 * when the global batch grows from 1k to 32k? Three real workloads:
 * <ul>
 *   <li>{@code mlp}: {@code mlp:128} on Fashion-MNIST, test accuracy; 20 epochs (32k: 40 steps);</li>
 *   <li>{@code charlm}: the causal-attention character model ({@code charlm:layers=1:width=64:heads=4}) on
 *       Tiny Shakespeare, validation bits per character; the global batch counts characters (32k = 512
 *       windows of 64); 2 epochs (32k: 62 steps);</li>
 *   <li>{@code cnn}: a small CNN with batch normalisation ({@link StudyCnn}, a DL4J configuration) on
 *       Fashion-MNIST, test accuracy; 20 epochs (32k: 40 steps);</li>
 *   <li>{@code lenet}: {@code lenet} on Fashion-MNIST, test accuracy; 20 epochs (32k: 40 steps).</li>
 * </ul>
 *
 * <p>Recipe for every run: linear warm-up over the first 5% of the steps, cosine decay to zero, each
 * optimizer's reference.conf betas and weight decay, micro-batch 512, barrier execution. The peak learning
 * rate is searched on seed 1 over {@code base · sqrt(B/1024) · 3^k}, k ∈ {−1, 0, 1}, extended by one point
 * past an edge that holds the best, at most twice; seeds 2 and 3 then run at the chosen rate. Two budget
 * views: equal epochs (every batch the same epochs, the paper's comparison) and equal steps (every batch the
 * largest batch's steps). Adan's ablations at 32k (no warm-up, 20% warm-up, β3 0.9 and 0.999, clipping at
 * norm 1) run at its best rate, three seeds each. A diverged run (non-finite loss) is logged as {@code nan}.
 *
 * <p>The study is resumable: every finished run is one row of {@code large-batch.csv}, appended as it ends,
 * and a restarted study runs only what is missing ({@link StudyPlan}). A progress line after every run
 * gives the count, the elapsed time and an ETA from the throughput measured so far. The report files
 * ({@code large-batch.txt}, {@code -best}, {@code -drops}, {@code -compare}, {@code -ablation} CSVs and the
 * plots) are rebuilt from the log after every workload and at the end; {@code --report-only} rebuilds them
 * without training.
 *
 * <p>Usage: {@code bin/adan-bench large-batch [--quick] [--out-dir DIR] [--workloads mlp,charlm,cnn,lenet]
 * [--report-only]}. Full: hours (docs/BENCHMARKS.md §3 gives the measured time). Quick: 4,096 and 2,048
 * Fashion-MNIST rows and a 12,000-character excerpt, batches 512 and 2,048, Adan and AdamW, 2 seeds, one
 * epoch (about a minute).
 */
public final class LargeBatchBenchmark {

    /** Peak learning rate at global batch 1024 for each optimizer (scaled by sqrt(B / 1024)). */
    static final Map<String, Double> BASE_LR = baseLr();
    /** The study's workloads, in the order they run. */
    static final List<String> WORKLOADS = List.of("mlp", "charlm", "cnn", "lenet");
    private static final int WINDOW = 64;
    private static final int QUICK_EXCERPT = 12_000;

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
     * @param quick whether to run the smoke-test design
     * @return the study's design
     */
    static StudyPlan.Protocol protocol(boolean quick) {
        if (quick) {
            return new StudyPlan.Protocol(List.of("adan", "adamw"), new int[] {512, 2048}, new int[] {0}, 0, 2,
                    List.of(new StudyPlan.Variant("clip=1", Double.NaN, Double.NaN, 1.0)), BASE_LR);
        }
        return new StudyPlan.Protocol(List.copyOf(BASE_LR.keySet()), new int[] {1024, 4096, 16384, 32768},
                new int[] {-1, 0, 1}, 2, 3, List.of(
                new StudyPlan.Variant("warmup=0", 0.0, Double.NaN, 0),
                new StudyPlan.Variant("warmup=20%", 0.2, Double.NaN, 0),
                new StudyPlan.Variant("beta3=0.9", Double.NaN, 0.9, 0),
                new StudyPlan.Variant("beta3=0.999", Double.NaN, 0.999, 0),
                new StudyPlan.Variant("clip=1", Double.NaN, Double.NaN, 1.0)), BASE_LR);
    }

    /**
     * @param args {@code --quick}, {@code --out-dir DIR}, {@code --workloads A,B}, {@code --report-only}
     */
    public static void main(String[] args) {
        List<String> rest = new ArrayList<>();
        List<String> chosen = WORKLOADS;
        boolean reportOnly = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--workloads")) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException("large-batch: --workloads needs a list, e.g. mlp,charlm");
                }
                chosen = List.of(args[++i].split(","));
                for (String w : chosen) {
                    if (!WORKLOADS.contains(w)) {
                        throw new IllegalArgumentException("large-batch: unknown workload '" + w + "' in --workloads "
                                + String.join(",", chosen) + "; expected some of " + String.join(",", WORKLOADS));
                    }
                }
            } else if (args[i].equals("--report-only")) {
                reportOnly = true;
            } else if (args[i].equals("--quick") || args[i].equals("--out-dir")) {
                rest.add(args[i]);
                if (args[i].equals("--out-dir") && i + 1 < args.length) {
                    rest.add(args[++i]);
                }
            } else {
                throw new IllegalArgumentException("large-batch: unknown argument '" + args[i] + "'; expected --quick,"
                        + " --out-dir DIR, --workloads " + String.join(",", WORKLOADS) + " (or some of them) and"
                        + " --report-only");
            }
        }
        BenchOptions options = BenchOptions.parse("large-batch", rest.toArray(String[]::new));
        Machine machine = Machine.current();
        System.out.println("large-batch (" + options.mode() + ") on " + machine);
        boolean quick = options.quick();
        StudyPlan plan = new StudyPlan(protocol(quick));
        // --report-only reads the logs without touching them, so it is safe beside a running study
        StudyLog log = reportOnly ? StudyLog.read(options.file(".csv")) : StudyLog.open(options.file(".csv"));
        AppendOnlyCsv curves = reportOnly
                ? AppendOnlyCsv.read(options.file("-curves.csv"), StudyReport.CURVE_COLUMNS)
                : AppendOnlyCsv.open(options.file("-curves.csv"), StudyReport.CURVE_COLUMNS);
        SparkSession spark = BenchSpark.session("adan-bench-large-batch");
        Map<String, TrainTestData> data = new LinkedHashMap<>();
        try {
            List<StudyWorkload> workloads = new ArrayList<>();
            for (String name : chosen) {
                // the image workloads train on the same Fashion-MNIST blocks when their limits agree (full mode)
                Optional<TrainTestData> shared = quick || name.equals("charlm") ? Optional.empty()
                        : data.entrySet().stream().filter(e -> !e.getKey().equals("charlm")).map(Map.Entry::getValue)
                        .findFirst();
                TrainTestData d = shared.orElseGet(() -> load(spark, name, quick, options));
                data.put(name, d);
                workloads.add(workload(name, d, quick, options));
            }
            StudyReport report = new StudyReport(plan, workloads, log, curves);
            String command = "bin/adan-bench large-batch" + (args.length == 0 ? "" : " " + String.join(" ", args));
            String notes = notes(plan, workloads, data);
            if (!reportOnly) {
                Progress progress = new Progress(plan, workloads, log);
                System.out.println("large-batch: " + log.size() + " runs already in " + log.file() + "; "
                        + plan.remaining(workloads, log) + " at least still to run");
                String host = machine.cores() + "c " + machine.cpu().replace(",", " ");
                for (StudyWorkload w : workloads) {
                    for (StudyPlan.Cell cell : plan.cells(w)) {
                        for (Optional<StudyRun> next = cell.next(log); next.isPresent(); next = cell.next(log)) {
                            execute(spark, data.get(w.name()), next.get(), log, curves, host, progress);
                        }
                    }
                    report.write(options, machine, command, notes);
                }
            }
            System.out.print(report.write(options, machine, command, notes));
        } finally {
            data.values().stream().distinct().forEach(TrainTestData::release);
            spark.stop();
        }
    }

    private static TrainTestData load(SparkSession spark, String name, boolean quick, BenchOptions options) {
        return switch (name) {
            case "mlp" -> BenchSpark.fashionMnist(spark, quick ? 4096 : 0, quick ? 1000 : 0);
            case "lenet", "cnn" -> BenchSpark.fashionMnist(spark, quick ? 2048 : 0, quick ? 500 : 0);
            case "charlm" -> {
                Path corpus = quick ? excerpt(options.outDir()) : Path.of(CharCorpus.path());
                RunPlan plan = BenchSpark.settings(Map.of("adan.data.source", "text:" + corpus,
                        "adan.data.window", WINDOW));
                yield new DataLoader(spark, plan.dataSettings(spark.sparkContext().defaultParallelism())).load(0);
            }
            default -> throw new IllegalArgumentException("unknown workload " + name);
        };
    }

    /** The quick mode's corpus: the first characters of Tiny Shakespeare, so that an epoch takes a second. */
    private static Path excerpt(Path outDir) {
        try {
            String text = Files.readString(Path.of(CharCorpus.path()), StandardCharsets.UTF_8);
            Path file = outDir.resolve("tinyshakespeare-excerpt.txt");
            Files.createDirectories(outDir);
            Files.writeString(file, text.substring(0, QUICK_EXCERPT), StandardCharsets.UTF_8);
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the quick mode's corpus excerpt: " + e.getMessage(), e);
        }
    }

    private static StudyWorkload workload(String name, TrainTestData d, boolean quick, BenchOptions options) {
        int[] rows = d.train().partitionRows();
        return switch (name) {
            case "mlp" -> new StudyWorkload("mlp", d.train().toString(), "mlp:128", "test_accuracy", true,
                    quick ? 1 : 20, "examples", 1, rows);
            case "lenet" -> new StudyWorkload("lenet", d.train().toString(), "lenet", "test_accuracy", true,
                    quick ? 1 : 20, "examples", 1, rows);
            case "cnn" -> new StudyWorkload("cnn", d.train().toString(), StudyCnn.write(options.outDir()),
                    "test_accuracy", true, quick ? 1 : 20, "examples", 1, rows);
            case "charlm" -> new StudyWorkload("charlm", d.train().toString(), "charlm:layers=1:width=64:heads=4",
                    "validation_bpc", false, quick ? 1 : 2, "characters", WINDOW, rows);
            default -> throw new IllegalArgumentException("unknown workload " + name);
        };
    }

    private static void execute(SparkSession spark, TrainTestData data, StudyRun run, StudyLog log,
                                AppendOnlyCsv curves, String host, Progress progress) {
        RunRecorder rec = new RunRecorder();
        long start = System.nanoTime();
        double value;
        try {
            BenchSpark.train(spark, data, BenchSpark.settings(run.settings()), rec);
            value = run.workload().score(rec.evaluations().get(rec.evaluations().size() - 1));
        } catch (TrainingException e) {
            if (e.getMessage() == null || !e.getMessage().contains("adan.optimizer.non-finite")) {
                throw e; // not a divergence: the study stops here and resumes from its log when started again
            }
            System.out.println("  diverged: " + e.getMessage().lines().findFirst().orElse(""));
            value = Double.NaN;
        }
        double wall = (System.nanoTime() - start) / 1e9;
        if (run.evaluateEveryEpoch()) {
            List<List<Object>> rows = new ArrayList<>();
            for (RunRecorder.Step s : rec.steps()) {
                rows.add(curveRow(run, "train_loss", s.step(), s.loss()));
            }
            for (RunRecorder.Evaluation e : rec.evaluations()) {
                rows.add(curveRow(run, run.workload().metric(), e.step(), run.workload().score(e)));
            }
            curves.append(rows);
        }
        log.record(run, value, wall, host);
        System.out.println(progress.line(run, value, wall));
    }

    private static List<Object> curveRow(StudyRun run, String kind, long step, double value) {
        return List.of(run.workload().name(), run.optimizer(), run.batch(), run.steps(), run.warmup(), run.variant(),
                run.lrGrid(), run.seed(), kind, step, value);
    }

    private static String notes(StudyPlan plan, List<StudyWorkload> workloads, Map<String, TrainTestData> data) {
        StudyPlan.Protocol p = plan.protocol();
        StringBuilder sb = new StringBuilder("Recipe: linear warm-up over the first 5% of the steps, cosine decay to 0;"
                + " lr = base x sqrt(B/1024) x 3^k searched on seed 1 over k in " + Arrays.toString(p.grid())
                + ", extended past an edge holding the best at most " + p.maxExtensions() + " times; base " + p.baseLr()
                + "; seeds 1.." + p.seeds() + " at the chosen lr; micro-batch 512; barrier execution; optimizers "
                + p.optimizers() + "; batches " + Arrays.toString(p.batches()) + ".\n");
        for (StudyWorkload w : workloads) {
            sb.append(String.format(Locale.ROOT, "%s: %s on %s; %s; equal epochs %d (%d steps at %d %s); equal steps %d;"
                            + " %s.%n", w.name(), w.model(), w.data(), data.get(w.name()).test(), w.epochs(),
                    w.epochs() * w.stepsPerEpoch(p.largest()), p.largest(), w.unit(), plan.equalSteps(w), w.metric()));
        }
        sb.append("value nan = the run diverged (non-finite loss). Adan ablations at the largest batch: ")
                .append(p.variants().stream().map(StudyPlan.Variant::name).toList()).append('.');
        return sb.toString();
    }

    /** The progress line: runs done, elapsed time, and an ETA from the throughput logged so far. */
    private static final class Progress {
        private final StudyPlan plan;
        private final List<StudyWorkload> workloads;
        private final StudyLog log;
        private final long start = System.nanoTime();
        private int done;

        Progress(StudyPlan plan, List<StudyWorkload> workloads, StudyLog log) {
            this.plan = plan;
            this.workloads = workloads;
            this.log = log;
        }

        String line(StudyRun run, double value, double wall) {
            done++;
            double seconds = 0;
            List<String> untimed = new ArrayList<>();
            int remaining = 0;
            for (StudyWorkload w : workloads) {
                for (StudyPlan.Cell c : plan.cells(w)) {
                    int r = c.remaining(log);
                    if (r == 0) {
                        continue;
                    }
                    remaining += r;
                    OptionalDouble rate = log.rate(w.name(), c.batch());
                    if (rate.isEmpty()) {
                        rate = log.rate(w.name(), 0);
                    }
                    if (rate.isPresent()) {
                        seconds += r * c.examplesPerRun() / rate.getAsDouble();
                    } else if (!untimed.contains(w.name())) {
                        untimed.add(w.name());
                    }
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return String.format(Locale.ROOT, "[%d done, %d logged, >= %d to go] %s: %s %s (%.0f s) | elapsed %s, ETA %s%s",
                    done, log.size(), remaining, run.describe(), run.workload().metric(), ResultTable.fmt(value), wall,
                    hms(elapsed), hms(seconds), untimed.isEmpty() ? "" : " + " + String.join(", ", untimed) + " (not timed yet)");
        }

        private static String hms(double seconds) {
            long s = Math.round(seconds);
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
    }
}
