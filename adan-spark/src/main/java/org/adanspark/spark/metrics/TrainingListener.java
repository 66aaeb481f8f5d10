package org.adanspark.spark.metrics;


/**
 * Receives a run's progress on the driver: console progress and the JSON-lines file are two of these.
 */
public interface TrainingListener extends AutoCloseable {

    /**
     * After every step.
     *
     * @param m the step's metrics
     */
    void onStep(StepMetrics m);

    /**
     * Once, before the first step: the plan of the run.
     *
     * @param stepsPerEpoch steps in a whole epoch
     * @param totalSteps steps of the whole run (fewer than the epochs' when {@code --max-steps} stops it)
     */
    default void onStart(long stepsPerEpoch, long totalSteps) {
    }

    /**
     * Once, before the first step, when the run continues from a checkpoint.
     *
     * @param location the checkpoint
     * @param step steps it had done
     */
    default void onResume(String location, long step) {
    }

    /**
     * After an evaluation on the test split at the end of an epoch.
     *
     * @param epoch 0-based epoch just finished
     * @param step steps done
     * @param testAccuracy accuracy on the test split
     */
    default void onEpoch(int epoch, long step, double testAccuracy) {
    }

    /**
     * After an evaluation on the test split at the end of an epoch, with the test log-loss as well; the
     * trainer calls this, and by default it passes the accuracy on to {@link #onEpoch}.
     *
     * @param epoch 0-based epoch just finished
     * @param step steps done
     * @param test accuracy and mean log-loss on the test split
     */
    default void onEvaluation(int epoch, long step, EvaluationResult test) {
        onEpoch(epoch, step, test.accuracy());
    }

    /**
     * After an evaluation on the test split, of the last step's parameters and, when the run keeps a model
     * EMA, of the averaged ones; the trainer calls this, and by default it passes the last step's result on
     * to {@link #onEvaluation(int, long, EvaluationResult)}.
     *
     * @param epoch 0-based epoch just finished
     * @param step steps done
     * @param test the last step's parameters' accuracy and mean log-loss
     * @param ema the model EMA's, or null when the run keeps none
     */
    default void onEvaluation(int epoch, long step, EvaluationResult test, EvaluationResult ema) {
        onEvaluation(epoch, step, test);
    }

    /**
     * Once, at the end of the run.
     *
     * @param summary the run's outcome
     */
    void onFinish(RunSummary summary);

    /** Releases files; no exception. */
    @Override
    default void close() {
    }
}
