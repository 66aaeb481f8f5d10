package org.adanspark.spark.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * A run's listeners, each step and each evaluation heard once. A run that continues from its newest checkpoint
 * within the same command — a new barrier stage after Spark gave up on one, the switch to the jobs execution
 * when task slots are lost (docs/CLUSTER.md, "Failures" and "Lost capacity") — takes the steps after that
 * checkpoint again, to the same bits; their reports would repeat lines the console and the metrics file already
 * hold, so they are dropped here. Everything else passes through.
 */
public final class ReportedOnce implements TrainingListener {

    private final List<TrainingListener> listeners;
    private final List<Double> losses = new ArrayList<>();
    private long lastStep = Long.MIN_VALUE;
    private long lastEvaluation = Long.MIN_VALUE;

    /**
     * @param listeners the run's listeners, in the order they hear each event
     */
    public ReportedOnce(List<TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onStart(long stepsPerEpoch, long totalSteps) {
        listeners.forEach(l -> l.onStart(stepsPerEpoch, totalSteps));
    }

    @Override
    public void onResume(String location, long step) {
        listeners.forEach(l -> l.onResume(location, step));
    }

    @Override
    public void onStep(StepMetrics m) {
        if (m.step() <= lastStep) {
            return; // taken again after a continuation: reported already
        }
        lastStep = m.step();
        losses.add(m.loss());
        listeners.forEach(l -> l.onStep(m));
    }

    /** @return the mean training loss of every step heard, in step order: the run's history, each step once */
    public List<Double> losses() {
        return List.copyOf(losses);
    }

    /** @return the last step's loss, NaN when no step was heard */
    public double lastLoss() {
        return losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1);
    }

    @Override
    public void onEvaluation(int epoch, long step, EvaluationResult test) {
        onEvaluation(epoch, step, test, null);
    }

    @Override
    public void onEvaluation(int epoch, long step, EvaluationResult test, EvaluationResult ema) {
        if (step <= lastEvaluation) {
            return;
        }
        lastEvaluation = step;
        listeners.forEach(l -> l.onEvaluation(epoch, step, test, ema));
    }

    @Override
    public void onFinish(RunSummary summary) {
        listeners.forEach(l -> l.onFinish(summary));
    }

    @Override
    public void close() {
        listeners.forEach(TrainingListener::close);
    }
}
