package org.adanspark.spark.train;

/**
 * Something the trainer does between steps at its own cadence — a checkpoint every K steps, an evaluation
 * at each epoch's end — and once more after the last step. Cadences run in the order the trainer lists
 * them, after the step's metrics have gone to the listeners.
 */
interface StepCadence {

    /**
     * @param done steps completed so far (the step just taken, counted from 1)
     * @param epoch that step's epoch, from 0
     * @param epochEnd whether it was the last step of its epoch
     * @param theta the parameters after it
     * @param skippedLoss steps skipped so far for a non-finite loss
     */
    void afterStep(long done, int epoch, boolean epochEnd, float[] theta, long skippedLoss);

    /**
     * @param done steps completed in all (the run's last step, counted from 1)
     * @param theta the final parameters
     * @param skippedLoss steps skipped for a non-finite loss
     */
    void afterRun(long done, float[] theta, long skippedLoss);
}
