package org.adanspark.spark.metrics;

import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training progress in the log rather than on the console, for runs started from code (the ML
 * estimators): one INFO line at most every {@code interval}, and at the last step.
 */
public final class LogProgress implements TrainingListener {

    private static final Logger LOG = LoggerFactory.getLogger(LogProgress.class);

    private final String who;
    private final long intervalNanos;
    private long lastLog = Long.MIN_VALUE / 2;

    /**
     * @param who what is training, e.g. an estimator's uid
     * @param interval least time between lines
     */
    public LogProgress(String who, Duration interval) {
        this.who = who;
        this.intervalNanos = interval.toNanos();
    }

    @Override
    public void onStep(StepMetrics m) {
        long now = System.nanoTime();
        if (now - lastLog < intervalNanos && m.step() != m.totalSteps()) {
            return;
        }
        lastLog = now;
        if (LOG.isInfoEnabled()) {
            LOG.info(String.format(Locale.ROOT, "%s: step %d/%d  epoch %d  loss %.4f  lr %.2e  %,.0f ex/s%s", who,
                    m.step(), m.totalSteps(), m.epoch() + 1, m.loss(), m.lr(), m.examplesPerSec(),
                    m.skipped() ? "  (skipped: non-finite)" : ""));
        }
    }

    @Override
    public void onResume(String location, long step) {
        LOG.info("{}: resumed from {} at step {}", who, location, step);
    }

    @Override
    public void onFinish(RunSummary s) {
        LOG.info(String.format(Locale.ROOT, "%s: done, %d steps in %.1f s, final loss %.4f, params_sha256 %s", who,
                s.steps(), s.wallSeconds(), s.finalLoss(), s.paramsSha256()));
    }
}
