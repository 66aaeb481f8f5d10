package org.adanspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The large-batch study's plan, log and statistics without Spark: which runs a cell asks for given the
 * results so far (grid extension, seeds at the best, diverged cells), that a reopened log resumes exactly,
 * and the seed statistics against hand-computed values.
 */
class StudyPlanTest {

    @TempDir
    Path dir;

    /** 6,000 examples in two partitions: 6 steps an epoch at 1024, 2 at 4096. */
    private static final StudyWorkload W = new StudyWorkload("toy", "toy data", "mlp:8", "test_accuracy", true, 2,
            "examples", 1, new int[] {3000, 3000});

    private static StudyPlan plan(int maxExtensions) {
        return new StudyPlan(new StudyPlan.Protocol(List.of("adan"), new int[] {1024, 4096}, new int[] {-1, 0, 1},
                maxExtensions, 3, List.of(new StudyPlan.Variant("warmup=0", 0.0, Double.NaN, 0)),
                Map.of("adan", 0.01)));
    }

    /** Runs a cell to completion, scoring each run by its grid point (and seed); returns the runs in order. */
    private static List<StudyRun> drive(StudyPlan.Cell cell, StudyLog log, IntToDoubleFunction valueOfK) {
        List<StudyRun> runs = new ArrayList<>();
        for (Optional<StudyRun> next = cell.next(log); next.isPresent(); next = cell.next(log)) {
            StudyRun r = next.get();
            runs.add(r);
            log.record(r, valueOfK.applyAsDouble(r.lrGrid()) + r.seed() * 1e-3, 1.0, "test");
            assertTrue(runs.size() < 50, "the cell never completes");
        }
        return runs;
    }

    @Test
    void gridGrowsPastTheEdgeHoldingTheBestThenSeedsRunThere() {
        StudyPlan plan = plan(2);
        StudyLog log = StudyLog.open(dir.resolve("log.csv"));
        StudyPlan.GridCell cell = plan.gridCells(W, StudyPlan.View.EPOCHS).get(0);
        assertEquals(5, cell.remaining(log), "3 grid points and 2 more seeds, before anything ran");
        List<StudyRun> runs = drive(cell, log, k -> 0.9 - 0.1 * Math.abs(k - 2)); // best at k = 2
        assertEquals(List.of(-1, 0, 1, 2, 3, 2, 2), runs.stream().map(StudyRun::lrGrid).toList());
        assertEquals(List.of(1, 1, 1, 1, 1, 2, 3), runs.stream().map(StudyRun::seed).toList());
        assertEquals(2, cell.bestK(log).getAsInt());
        assertEquals(0.01 * 9, runs.get(3).lr(), 1e-15, "lr = base · sqrt(1024/1024) · 3^2");
        assertEquals(12, runs.get(0).steps(), "2 epochs of ceil(6000/1024) = 6 steps");
        assertEquals(1, runs.get(0).warmup(), "5% of 12 steps, rounded up");
        assertEquals(0, cell.remaining(log));
    }

    @Test
    void extensionsStopAtTheLimitAndADivergedCellSearchesDownwards() {
        StudyPlan plan = plan(2);
        StudyLog log = StudyLog.open(dir.resolve("log.csv"));
        List<StudyPlan.GridCell> cells = plan.gridCells(W, StudyPlan.View.EPOCHS);
        List<StudyRun> rising = drive(cells.get(0), log, k -> 0.5 + 0.01 * k); // always better higher
        assertEquals(List.of(-1, 0, 1, 2, 3, 3, 3), rising.stream().map(StudyRun::lrGrid).toList());
        List<StudyRun> diverged = drive(cells.get(1), log, k -> Double.NaN);
        assertEquals(List.of(-1, 0, 1, -2, -3, -3, -3), diverged.stream().map(StudyRun::lrGrid).toList());
        assertTrue(Double.isNaN(SeedStats.of(cells.get(1).seedValues(log)).mean()));
        assertEquals(3, SeedStats.of(cells.get(1).seedValues(log)).diverged());
    }

    @Test
    void aReopenedLogResumesWhereTheStudyStoppedAndSharesTheLargestBatchAcrossViews() {
        StudyPlan plan = plan(0);
        Path file = dir.resolve("log.csv");
        StudyLog log = StudyLog.open(file);
        StudyPlan.GridCell large = plan.gridCells(W, StudyPlan.View.EPOCHS).get(1);
        StudyRun first = large.next(log).orElseThrow();
        log.record(first, 0.7, 2.0, "test");
        StudyRun second = large.next(log).orElseThrow();
        StudyLog reopened = StudyLog.open(file);
        assertEquals(second.key(), large.next(reopened).orElseThrow().key(), "the same next run after a restart");
        drive(large, reopened, k -> 0.7);
        StudyPlan.GridCell sameSteps = plan.gridCells(W, StudyPlan.View.STEPS).get(1);
        assertEquals(large.steps(), sameSteps.steps(), "the largest batch takes the same steps in both views");
        assertFalse(sameSteps.next(reopened).isPresent(), "and is not run twice");
        assertEquals(2 + 1, plan.cells(W).stream().filter(c -> c instanceof StudyPlan.GridCell).count(),
                "nor counted twice in what is left: equal epochs at both batches, equal steps at the smaller");
        StudyPlan.GridCell smallSteps = plan.gridCells(W, StudyPlan.View.STEPS).get(0);
        StudyRun r = smallSteps.next(reopened).orElseThrow();
        assertEquals(4, r.steps(), "equal steps: the 4 steps of 2 epochs at 4096");
        assertEquals(1, r.epochs());
        assertEquals(4, r.maxSteps());
        assertEquals(4, r.settings().get("adan.train.max-steps"));
        StudyPlan.VariantCell variant = plan.variantCells(W).get(0);
        StudyRun v = variant.next(reopened).orElseThrow();
        assertEquals(0, v.warmup());
        assertEquals(large.bestK(reopened).getAsInt(), v.lrGrid(), "ablations run at the recipe's best lr");
    }

