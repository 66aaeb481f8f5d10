package org.adanspark.spark.step;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The step loop's cadence, apart from any execution: which steps run, in which epoch, and where checkpoints and
 * evaluations fall — at epoch ends, at a {@code --max-steps} limit inside an epoch, and after a resume on an
 * epoch boundary or at the run's end.
 */
class StepLoopTest {

    /** Records what the loop asked for, in order. */
    private static final class Recorder implements StepLoop.Steps {
        final List<String> events = new ArrayList<>();
        final Set<Long> nonFinite;

        Recorder(Set<Long> nonFinite) {
            this.nonFinite = nonFinite;
        }

        @Override
        public StepLoop.Taken step(long step, int epoch, int stepInEpoch, double lr) {
            events.add("step " + step + " e" + epoch + "/" + stepInEpoch);
            return new StepLoop.Taken(null, nonFinite.contains(step));
        }

        @Override
        public void report(long done, int epoch, StepReport report) {
            // every step is reported; the order of steps is what the events show
        }

        @Override
        public void checkpoint(long done, long skippedLoss) {
            events.add("checkpoint " + done + " skipped " + skippedLoss);
        }

        @Override
        public void evaluate(long done, int epoch, boolean last) {
            events.add("evaluate " + done + " e" + epoch + (last ? " last" : ""));
        }

        List<String> without(String prefix) {
            return events.stream().filter(e -> !e.startsWith(prefix)).toList();
        }
    }

    private static final LearningRateSchedule FLAT = new LearningRateSchedule(LearningRateSchedule.Kind.parse("constant"),
            0.01, 0, 12, 0);

    private static Recorder run(long first, long total, int perEpoch, StepLoop.Cadence cadence, long skippedBefore,
                                Set<Long> nonFinite, long[] skipped) {
        Recorder r = new Recorder(nonFinite);
        skipped[0] = StepLoop.run(first, total, perEpoch, FLAT, cadence, skippedBefore, r);
        return r;
    }

    @Test
    void evaluationsFallAtEveryEpochEndButTheLastAndOnceAfterTheRun() {
        long[] skipped = new long[1];
        Recorder r = run(0, 12, 4, new StepLoop.Cadence(true, 0, true, true), 0, Set.of(), skipped);
        assertEquals(List.of("evaluate 4 e0", "evaluate 8 e1", "checkpoint 12 skipped 0", "evaluate 12 e2 last"),
                r.without("step"));
        assertEquals(12, r.events.stream().filter(e -> e.startsWith("step")).count());
        assertEquals("step 4 e1/0", r.events.stream().filter(e -> e.startsWith("step")).toList().get(4));
    }

    @Test
    void checkpointsFallEveryNStepsAndAtTheEndOnlyWhenNoneWasJustWritten() {
        long[] skipped = new long[1];
        assertEquals(List.of("checkpoint 5 skipped 0", "checkpoint 10 skipped 0", "checkpoint 12 skipped 0"),
                run(0, 12, 4, new StepLoop.Cadence(true, 5, false, false), 0, Set.of(), skipped).without("step"));
        assertEquals(List.of("checkpoint 4 skipped 0", "checkpoint 8 skipped 0", "checkpoint 12 skipped 0"),
                run(0, 12, 4, new StepLoop.Cadence(true, 4, false, false), 0, Set.of(), skipped).without("step"),
                "the last step's checkpoint is not written twice");
        assertEquals(List.of(), run(0, 12, 4, new StepLoop.Cadence(false, 4, false, false), 0, Set.of(), skipped)
                .without("step"), "a run without checkpoints writes none");
    }

    @Test
    void aMaxStepsLimitInsideAnEpochEndsThereWithTheFinalCheckpointAndEvaluation() {
        long[] skipped = new long[1];
        Recorder r = run(0, 6, 4, new StepLoop.Cadence(true, 0, true, true), 0, Set.of(), skipped);
        assertEquals(List.of("evaluate 4 e0", "checkpoint 6 skipped 0", "evaluate 6 e1 last"), r.without("step"));
        assertEquals("step 5 e1/1", r.events.get(r.events.size() - 3));
    }

    @Test
    void aResumeOnAnEpochBoundaryTakesTheRestAndCarriesTheSkippedCount() {
        long[] skipped = new long[1];
        Recorder r = run(8, 12, 4, new StepLoop.Cadence(true, 0, true, true), 2, Set.of(9L), skipped);
        assertEquals(List.of("step 8 e2/0", "step 9 e2/1", "step 10 e2/2", "step 11 e2/3", "checkpoint 12 skipped 3",
                "evaluate 12 e2 last"), r.events, "no evaluation of the epoch the checkpoint ended");
        assertEquals(3, skipped[0], "two skipped before the resume, one after");
    }

    @Test
    void aResumeOfAFinishedRunWritesItsCheckpointAgainAndEvaluates() {
        long[] skipped = new long[1];
        Recorder r = run(12, 12, 4, new StepLoop.Cadence(true, 4, true, true), 1, Set.of(), skipped);
        assertEquals(List.of("checkpoint 12 skipped 1", "evaluate 12 e2 last"), r.events);
        assertEquals(1, skipped[0]);
    }
}
