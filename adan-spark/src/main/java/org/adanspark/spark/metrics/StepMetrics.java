package org.adanspark.spark.metrics;

/**
 * What one training step did and where its time went. Times are wall-clock on the driver, except
 * {@code computeMs}, the slowest partition's gradient computation measured on its executor;
 * {@code reduceMs} is the all-reduce job's time less that (task launch, serialisation, shuffle, the
 * summation, the driver's collect).
 *
 * @param step 1-based count of steps done, this one included
 * @param totalSteps steps the run will take
 * @param epoch 0-based epoch of the step
 * @param loss mean training loss over the step's examples
 * @param lr learning rate applied
 * @param examples examples in the step's global batch
 * @param examplesPerSec examples over the step's wall time
 * @param computeMs slowest partition's gradient computation
 * @param reduceMs all-reduce time beyond the computation
 * @param updateMs the optimizer update on the driver
 * @param broadcastMs creating and destroying the θ broadcast
 * @param driverBytesIn gradient bytes the driver received
 * @param driverBytesOut parameter bytes the driver broadcast
 * @param skipped whether the update was skipped (non-finite loss or gradient under the skip policy)
 */
public record StepMetrics(long step, long totalSteps, int epoch, double loss, double lr, long examples,
                          double examplesPerSec, double computeMs, double reduceMs, double updateMs,
                          double broadcastMs, long driverBytesIn, long driverBytesOut, boolean skipped) {

    /** @return the step's wall time in ms, as the sum of its parts */
    public double wallMs() {
        return computeMs + reduceMs + updateMs + broadcastMs;
    }
}
