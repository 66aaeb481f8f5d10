package org.adanspark.spark.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The console's lines: the final one, for a run that trained and for a resumed run that had nothing left to
 * train; the first step's ETA; an evaluation after a whole epoch, and one where {@code --max-steps} cut an epoch.
 */
class ConsoleProgressTest {

    private static String finish(RunSummary s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8), Duration.ofSeconds(2), 3).onFinish(s);
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRunThatTrainedShowsItsFinalLoss() {
        assertEquals("done: 45 steps (45 this run, 0 skipped) in 10.3 s, final loss 0.4816, test accuracy 0.8225\n"
                + "  params_sha256 abc\n", finish(new RunSummary(45, 45, 0, 0.8225, 0.48161, 10.31, "abc", 7)));
    }

    @Test
    void theFirstStepShowsNoEtaForItCarriesTheStartUpAndLaterStepsDo() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Duration.ZERO, 3);
        progress.onStep(step(1));
        progress.onStep(step(2));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals("step 1/45  epoch 1/3  loss 2.4520  lr 1.00e-02  12,203 ex/s  ETA -:--", lines[0]);
        assertTrue(lines[1].matches("step 2/45  epoch 1/3  loss 2\\.4520  lr 1\\.00e-02  12,203 ex/s  ETA \\d+:\\d\\d"),
                lines[1]);
    }

    private static StepMetrics step(long step) {
        return new StepMetrics(step, 45, 0, 2.452, 0.01, 4096, 12203, 1, 1, 1, 1, 0, 0, false, 3);
    }

    @Test
    void aResumedRunThatWasAlreadyCompleteSaysSoInsteadOfAFinalLossOfNaN() {
        assertEquals("done: 45 steps (0 this run, 0 skipped) in 2.0 s, nothing left to train, test accuracy 0.8225\n"
                + "  params_sha256 abc\n", finish(new RunSummary(45, 0, 0, 0.8225, Double.NaN, 2.0, "abc", 7)));
    }

    @Test
    void anEvaluationWhereMaxStepsCutTheEpochDoesNotCallTheEpochDone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress progress = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Duration.ofHours(1), 3);
        progress.onStart(15, 20);
        EvaluationResult result = new EvaluationResult(0.8125, 0.5, false);
        progress.onEvaluation(0, 15, result, null);
        progress.onEvaluation(1, 20, result, null);
        assertEquals("epoch 1/3 done at step 15: test accuracy 0.8125\n"
                + "stopped at step 20, in epoch 2/3 (--max-steps): test accuracy 0.8125\n",
                bytes.toString(StandardCharsets.UTF_8));
    }
}
