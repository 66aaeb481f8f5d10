package org.adanspark.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one workload of the large-batch study cost, from its log alone: for each optimizer and part of the
 * design, the runs and the wall time they took, per global batch. A run's wall time is the one its row logs,
 * training and its evaluations; the mean over a batch's equal-epoch runs is what training the same examples
 * cost at that batch on the machine that ran them (the {@code host} column says which).
 */
final class StudyCost {

    /** The parts of the design a run belongs to. */
    enum Part {
        /** The equal-epoch grid and its seeds (the largest batch's runs, shared with equal steps, count here). */
        EPOCHS,
        /** The equal-step grid and its seeds, below the largest batch. */
        STEPS,
        /** Adan's ablations at the largest batch. */
        ABLATIONS;

        /** @return how the report names it */
        String label() {
            return switch (this) {
                case EPOCHS -> "equal epochs";
                case STEPS -> "equal steps";
                case ABLATIONS -> "ablations";
            };
        }
    }

    /**
     * The runs of one optimizer, part and batch.
     *
     * @param optimizer the optimizer's name
     * @param part the part of the design
     * @param batch the global batch
     * @param runs how many runs are logged
     * @param seconds their wall time summed
     */
    record Line(String optimizer, Part part, int batch, int runs, double seconds) {

        /** @return the mean wall time of one run, in seconds */
        double meanSeconds() {
            return seconds / runs;
        }
    }

    private final List<Line> lines;
    private final Set<String> hosts;

    private StudyCost(List<Line> lines, Set<String> hosts) {
        this.lines = lines;
        this.hosts = hosts;
    }

    /** Which runs a line sums. */
    private record Key(String optimizer, Part part, int batch) {
    }

    /**
     * @param plan the study's plan, which says how many steps an equal-epoch run takes at each batch
     * @param w the workload
     * @param log the results
     * @return the workload's cost, lines in the protocol's order of optimizers (then any it no longer lists),
     *     then part, then batch
     */
    static StudyCost of(StudyPlan plan, StudyWorkload w, StudyLog log) {
        Map<Integer, Integer> epochSteps = new HashMap<>();
        for (StudyPlan.GridCell c : plan.gridCells(w, StudyPlan.View.EPOCHS)) {
            epochSteps.put(c.batch(), c.steps());
        }
        List<String> optimizers = new ArrayList<>(plan.protocol().optimizers());
        List<Integer> batches = new ArrayList<>(Arrays.stream(plan.protocol().batches()).boxed().toList());
        Map<Key, double[]> sums = new HashMap<>(); // {runs, seconds}
        Set<String> hosts = new LinkedHashSet<>();
        for (StudyLog.Result r : log.results()) {
            if (!r.workload().equals(w.name())) {
                continue;
            }
            Part part = !r.variant().equals("base") ? Part.ABLATIONS
                    : Integer.valueOf(r.steps()).equals(epochSteps.get(r.batch())) ? Part.EPOCHS : Part.STEPS;
            double[] acc = sums.computeIfAbsent(new Key(r.optimizer(), part, r.batch()), k -> new double[2]);
            acc[0]++;
            acc[1] += r.wallSeconds();
            hosts.add(r.host());
            if (!optimizers.contains(r.optimizer())) { // a run the protocol no longer lists still cost its time
                optimizers.add(r.optimizer());
            }
            if (!batches.contains(r.batch())) {
                batches.add(r.batch());
            }
        }
        List<Line> lines = sums.entrySet().stream()
                .map(e -> new Line(e.getKey().optimizer(), e.getKey().part(), e.getKey().batch(), (int) e.getValue()[0],
                        e.getValue()[1]))
                .sorted(Comparator.comparingInt((Line l) -> optimizers.indexOf(l.optimizer()))
                        .thenComparing(Line::part).thenComparingInt(l -> batches.indexOf(l.batch())))
                .toList();
        return new StudyCost(lines, hosts);
    }

    /** @return one line per optimizer, part and batch that has runs */
    List<Line> lines() {
        return lines;
    }

    /** @return the {@code host} values of the workload's runs, in log order */
    Set<String> hosts() {
        return hosts;
    }

    /**
     * @param optimizer an optimizer, or {@code null} for all
     * @param part a part, or {@code null} for all
     * @return how many runs are logged
     */
    int runs(String optimizer, Part part) {
        return lines.stream().filter(l -> matches(l, optimizer, part)).mapToInt(Line::runs).sum();
    }

    /**
     * @param optimizer an optimizer, or {@code null} for all
     * @param part a part, or {@code null} for all
     * @return their wall time summed, in hours
     */
    double hours(String optimizer, Part part) {
        return lines.stream().filter(l -> matches(l, optimizer, part)).mapToDouble(Line::seconds).sum() / 3600;
    }

    /**
     * @param optimizer an optimizer
     * @param batch a global batch
     * @return the mean wall time of its equal-epoch runs at that batch, in seconds; NaN when none ran
     */
    double equalEpochRunSeconds(String optimizer, int batch) {
        return lines.stream().filter(l -> l.optimizer().equals(optimizer) && l.part() == Part.EPOCHS && l.batch() == batch)
                .mapToDouble(Line::meanSeconds).findFirst().orElse(Double.NaN);
    }

    /** @return the optimizers that have runs, in the protocol's order */
    List<String> optimizers() {
        return lines.stream().map(Line::optimizer).distinct().toList();
    }

    private static boolean matches(Line l, String optimizer, Part part) {
        return (optimizer == null || l.optimizer().equals(optimizer)) && (part == null || l.part() == part);
    }
}
