package org.adanspark.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.IntStream;

/**
 * What the large-batch study runs, decided from what it has already run: for each workload, budget view,
 * optimizer and global batch a learning-rate search on seed 1 (a grid extended past whichever edge holds
 * the best), then further seeds at the best learning rate; then Adan's ablations at the largest batch. The
 * plan is a pure function of the results logged so far, so a stopped study resumes exactly where it was.
 */
final class StudyPlan {

    /** The two budget views of the study. */
    enum View {
        /** Every batch trains the same number of epochs (the Adan paper's comparison). */
        EPOCHS("equal epochs"),
        /** Every batch trains the same number of steps: the largest batch's step count. */
        STEPS("equal steps");

        private final String label;

        View(String label) {
            this.label = label;
        }

        /** @return the view's name in the report */
        String label() {
            return label;
        }
    }

    /**
     * A change to Adan's recipe, run at the largest batch and its best learning rate.
     *
     * @param name the variant's name in the results, {@code base} for the recipe itself
     * @param warmupFraction warm-up steps as a fraction of the run's steps; NaN for the recipe's
     * @param beta3 Adan's β3; NaN for the recipe's (0.99)
     * @param maxGradNorm global gradient-norm clipping; 0 for none (the recipe's)
     */
    record Variant(String name, double warmupFraction, double beta3, double maxGradNorm) {
    }

    /** The recipe itself. */
    static final Variant BASE = new Variant("base", Double.NaN, Double.NaN, 0);
    /** The recipe's warm-up: 5% of the run's steps (one epoch of the equal-epoch mlp budget). */
    static final double WARMUP_FRACTION = 0.05;

    /**
     * The study's design.
     *
     * @param optimizers the optimizers compared
     * @param batches the global batches, ascending
     * @param grid the learning-rate grid points k (lr = base · sqrt(B/1024) · 3^k) searched on seed 1
     * @param maxExtensions how often the grid may grow past an edge holding the best
     * @param seeds seeds per best-lr cell (1, 2, …)
     * @param variants Adan's ablations at the largest batch
     * @param baseLr each optimizer's peak learning rate at batch 1024
     */
    record Protocol(List<String> optimizers, int[] batches, int[] grid, int maxExtensions, int seeds,
                    List<Variant> variants, Map<String, Double> baseLr) {

        /** @return the largest batch */
        int largest() {
            return batches[batches.length - 1];
        }
    }

    /** A unit of the plan: the runs of one cell, chosen in order from the log. */
    interface Cell {
        /**
         * @param log the results so far
         * @return the cell's next run, empty when the cell is complete
         */
        Optional<StudyRun> next(StudyLog log);

        /**
         * @param log the results so far
         * @return runs the cell still needs, at least (grid extensions not yet known are not counted)
         */
        int remaining(StudyLog log);

        /** @return examples one of its runs computes, for the ETA */
        long examplesPerRun();

        /** @return the cell's workload */
        StudyWorkload workload();

        /** @return its global batch */
        int batch();
    }

    private final Protocol protocol;

    /**
     * @param protocol the study's design
     */
    StudyPlan(Protocol protocol) {
        this.protocol = protocol;
    }

    /** @return the design */
    Protocol protocol() {
        return protocol;
    }

    /**
     * @param w a workload
     * @return its cells in the order they run: equal epochs, equal steps, then the ablations. The equal-step
     *     cells of the largest batch are left out: their runs are the equal-epoch cells' (same steps, same
     *     warm-up), so they would only count those runs twice.
     */
    List<Cell> cells(StudyWorkload w) {
        List<Cell> cells = new ArrayList<>(gridCells(w, View.EPOCHS));
        gridCells(w, View.STEPS).stream().filter(c -> c.batch() != protocol.largest()).forEach(cells::add);
        cells.addAll(variantCells(w));
        return cells;
    }

    /**
     * @param workloads the workloads of the study
     * @param log the results so far
     * @return runs still to go, at least (grid extensions not yet known are not counted)
     */
    int remaining(List<StudyWorkload> workloads, StudyLog log) {
        return workloads.stream().flatMap(w -> cells(w).stream()).mapToInt(c -> c.remaining(log)).sum();
    }

    /**
     * @param w a workload
     * @param view a budget view
     * @return one cell per optimizer and batch
     */
    List<GridCell> gridCells(StudyWorkload w, View view) {
        List<GridCell> cells = new ArrayList<>();
        for (String optimizer : protocol.optimizers()) {
            for (int batch : protocol.batches()) {
                cells.add(new GridCell(w, view, optimizer, batch));
            }
        }
        return cells;
    }

