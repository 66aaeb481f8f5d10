package org.adanspark.spark.train;

import java.util.List;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.runtime.TaskCompute;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Evaluates on the test data at the end of each epoch but the last (when asked) and after the last step,
 * and hands the results to the listeners; the final accuracy goes into the run's summary. A run with a
 * model EMA evaluates the averaged weights, assembled from the driver's optimizer shards, as well.
 */
final class EvaluationCadence implements StepCadence {

    private final JavaSparkContext jsc;
    private final TrainingRun run;
    private final BlockDataset test;
    private final boolean everyEpoch;
    private final TaskCompute compute;
    private final List<TrainingListener> listeners;
    private double finalAccuracy = Double.NaN;
    private double finalEmaAccuracy = Double.NaN;

    /**
     * @param jsc the Spark context
     * @param run the run
     * @param test the test blocks, or null (nothing is evaluated)
     * @param everyEpoch whether to evaluate at each epoch's end too
     * @param compute the threads and BLAS kernel each task computes with
     * @param listeners who receives the results
     */
    EvaluationCadence(JavaSparkContext jsc, TrainingRun run, BlockDataset test, boolean everyEpoch, TaskCompute compute,
                      List<TrainingListener> listeners) {
        this.jsc = jsc;
        this.run = run;
        this.test = test;
        this.everyEpoch = everyEpoch;
        this.compute = compute;
        this.listeners = listeners;
    }

    @Override
    public void afterStep(long done, int epoch, boolean epochEnd, float[] theta, long skippedLoss) {
        if (epochEnd && test != null && everyEpoch && done < run.totalSteps()) {
            jsc.setJobDescription("adan-train evaluation after epoch " + (epoch + 1));
            String what = "the evaluation after epoch " + (epoch + 1);
            Evaluator.Result eval = evaluate(what, theta);
            Evaluator.Result ema = run.ema() ? evaluate(what + " (model EMA)", run.emaParams()) : null;
            listeners.forEach(l -> l.onEvaluation(epoch, done, eval, ema));
        }
    }

    private Evaluator.Result evaluate(String what, float[] params) {
        return SparkFailure.during(what, run.checkpoints(), () -> Evaluator.evaluate(jsc, test, run.model(), params, compute));
    }

    @Override
    public void afterRun(long done, float[] theta, long skippedLoss) {
        if (test == null) {
            return;
        }
        jsc.setJobDescription("adan-train final evaluation");
        Evaluator.Result eval = evaluate("the final evaluation", theta);
        Evaluator.Result ema = run.ema() ? evaluate("the final evaluation (model EMA)", run.emaParams()) : null;
        finalAccuracy = eval.accuracy();
        finalEmaAccuracy = ema == null ? Double.NaN : ema.accuracy();
        int lastEpoch = (int) ((done - 1) / run.plan().stepsPerEpoch());
        listeners.forEach(l -> l.onEvaluation(lastEpoch, done, eval, ema));
    }

    /** @return the final evaluation's accuracy at θ, NaN without test data */
    double finalAccuracy() {
        return finalAccuracy;
    }

    /** @return the final evaluation's accuracy at the model EMA's weights, NaN without an EMA or test data */
    double finalEmaAccuracy() {
        return finalEmaAccuracy;
    }
}
