package org.adanspark.spark.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A continuation's steps taken again, after a new barrier stage or the switch to jobs, reach the listeners once,
 * and the run's loss history holds each step once.
 */
class ReportedOnceTest {

    /** Records what it hears, one string per event. */
    private static final class Recorder implements TrainingListener {
        final List<String> heard = new ArrayList<>();

        @Override
        public void onStep(StepMetrics m) {
            heard.add("step " + m.step());
        }

        @Override
        public void onResume(String location, long step) {
            heard.add("resume " + step);
        }

        @Override
        public void onEvaluation(int epoch, long step, EvaluationResult test, EvaluationResult ema) {
            heard.add("evaluation " + step + " " + test.accuracy());
        }

        @Override
        public void onFinish(RunSummary summary) {
            heard.add("finish");
        }
    }

    private static StepMetrics step(long step) {
        return new StepMetrics(step, 8, 0, step / 10.0, 0.01, 64, 100, 1, 1, 1, 1, 0, 0, false, 3);
    }

    @Test
    void stepsAndEvaluationsTakenAgainFromACheckpointAreHeardOnceAndTheRestPassesThrough() {
        Recorder a = new Recorder();
        Recorder b = new Recorder();
        ReportedOnce once = new ReportedOnce(List.of(a, b));
        for (long s = 1; s <= 5; s++) {
            once.onStep(step(s));
        }
        once.onEvaluation(0, 4, new EvaluationResult(0.5, 1.0, false), null);
        // Spark gave up on the stage after step 5; a new one continues from the checkpoint of step 3
        once.onResume("file:/ck/step-000000003", 3);
        for (long s = 4; s <= 8; s++) {
            once.onStep(step(s));
        }
        once.onEvaluation(0, 4, new EvaluationResult(0.5, 1.0, false), null);
        once.onEvaluation(1, 8, new EvaluationResult(0.75, 0.5, false));
        once.onFinish(new RunSummary(8, 8, 0, 0.75, 0.5, 1.0, "abc", 7));
        List<String> expected = List.of("step 1", "step 2", "step 3", "step 4", "step 5", "evaluation 4 0.5",
                "resume 3", "step 6", "step 7", "step 8", "evaluation 8 0.75", "finish");
        assertEquals(expected, a.heard);
        assertEquals(expected, b.heard);
        assertEquals(List.of(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8), once.losses(), "the run's history, each step once");
        assertEquals(0.8, once.lastLoss());
    }
}