    /**
     * @param w a workload
     * @return Adan's ablations at the largest batch (none when Adan is not among the optimizers)
     */
    List<VariantCell> variantCells(StudyWorkload w) {
        if (!protocol.optimizers().contains("adan")) {
            return List.of();
        }
        GridCell base = new GridCell(w, View.EPOCHS, "adan", protocol.largest());
        return protocol.variants().stream().map(v -> new VariantCell(base, v)).toList();
    }

    /**
     * @param w a workload
     * @return the steps every batch takes in the equal-step view: the largest batch's equal-epoch steps
     */
    int equalSteps(StudyWorkload w) {
        return w.epochs() * w.stepsPerEpoch(protocol.largest());
    }

    /** @return the values that are there (null = not run), NaN kept for a diverged run */
    static double[] finished(Double[] bySeed) {
        return Arrays.stream(bySeed).filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).toArray();
    }

    /** One workload × view × optimizer × batch: its lr search on seed 1, then the other seeds at the best. */
    final class GridCell implements Cell {
        private final StudyWorkload workload;
        private final View view;
        private final String optimizer;
        private final int batch;

        GridCell(StudyWorkload workload, View view, String optimizer, int batch) {
            this.workload = workload;
            this.view = view;
            this.optimizer = optimizer;
            this.batch = batch;
        }

        @Override
        public StudyWorkload workload() {
            return workload;
        }

        /** @return the budget view */
        View view() {
            return view;
        }

        /** @return the optimizer */
        String optimizer() {
            return optimizer;
        }

        @Override
        public int batch() {
            return batch;
        }

        /** @return the steps of a run of this cell */
        int steps() {
            return view == View.EPOCHS ? workload.epochs() * workload.stepsPerEpoch(batch) : equalSteps(workload);
        }

        /** @return the learning rate of grid point 0: base · sqrt(B / 1024) */
        double center() {
            Double base = protocol.baseLr().get(optimizer);
            if (base == null) {
                throw new IllegalArgumentException("no base learning rate for optimizer " + optimizer);
            }
            return base * Math.sqrt(batch / 1024.0);
        }

        /**
         * @param k grid point
         * @param seed seed
         * @param variant the recipe or an ablation
         * @return that run of this cell
         */
        StudyRun run(int k, int seed, Variant variant) {
            int steps = steps();
            int epochs = view == View.EPOCHS ? workload.epochs()
                    : (steps + workload.stepsPerEpoch(batch) - 1) / workload.stepsPerEpoch(batch);
            int maxSteps = view == View.EPOCHS ? 0 : steps;
            double fraction = Double.isNaN(variant.warmupFraction()) ? WARMUP_FRACTION : variant.warmupFraction();
            int warmup = (int) Math.ceil(steps * fraction - 1e-9);
            return new StudyRun(workload, optimizer, batch, epochs, maxSteps, steps, warmup, variant.name(), k,
                    center() * Math.pow(3, k), seed, variant.beta3(), variant.maxGradNorm(),
                    batch == protocol.largest());
        }

        StudyRun run(int k, int seed) {
            return run(k, seed, BASE);
        }

        /**
         * The grid points to search, given the results: the protocol's grid, grown by one point past an edge
         * holding the best (a cell where every run diverged counts its lowest point as best), at most
         * {@code maxExtensions} times. Only points whose predecessors all finished are known.
         */
        private List<Integer> explored(StudyLog log) {
            List<Integer> ks = new ArrayList<>(Arrays.stream(protocol.grid()).boxed().toList());
            for (int extensions = 0; ; extensions++) {
                if (ks.stream().anyMatch(k -> !log.has(run(k, 1)))) {
                    return ks;
                }
                int best = bestOf(ks, log);
                int lo = ks.stream().mapToInt(Integer::intValue).min().orElseThrow();
                int hi = ks.stream().mapToInt(Integer::intValue).max().orElseThrow();
                if (ks.size() < 2 || extensions >= protocol.maxExtensions() || (best != lo && best != hi)) {
                    return ks;
                }
                ks.add(best == lo ? lo - 1 : hi + 1);
            }
        }

        private int bestOf(List<Integer> ks, StudyLog log) {
            Integer best = null;
            double bestValue = Double.NaN;
            for (int k : ks) {
                double v = log.value(run(k, 1));
                if (!Double.isNaN(v) && (Double.isNaN(bestValue)
                        || (workload.higherIsBetter() ? v > bestValue : v < bestValue))) {
                    best = k;
                    bestValue = v;
                }
            }
            return best != null ? best : ks.stream().mapToInt(Integer::intValue).min().orElseThrow();
        }

        /**
         * @param log the results so far
         * @return the best grid point on seed 1, once the search is complete
         */
        OptionalInt bestK(StudyLog log) {
            List<Integer> ks = explored(log);
            if (ks.stream().anyMatch(k -> !log.has(run(k, 1)))) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(bestOf(ks, log));
        }

        /**
         * @param log the results so far
         * @return the grid points searched so far, ascending, with their seed-1 values
         */
        List<double[]> searched(StudyLog log) {
            return explored(log).stream().sorted().filter(k -> log.has(run(k, 1)))
                    .map(k -> new double[] {k, run(k, 1).lr(), log.value(run(k, 1))}).toList();
        }

        /**
         * @param log the results so far
         * @return each seed's value at the best learning rate, index seed − 1: NaN for a seed that diverged,
         *     null for one that has not run
         */
        Double[] bySeed(StudyLog log) {
            return bySeed(log, BASE);
        }

        /**
         * @param log the results so far
         * @param variant the recipe or one of its ablations
         * @return each seed's value of that variant at the recipe's best learning rate, index seed − 1: NaN for
         *     a seed that diverged, null for one that has not run (all null while the search is unfinished)
         */
        Double[] bySeed(StudyLog log, Variant variant) {
            OptionalInt best = bestK(log);
            Double[] v = new Double[protocol.seeds()];
            if (best.isPresent()) {
                for (int s = 1; s <= protocol.seeds(); s++) {
                    StudyRun r = run(best.getAsInt(), s, variant);
                    v[s - 1] = log.has(r) ? log.value(r) : null;
                }
            }
            return v;
        }

        /**
         * @param log the results so far
         * @return the values of the seeds that ran at the best learning rate (NaN for one that diverged)
         */
        double[] seedValues(StudyLog log) {
            return finished(bySeed(log));
        }

        /**
         * The runs the cell still needs that are known now, in the order they run: the searched grid points
         * on seed 1 while the search is unfinished, else the other seeds at the best point.
         */
        private List<StudyRun> missing(StudyLog log) {
            List<Integer> ks = explored(log);
            List<StudyRun> grid = ks.stream().map(k -> run(k, 1)).filter(r -> !log.has(r)).toList();
            if (!grid.isEmpty()) {
                return grid;
            }
            int best = bestOf(ks, log);
            return IntStream.rangeClosed(2, protocol.seeds()).mapToObj(s -> run(best, s)).filter(r -> !log.has(r))
                    .toList();
        }

        @Override
        public Optional<StudyRun> next(StudyLog log) {
            return missing(log).stream().findFirst();
        }

        @Override
        public int remaining(StudyLog log) {
            List<StudyRun> missing = missing(log);
            boolean searching = !missing.isEmpty() && missing.get(0).seed() == 1;
            return missing.size() + (searching ? protocol.seeds() - 1 : 0);
        }

        @Override
        public long examplesPerRun() {
            return (long) steps() * workload.examplesPerStep(batch);
        }
    }

    /** One of Adan's ablations at the largest batch: every seed at the recipe's best learning rate. */
    final class VariantCell implements Cell {
        private final GridCell base;
        private final Variant variant;

        VariantCell(GridCell base, Variant variant) {
            this.base = base;
            this.variant = variant;
        }

        /** @return the ablation */
        Variant variant() {
            return variant;
        }

        /** @return the recipe's cell it changes */
        GridCell base() {
            return base;
        }

        @Override
        public StudyWorkload workload() {
            return base.workload();
        }

        @Override
        public int batch() {
            return base.batch();
        }

        /**
         * @param log the results so far
         * @return the values of the seeds that ran (NaN for one that diverged)
         */
        double[] seedValues(StudyLog log) {
            return finished(base.bySeed(log, variant));
        }

        /** Every seed at the recipe's best learning rate that has not run; none known before the search ends. */
        private List<StudyRun> missing(StudyLog log) {
            OptionalInt k = base.bestK(log);
            if (k.isEmpty()) {
                return List.of();
            }
            return IntStream.rangeClosed(1, protocol.seeds()).mapToObj(s -> base.run(k.getAsInt(), s, variant))
                    .filter(r -> !log.has(r)).toList();
        }

        @Override
        public Optional<StudyRun> next(StudyLog log) {
            return missing(log).stream().findFirst();
        }

        @Override
        public int remaining(StudyLog log) {
            return base.bestK(log).isEmpty() ? protocol.seeds() : missing(log).size();
        }

        @Override
        public long examplesPerRun() {
            return base.examplesPerRun();
        }
    }
}
