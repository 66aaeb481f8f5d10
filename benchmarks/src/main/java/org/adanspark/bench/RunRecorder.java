package org.adanspark.bench;

import java.util.ArrayList;
import java.util.List;
import org.adanspark.spark.metrics.EvaluationResult;
import org.adanspark.spark.metrics.RunSummary;
import org.adanspark.spark.metrics.StepMetrics;
import org.adanspark.spark.metrics.TrainingListener;

/** Records a training run's steps and evaluations against wall time since it was created. */
final class RunRecorder implements TrainingListener {

    /** One step: its number, epoch, mean training loss and the wall time when it finished. */
    record Step(long step, int epoch, double loss, double wallSeconds, StepMetrics metrics) {
    }

    /** One evaluation on the held-out split, after {@code step} steps. */
    record Evaluation(int epoch, long step, double wallSeconds, double accuracy, double logLoss) {
    }

    private final long start = System.nanoTime();
    private final List<Step> steps = new ArrayList<>();
    private final List<Evaluation> evaluations = new ArrayList<>();
    private RunSummary summary;

    @Override
    public void onStep(StepMetrics m) {
        steps.add(new Step(m.step(), m.epoch(), m.loss(), seconds(), m));
    }

    @Override
    public void onEvaluation(int epoch, long step, EvaluationResult test) {
        evaluations.add(new Evaluation(epoch, step, seconds(), test.accuracy(), test.logLoss()));
    }

    @Override
    public void onFinish(RunSummary s) {
        summary = s;
    }

    private double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /** @return every step so far */
    List<Step> steps() {
        return steps;
    }

    /** @return every evaluation so far */
    List<Evaluation> evaluations() {
        return evaluations;
    }

    /** @return the run's summary, null until it finished */
    RunSummary summary() {
        return summary;
    }
}
