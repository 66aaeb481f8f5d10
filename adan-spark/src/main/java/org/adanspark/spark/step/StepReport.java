package org.adanspark.spark.step;

import org.adanspark.spark.metrics.StepMetrics;

/**
 * What one step did and where its time went, as the execution that took it measured: the same record for
 * both executions, turned into the listeners' {@link StepMetrics} in one place ({@link #metrics}). In the
 * {@code jobs} execution the driver measures it (the gradient job, the update, the broadcast); in the
 * {@code barrier} execution task 0 does (the reduce-scatter, the exchange and its shards' update, the
 * all-gather of θ) and sends it to the driver, which fills in the bytes it received.
 *
 * @param loss the mean training loss of the step's examples
 * @param examples how many examples the step used
 * @param skipped whether the update was skipped (a non-finite loss or gradient under the skip policy)
 * @param lr the learning rate of the step
 * @param computeMs the slowest partition's gradient computation
 * @param reduceMs the gradient's reduction beyond that computation
 * @param updateMs the optimizer's update (with the statistics exchange, in the barrier execution)
 * @param syncMs sharing θ: the broadcast (jobs) or the all-gather (barrier)
 * @param stepMs the whole step, from its start to θ ready for the next
 * @param driverBytesIn bytes the driver received for the step
 * @param driverBytesOut bytes the driver sent for it
 */
public record StepReport(double loss, long examples, boolean skipped, double lr, double computeMs, double reduceMs,
                         double updateMs, double syncMs, double stepMs, long driverBytesIn, long driverBytesOut) {

    /**
     * @param bytesIn bytes the driver received
     * @param bytesOut bytes the driver sent
     * @return this report with the driver's traffic
     */
    public StepReport withDriverBytes(long bytesIn, long bytesOut) {
        return new StepReport(loss, examples, skipped, lr, computeMs, reduceMs, updateMs, syncMs, stepMs, bytesIn,
                bytesOut);
    }

    /**
     * @param done steps done, this one included
     * @param totalSteps steps in the run
     * @param epoch the step's epoch, from 0
     * @return the metrics the listeners receive
     */
    public StepMetrics metrics(long done, long totalSteps, int epoch) {
        return new StepMetrics(done, totalSteps, epoch, loss, lr, examples, examples / (stepMs / 1e3), computeMs,
                reduceMs, updateMs, syncMs, driverBytesIn, driverBytesOut, skipped, stepMs);
    }
}