    @Test
    void aCutOffLastLineIsDroppedAndAnotherStudysRowsAreRefused() throws IOException {
        StudyPlan plan = plan(0);
        Path file = dir.resolve("log.csv");
        StudyLog log = StudyLog.open(file);
        StudyPlan.GridCell cell = plan.gridCells(W, StudyPlan.View.EPOCHS).get(0);
        StudyRun run = cell.next(log).orElseThrow();
        log.record(run, 0.8, 3.0, "test");
        Files.writeString(file, "toy,adan,1024,exam", StandardOpenOption.APPEND);
        assertEquals(1, StudyLog.read(file).size(), "a reader skips the line a writer may still be appending");
        assertEquals(3, Files.readAllLines(file).size(), "and leaves the file as it is");
        StudyLog reopened = StudyLog.open(file);
        assertEquals(1, reopened.size());
        assertEquals(0.8, reopened.value(run));
        assertEquals(2, Files.readAllLines(file).size(), "the cut-off line is gone from the file");

        StudyWorkload other = new StudyWorkload("toy", "toy data", "mlp:16", "test_accuracy", true, 2, "examples", 1,
                new int[] {3000, 3000});
        StudyRun clash = plan.gridCells(other, StudyPlan.View.EPOCHS).get(0).next(StudyLog.open(dir.resolve("x.csv")))
                .orElseThrow();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> reopened.has(clash));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("mlp:8")
                && e.getMessage().contains("mlp:16"), e.getMessage());

        Files.writeString(dir.resolve("old.csv"), "workload,optimizer,global_batch,epochs,lr,metric,value\n");
        IllegalStateException header = assertThrows(IllegalStateException.class,
                () -> StudyLog.open(dir.resolve("old.csv")));
        assertTrue(header.getMessage().contains("another study"), header.getMessage());
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> StudyLog.read(dir.resolve("none.csv")));
        assertTrue(missing.getMessage().contains("run the study first"), missing.getMessage());
    }

    @Test
    void theCostCountsEachPartOfTheDesignOnceWithItsWallTime() {
        StudyPlan plan = plan(0);
        StudyLog log = StudyLog.open(dir.resolve("log.csv"));
        // wall time by part: an equal-epoch run at 1024 takes 10 s, at 4096 (shared with equal steps) 4 s,
        // an equal-step run at 1024 1 s, an ablation 5 s
        for (StudyPlan.Cell cell : plan.cells(W)) {
            for (Optional<StudyRun> next = cell.next(log); next.isPresent(); next = cell.next(log)) {
                StudyRun r = next.get();
                double wall = !r.variant().equals("base") ? 5 : r.batch() == 4096 ? 4 : r.steps() == 12 ? 10 : 1;
                log.record(r, 0.5 + 0.01 * r.lrGrid(), wall, "host-a");
            }
        }
        StudyCost cost = StudyCost.of(plan, W, StudyLog.open(dir.resolve("log.csv")));
        // the grid (-1, 0, 1) on seed 1, the best k = 1 on seeds 2 and 3: 5 runs a cell
        assertEquals(5 + 5, cost.runs("adan", StudyCost.Part.EPOCHS), "1024 and 4096, equal epochs");
        assertEquals(5, cost.runs("adan", StudyCost.Part.STEPS), "1024 only: 4096 is the equal-epoch run");
        assertEquals(3, cost.runs("adan", StudyCost.Part.ABLATIONS), "warmup=0 on three seeds");
        assertEquals(18, cost.runs(null, null));
        assertEquals((5 * 10 + 5 * 4 + 5 * 1 + 3 * 5) / 3600.0, cost.hours(null, null), 1e-12);
        assertEquals(10, cost.equalEpochRunSeconds("adan", 1024), 1e-12);
        assertEquals(4, cost.equalEpochRunSeconds("adan", 4096), 1e-12);
        assertTrue(Double.isNaN(cost.equalEpochRunSeconds("lamb", 1024)), "an optimizer that did not run");
        assertEquals(List.of("host-a"), List.copyOf(cost.hosts()));
    }

    @Test
    void seedStatisticsMatchHandComputedValues() {
        SeedStats a = SeedStats.of(1, 2, 3);
        SeedStats b = SeedStats.of(4, 5, 6);
        assertEquals(2, a.mean(), 1e-15);
        assertEquals(1, a.sd(), 1e-15);
        double[] t = a.welch(b);
        assertEquals(-3 / Math.sqrt(2.0 / 3), t[0], 1e-12); // (2 − 5) / sqrt(1/3 + 1/3)
        assertEquals(4, t[1], 1e-12); // equal variances and counts: n1 + n2 − 2
        assertEquals(0.02131, t[2], 1e-5); // two-sided Student t with 4 degrees of freedom at |t| = 3.674
        assertTrue(a.belowBeyondSpread(b));
        assertFalse(SeedStats.of(1, 2, 5).belowBeyondSpread(SeedStats.of(3, 4, 6)));
        SeedStats withNan = SeedStats.of(1, Double.NaN, 3);
        assertEquals(2, withNan.n());
        assertEquals(1, withNan.diverged());
        assertTrue(withNan.text().endsWith("(1 diverged)"), withNan.text());
    }
}
