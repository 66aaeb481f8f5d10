package org.adanspark.spark.train;

/**
 * How one optimizer step runs: the gradient of the step's examples, its reduction, and the optimizer's
 * update of θ and its state. {@link JobExecution}'s loop calls this port once per step and does everything
 * else (schedule, metrics, checkpoint and evaluation cadences) itself; {@link JobStepExecutor} runs a Spark
 * job per step with the optimizer on the driver (docs/ARCHITECTURE.md, "One step").
 */
public interface StepExecutor {

    /**
     * Runs one step.
     *
     * @param step the step, counted from 0 over the whole run
     * @param epoch its epoch, from 0
     * @param stepInEpoch its position in the epoch, from 0
     * @param lr the schedule's learning rate for it
     * @param theta the parameters, updated in place
     * @return what the step did
     * @throws TrainingException when the step cannot be taken (a non-finite loss or gradient that the
     *     policy does not skip, a job Spark gave up on)
     */
    StepOutcome step(long step, int epoch, int stepInEpoch, double lr, float[] theta);

    /**
     * What one step did, with the time it took split as the metrics report it.
     *
     * @param loss the mean training loss of the step's examples
     * @param examples how many examples the step used
     * @param skipped whether the update was skipped (non-finite loss or gradient under the skip policy)
     * @param computeMs the slowest partition's gradient computation
     * @param reduceMs the rest of the gradient job: launch, serialisation, shuffle, sums, collect
     * @param updateMs the optimizer's update
     * @param broadcastMs making θ available to the tasks and releasing it
     * @param driverBytesIn gradient bytes the driver received
     * @param driverBytesOut parameter bytes the driver sent
     * @param wallNanos the whole step
     */
    record StepOutcome(double loss, long examples, boolean skipped, double computeMs, double reduceMs, double updateMs,
                       double broadcastMs, long driverBytesIn, long driverBytesOut, long wallNanos) {
    }
}
