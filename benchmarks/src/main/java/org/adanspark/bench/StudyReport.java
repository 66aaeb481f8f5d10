package org.adanspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;

/**
 * The large-batch study's report, rebuilt from its logs alone (so a resumed or partial study reports what it
 * has): the best cell per batch with mean ± sd over seeds, each optimizer's drop from the smallest to the
 * largest batch, Adan's drop against the others', Adan's ablations, the plots, and {@code large-batch.txt}.
 */
final class StudyReport {

    /** The columns of {@code large-batch-curves.csv}: per-step training loss and per-epoch scores at the largest batch. */
    static final List<String> CURVE_COLUMNS = List.of("workload", "optimizer", "global_batch", "steps", "warmup_steps",
            "variant", "lr_grid", "seed", "kind", "step", "value");

    private final StudyPlan plan;
    private final List<StudyWorkload> workloads;
    private final StudyLog log;
    private final AppendOnlyCsv curves;

    /**
     * @param plan the study's plan
     * @param workloads the workloads to report
     * @param log the results
     * @param curves the curves of the largest batch's runs
     */
    StudyReport(StudyPlan plan, List<StudyWorkload> workloads, StudyLog log, AppendOnlyCsv curves) {
        this.plan = plan;
        this.workloads = workloads;
        this.log = log;
        this.curves = curves;
    }

