package org.adanspark.spark.metrics;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/**
 * A progress line on the console at most every {@code interval} (and at every epoch's end):
 * {@code step 12/45  epoch 1/3  loss 0.5234  lr 1.00e-02  9,812 ex/s  ETA 0:42}.
 */
public final class ConsoleProgress implements TrainingListener {

    private final PrintStream out;
    private final long intervalNanos;
    private final int epochs;
    private final long startNanos = System.nanoTime();
    private long lastPrint = Long.MIN_VALUE / 2;
    private long firstStep = -1;
    /** Steps in a whole epoch, once the run has started; 0 before. */
    private long stepsPerEpoch;

    /**
     * @param out where to print
     * @param interval least time between lines
     * @param epochs epochs of the run, for the display
     */
    public ConsoleProgress(PrintStream out, Duration interval, int epochs) {
        this.out = out;
        this.intervalNanos = interval.toNanos();
        this.epochs = epochs;
    }

    /** The latest evaluation: a language model's final line shows its bits per character. */
    private EvaluationResult lastEvaluation;
    private EvaluationResult lastEma;

    @Override
    public void onStep(StepMetrics m) {
        long now = System.nanoTime();
        if (firstStep < 0) {
            firstStep = m.step() - 1;
        }
        if (now - lastPrint < intervalNanos && m.step() != m.totalSteps()) {
            return;
        }
        lastPrint = now;
        long done = m.step() - firstStep;
        String eta;
        if (done < 2 && m.step() != m.totalSteps()) { // the first step carries the start-up: no rate to go by yet
            eta = "-:--";
        } else {
            long seconds = Math.round((now - startNanos) / 1e9 / Math.max(1, done) * (m.totalSteps() - m.step()));
            eta = String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
        }
        out.printf(Locale.ROOT, "step %d/%d  epoch %d/%d  loss %.4f  lr %.2e  %,.0f ex/s  ETA %s%s%n",
                m.step(), m.totalSteps(), m.epoch() + 1, epochs, m.loss(), m.lr(), m.examplesPerSec(),
                eta, m.skipped() ? "  (skipped: non-finite)" : "");
    }

    @Override
    public void onStart(long stepsPerEpoch, long totalSteps) {
        this.stepsPerEpoch = stepsPerEpoch;
    }

    @Override
    public void onResume(String location, long step) {
        out.printf(Locale.ROOT, "resumed from %s at step %d%n", location, step);
    }

    @Override
    public void onEvaluation(int epoch, long step, EvaluationResult test, EvaluationResult ema) {
        lastEvaluation = test;
        lastEma = ema;
        String when = stepsPerEpoch > 0 && step % stepsPerEpoch != 0 // the last evaluation of a run --max-steps cut
                ? String.format(Locale.ROOT, "stopped at step %d, in epoch %d/%d (--max-steps)", step, epoch + 1, epochs)
                : String.format(Locale.ROOT, "epoch %d/%d done at step %d", epoch + 1, epochs, step);
        out.printf(Locale.ROOT, "%s: %s%s%n", when, describe(test), ema == null ? "" : "; model EMA " + describe(ema));
    }

    private static String describe(EvaluationResult r) {
        return r.perToken()
                ? String.format(Locale.ROOT, "test bits/char %.4f (next-character accuracy %.4f)", r.bits(), r.accuracy())
                : String.format(Locale.ROOT, "test accuracy %.4f", r.accuracy());
    }

    @Override
    public void onFinish(RunSummary s) {
        // a resumed run that was already complete trained nothing, so it has no loss of its own to show
        String loss = s.stepsThisRun() == 0 ? ", nothing left to train"
                : String.format(Locale.ROOT, ", final loss %.4f", s.finalLoss());
        String test = Double.isNaN(s.testAccuracy()) ? ""
                : lastEvaluation != null && lastEvaluation.perToken()
                ? String.format(Locale.ROOT, ", test bits/char %.4f", lastEvaluation.bits())
                : String.format(Locale.ROOT, ", test accuracy %.4f", s.testAccuracy());
        String ema = lastEma == null ? ""
                : lastEma.perToken() ? String.format(Locale.ROOT, " (model EMA %.4f: the weights the run keeps)", lastEma.bits())
                : String.format(Locale.ROOT, " (model EMA %.4f: the weights the run keeps)", lastEma.accuracy());
        out.printf(Locale.ROOT, "done: %d steps (%d this run, %d skipped) in %.1f s%s%s%s%n  params_sha256 %s%n",
                s.steps(), s.stepsThisRun(), s.skippedSteps(), s.wallSeconds(), loss, test, ema, s.paramsSha256());
    }
}
