package org.adanspark.spark.train;

import java.util.List;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.metrics.TrainingListener;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Evaluates on the test data at the end of each epoch but the last (when asked) and after the last step,
 * and hands the results to the listeners; the final accuracy goes into the run's summary.
 */
final class EvaluationCadence implements StepCadence {

    private final JavaSparkContext jsc;
    private final TrainingRun run;
    private final BlockDataset test;
    private final boolean everyEpoch;
    private final int threads;
    private final List<TrainingListener> listeners;
    private double finalAccuracy = Double.NaN;

    /**
     * @param jsc the Spark context
     * @param run the run
     * @param test the test blocks, or null (nothing is evaluated)
     * @param everyEpoch whether to evaluate at each epoch's end too
     * @param threads compute threads per task
     * @param listeners who receives the results
     */
    EvaluationCadence(JavaSparkContext jsc, TrainingRun run, BlockDataset test, boolean everyEpoch, int threads,
                      List<TrainingListener> listeners) {
        this.jsc = jsc;
        this.run = run;
        this.test = test;
        this.everyEpoch = everyEpoch;
        this.threads = threads;
        this.listeners = listeners;
    }

    @Override
    public void afterStep(long done, int epoch, boolean epochEnd, float[] theta, long skippedLoss) {
        if (epochEnd && test != null && everyEpoch && done < run.totalSteps()) {
            jsc.setJobDescription("adan-train evaluation after epoch " + (epoch + 1));
            Evaluator.Result eval = SparkFailure.during("the evaluation after epoch " + (epoch + 1), run.checkpoints(),
                    () -> Evaluator.evaluate(jsc, test, run.model(), theta, threads));
            listeners.forEach(l -> l.onEvaluation(epoch, done, eval));
        }
    }

    @Override
    public void afterRun(long done, float[] theta, long skippedLoss) {
        if (test == null) {
            return;
        }
        jsc.setJobDescription("adan-train final evaluation");
        Evaluator.Result eval = SparkFailure.during("the final evaluation", run.checkpoints(),
                () -> Evaluator.evaluate(jsc, test, run.model(), theta, threads));
        finalAccuracy = eval.accuracy();
        int lastEpoch = (int) ((done - 1) / run.plan().stepsPerEpoch());
        listeners.forEach(l -> l.onEvaluation(lastEpoch, done, eval));
    }

    /** @return the final evaluation's accuracy, NaN without test data */
    double finalAccuracy() {
        return finalAccuracy;
    }
}