    /**
     * Writes every report file and returns the summary text.
     *
     * @param options where to write
     * @param machine the machine writing the report
     * @param command the command that wrote this report (the study, or its {@code --report-only})
     * @param notes the recipe, for the text file
     * @return the summary (also in {@code large-batch.txt})
     */
    String write(BenchOptions options, Machine machine, String command, String notes) {
        StringBuilder text = new StringBuilder();
        ResultTable best = new ResultTable("workload", "view", "optimizer", "global_batch", "steps", "lr_grid", "lr",
                "metric", "seeds", "mean", "sd", "seed_values", "searched");
        ResultTable drops = new ResultTable("workload", "view", "optimizer", "metric", "from_batch", "to_batch",
                "mean_drop", "sd_drop", "seeds", "seed_drops");
        ResultTable compare = new ResultTable("workload", "view", "versus", "adan_drop", "versus_drop",
                "adan_minus_versus", "welch_t", "welch_df", "welch_p", "adan_smaller_beyond_spread");
        ResultTable ablation = new ResultTable("workload", "global_batch", "variant", "metric", "seeds", "mean", "sd",
                "seed_values");
        List<XYChart> summaryPanels = new ArrayList<>();
        List<XYChart> curvePanels = new ArrayList<>();
        int[] batches = plan.protocol().batches();
        for (StudyWorkload w : workloads) {
            for (StudyPlan.View view : StudyPlan.View.values()) {
                List<StudyPlan.GridCell> cells = plan.gridCells(w, view);
                Map<String, SeedStats> dropByOptimizer = new LinkedHashMap<>();
                XYChart chart = Charts.lines(w.name() + ", " + view.label() + ": " + w.metric() + " (mean ± sd)",
                        "global batch (" + w.unit() + ")", w.metric());
                chart.getStyler().setXAxisLogarithmic(true);
                text.append(String.format(Locale.ROOT, "%n%s (%s), %s — best lr per cell, %s mean ± sd over seeds:%n",
                        w.name(), w.data(), view.label(), w.metric()));
                for (String optimizer : plan.protocol().optimizers()) {
                    List<StudyPlan.GridCell> mine = cells.stream().filter(c -> c.optimizer().equals(optimizer)).toList();
                    double[] x = new double[mine.size()];
                    double[] mean = new double[mine.size()];
                    double[] sd = new double[mine.size()];
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-6s", optimizer));
                    for (int i = 0; i < mine.size(); i++) {
                        StudyPlan.GridCell c = mine.get(i);
                        SeedStats s = SeedStats.of(c.seedValues(log));
                        OptionalInt k = c.bestK(log);
                        x[i] = c.batch();
                        mean[i] = s.mean();
                        sd[i] = s.sd();
                        line.append(String.format(Locale.ROOT, "  %6d: %-22s", c.batch(),
                                k.isPresent() ? s.text() + " @" + ResultTable.fmt(c.run(k.getAsInt(), 1).lr()) : "-"));
                        if (k.isPresent()) {
                            best.add(w.name(), view.label(), optimizer, c.batch(), c.steps(), k.getAsInt(),
                                    c.run(k.getAsInt(), 1).lr(), w.metric(), s.n(), s.mean(), s.sd(),
                                    join(c.seedValues(log)), searched(c));
                        }
                    }
                    text.append(line.toString().stripTrailing()).append('\n');
                    Charts.seriesWithErrors(chart, optimizer, x, mean, sd);
                    StudyPlan.GridCell small = mine.get(0);
                    StudyPlan.GridCell large = mine.get(mine.size() - 1);
                    double[] d = drops(small, large);
                    SeedStats drop = SeedStats.of(d);
                    if (drop.n() > 0) {
                        dropByOptimizer.put(optimizer, drop);
                        drops.add(w.name(), view.label(), optimizer, w.metric(), small.batch(), large.batch(),
                                drop.mean(), drop.sd(), drop.n(), join(d));
                    }
                }
                summaryPanels.add(chart);
                text.append(String.format(Locale.ROOT, "  drop from %d to %d %s (%s; paired by seed), mean ± sd:%n",
                        batches[0], batches[batches.length - 1], w.unit(),
                        w.higherIsBetter() ? "accuracy lost" : "bits per character gained"));
                dropByOptimizer.forEach((o, s) -> text.append(String.format(Locale.ROOT, "    %-6s %s%n", o, s.text())));
                SeedStats adan = dropByOptimizer.get("adan");
                if (adan != null) {
                    for (Map.Entry<String, SeedStats> e : dropByOptimizer.entrySet()) {
                        if (e.getKey().equals("adan")) {
                            continue;
                        }
                        double[] t = adan.welch(e.getValue());
                        boolean beyond = adan.belowBeyondSpread(e.getValue());
                        compare.add(w.name(), view.label(), e.getKey(), adan.mean(), e.getValue().mean(),
                                adan.mean() - e.getValue().mean(), t[0], t[1], t[2], beyond);
                        double diff = adan.mean() - e.getValue().mean();
                        String which = Math.abs(diff) < 1e-9 ? "equal drops"
                                : (diff < 0 ? "adan's" : e.getKey() + "'s") + " smaller drop by "
                                + ResultTable.fmt(Math.abs(diff));
                        text.append(String.format(Locale.ROOT, "    adan vs %-6s: %s; Welch t %s, p %s;"
                                + " beyond the seed spread: %s%n", e.getKey(), which, ResultTable.fmt(t[0]),
                                ResultTable.fmt(t[2]), beyond ? "yes" : "no"));
                    }
                }
            }
            List<StudyPlan.VariantCell> variants = plan.variantCells(w);
            if (!variants.isEmpty()) {
                text.append(String.format(Locale.ROOT, "  adan at %d %s, equal epochs, its best lr: recipe vs changes:%n",
                        plan.protocol().largest(), w.unit()));
                StudyPlan.GridCell base = variants.get(0).base();
                addAblation(ablation, text, w, "base", base.seedValues(log));
                for (StudyPlan.VariantCell v : variants) {
                    addAblation(ablation, text, w, v.variant().name(), v.seedValues(log));
                }
            }
            curvePanels.addAll(curvePanels(w));
        }
        String summary = text.toString();
        String about = notes.strip() + "\n" + summary;
        best.write(options, options.file("-best.csv"), machine, about);
        drops.write(options, options.file("-drops.csv"), machine, about);
        compare.write(options, options.file("-compare.csv"), machine, about);
        ablation.write(options, options.file("-ablation.csv"), machine, about);
        Charts.save(options.file(".png"), 2, summaryPanels);
        if (!curvePanels.isEmpty()) {
            Charts.save(options.file("-curves.png"), 2, curvePanels);
        }
        writeAbout(options, machine, command, notes, summary);
        try {
            Files.writeString(options.file("-tables.md"), markdown());
            System.out.println("wrote " + options.file("-tables.md"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + options.file("-tables.md") + ": " + e.getMessage(), e);
        }
        return summary;
    }

    /**
     * Each seed's drop from the smallest to the largest batch, paired by seed: accuracy lost, or bits per
     * character gained (NaN where either run diverged or has not run).
     */
    private double[] drops(StudyPlan.GridCell small, StudyPlan.GridCell large) {
        Double[] a = small.bySeed(log);
        Double[] b = large.bySeed(log);
        Double[] d = new Double[a.length];
        for (int s = 0; s < d.length; s++) {
            if (a[s] != null && b[s] != null) {
                d[s] = small.workload().higherIsBetter() ? a[s] - b[s] : b[s] - a[s];
            }
        }
        return StudyPlan.finished(d);
    }

    /** The report's tables as Markdown, for docs/BENCHMARKS.md (the numbers copied from the log, not by hand). */
    String markdown() {
        StringBuilder md = new StringBuilder("<!-- generated by bin/adan-bench large-batch from large-batch.csv -->\n");
        int[] batches = plan.protocol().batches();
        for (StudyWorkload w : workloads) {
            for (StudyPlan.View view : StudyPlan.View.values()) {
                List<StudyPlan.GridCell> cells = plan.gridCells(w, view);
                md.append(String.format(Locale.ROOT, "%n**%s, %s** (%s; %s, mean ± sd over %d seeds at the best lr, which is"
                                + " in brackets)%n%n| optimizer |", w.name(), view.label(), w.model(), w.metric(),
                        plan.protocol().seeds()));
                for (int b : batches) {
                    md.append(String.format(Locale.ROOT, " %,d (%d steps) |", b,
                            cellOf(cells, plan.protocol().optimizers().get(0), b).steps()));
                }
                md.append(String.format(Locale.ROOT, " %s %,d → %,d |%n|---|", w.higherIsBetter() ? "drop" : "increase",
                        batches[0], batches[batches.length - 1]));
                md.append("---:|".repeat(batches.length + 1)).append('\n');
                Map<String, SeedStats> dropBy = new LinkedHashMap<>();
                for (String optimizer : plan.protocol().optimizers()) {
                    md.append("| ").append(optimizer).append(" |");
                    for (int b : batches) {
                        StudyPlan.GridCell c = cellOf(cells, optimizer, b);
                        OptionalInt k = c.bestK(log);
                        md.append(k.isEmpty() ? " – |" : " " + SeedStats.of(c.seedValues(log)).text() + " ("
                                + ResultTable.fmt(c.run(k.getAsInt(), 1).lr()) + ") |");
                    }
                    SeedStats drop = SeedStats.of(drops(cellOf(cells, optimizer, batches[0]),
                            cellOf(cells, optimizer, batches[batches.length - 1])));
                    md.append(drop.n() == 0 ? " – |" : " " + drop.text() + " |").append('\n');
                    if (drop.n() > 0) {
                        dropBy.put(optimizer, drop);
                    }
                }
                SeedStats adan = dropBy.get("adan");
                if (adan != null && dropBy.size() > 1) {
                    md.append("\n| Adan's drop against | Adan | theirs | Adan − theirs | Welch t (p) | Adan smaller beyond"
                            + " the seed spread |\n|---|---:|---:|---:|---:|---|\n");
                    dropBy.forEach((o, d) -> {
                        if (!o.equals("adan")) {
                            double[] t = adan.welch(d);
                            double diff = adan.mean() - d.mean();
                            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s (%s) | %s |%n", o, adan.text(),
                                    d.text(), ResultTable.fmt(Math.abs(diff) < 1e-9 ? 0 : diff), ResultTable.fmt(t[0]),
                                    ResultTable.fmt(t[2]), adan.belowBeyondSpread(d) ? "yes" : "no"));
                        }
                    });
                }
            }
            List<StudyPlan.VariantCell> variants = plan.variantCells(w);
            if (!variants.isEmpty()) {
                md.append(String.format(Locale.ROOT, "%n**%s, Adan at %,d %s, equal epochs, at its best lr** (%s, mean ± sd"
                                + " over seeds)%n%n| variant | %s |%n|---|---:|%n", w.name(), plan.protocol().largest(),
                        w.unit(), w.metric(), w.metric()));
                md.append("| recipe (warm-up 5%, β3 0.99, no clipping) | ")
                        .append(SeedStats.of(variants.get(0).base().seedValues(log)).text()).append(" |\n");
                for (StudyPlan.VariantCell v : variants) {
                    md.append("| ").append(v.variant().name()).append(" | ")
                            .append(SeedStats.of(v.seedValues(log)).text()).append(" |\n");
                }
            }
        }
        return md.toString();
    }

    private static StudyPlan.GridCell cellOf(List<StudyPlan.GridCell> cells, String optimizer, int batch) {
        return cells.stream().filter(c -> c.optimizer().equals(optimizer) && c.batch() == batch).findFirst()
                .orElseThrow();
    }

    private void addAblation(ResultTable table, StringBuilder text, StudyWorkload w, String variant, double[] values) {
        SeedStats s = SeedStats.of(values);
        if (values.length == 0) {
            text.append(String.format(Locale.ROOT, "    %-12s not run yet%n", variant));
            return;
        }
        table.add(w.name(), plan.protocol().largest(), variant, w.metric(), s.n(), s.mean(), s.sd(), join(values));
        text.append(String.format(Locale.ROOT, "    %-12s %s%n", variant, s.text()));
    }

    private String searched(StudyPlan.GridCell c) {
        StringBuilder sb = new StringBuilder();
        for (double[] p : c.searched(log)) {
            sb.append(sb.isEmpty() ? "" : " ").append((int) p[0]).append(':').append(ResultTable.fmt(p[2]));
        }
        return sb.toString();
    }

    private static String join(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (double v : values) {
            sb.append(sb.isEmpty() ? "" : " ").append(ResultTable.fmt(v));
        }
        return sb.toString();
    }

    /** Training loss against step, and the held-out score against step, at the largest batch (mean over seeds). */
    private List<XYChart> curvePanels(StudyWorkload w) {
        int largest = plan.protocol().largest();
        XYChart loss = Charts.lines(w.name() + " at " + largest + " " + w.unit() + ": training loss (mean of seeds)",
                "step", "training loss");
        XYChart score = Charts.lines(w.name() + " at " + largest + " " + w.unit() + ": " + w.metric() + " (mean of seeds)",
                "step", w.metric());
        boolean any = false;
        for (StudyPlan.GridCell c : plan.gridCells(w, StudyPlan.View.EPOCHS)) {
            if (c.batch() != largest || c.bestK(log).isEmpty()) {
                continue;
            }
            int k = c.bestK(log).getAsInt();
            for (String kind : List.of("train_loss", w.metric())) {
                TreeMap<Integer, double[]> sums = new TreeMap<>();
                Set<String> seen = new LinkedHashSet<>();
                for (int s = 1; s <= plan.protocol().seeds(); s++) {
                    StudyRun r = c.run(k, s);
                    for (List<String> row : curves.rows()) {
                        if (matches(row, r, kind) && seen.add(s + "/" + row.get(curves.column("step")))) {
                            double v = parse(row.get(curves.column("value")));
                            double[] acc = sums.computeIfAbsent(Integer.parseInt(row.get(curves.column("step"))),
                                    x -> new double[2]);
                            acc[0] += v;
                            acc[1]++;
                        }
                    }
                }
                if (sums.isEmpty()) {
                    continue;
                }
                any = true;
                double[] x = sums.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
                double[] y = sums.values().stream().mapToDouble(a -> a[0] / a[1]).toArray();
                String name = c.optimizer() + " (lr " + ResultTable.fmt(c.run(k, 1).lr()) + ")";
                Charts.series(kind.equals("train_loss") ? loss : score, name, x, y);
            }
        }
        return any ? List.of(loss, score) : List.of();
    }

    private boolean matches(List<String> row, StudyRun r, String kind) {
        return row.get(curves.column("workload")).equals(r.workload().name())
                && row.get(curves.column("optimizer")).equals(r.optimizer())
                && Integer.parseInt(row.get(curves.column("global_batch"))) == r.batch()
                && Integer.parseInt(row.get(curves.column("steps"))) == r.steps()
                && Integer.parseInt(row.get(curves.column("warmup_steps"))) == r.warmup()
                && row.get(curves.column("variant")).equals(r.variant())
                && Integer.parseInt(row.get(curves.column("lr_grid"))) == r.lrGrid()
                && Integer.parseInt(row.get(curves.column("seed"))) == r.seed()
                && row.get(curves.column("kind")).equals(kind);
    }

    private static double parse(String s) {
        return s.equals("nan") ? Double.NaN : Double.parseDouble(s);
    }

    private void writeAbout(BenchOptions options, Machine machine, String command, String notes, String summary) {
        List<StudyLog.Result> results = log.results();
        double wall = results.stream().mapToDouble(StudyLog.Result::wallSeconds).sum();
        Instant first = results.stream().map(StudyLog.Result::finished).min(Instant::compareTo).orElse(Instant.now());
        Instant last = results.stream().map(StudyLog.Result::finished).max(Instant::compareTo).orElse(Instant.now());
        Set<String> hosts = new LinkedHashSet<>();
        results.forEach(r -> hosts.add(r.host()));
        long diverged = results.stream().filter(r -> Double.isNaN(r.value())).count();
        int remaining = 0;
        for (StudyWorkload w : workloads) {
            for (StudyPlan.Cell c : plan.cells(w)) {
                remaining += c.remaining(log);
            }
        }
        String status = remaining == 0 ? "complete" : "INCOMPLETE: at least " + remaining + " runs still to go";
        String body = "benchmark: large-batch (" + options.mode() + " mode)\n"
                + "status: " + status + "\n"
                + "command: bin/adan-bench large-batch (the study: the runs above; --workloads A,B runs a subset)\n"
                + "this report: " + command + "\n"
                + "machine: " + machine + "\n"
                + "report written: " + Instant.now() + "\n"
                + "runs: " + results.size() + " logged (" + diverged + " diverged), run on: " + String.join("; ", hosts) + "\n"
                + String.format(Locale.ROOT, "wall time: %.2f h of training summed over the runs; first run finished %s,"
                + " last %s (%.1f h apart)%n", wall / 3600, first, last, Duration.between(first, last).toSeconds() / 3600.0)
                + notes.strip() + "\n" + summary;
        try {
            Files.writeString(options.file(".txt"), body);
            System.out.println("wrote " + options.file(".txt"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + options.file(".txt") + ": " + e.getMessage(), e);
        }
    }
}
