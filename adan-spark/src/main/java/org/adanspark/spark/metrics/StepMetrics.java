package org.adanspark.spark.metrics;

/**
 * What one training step did and where its time went. In the {@code jobs} execution times are wall-clock
 * on the driver, except {@code computeMs}, the slowest partition's gradient computation measured on its
 * executor; {@code reduceMs} is the all-reduce job's time less that (task launch, serialisation, shuffle,
 * the summation, the driver's collect). In the {@code barrier} execution they are measured by task 0:
 * {@code reduceMs} is the reduce-scatter beyond the slowest computation, {@code updateMs} the statistics
 * exchange and the update of task 0's shards, {@code broadcastMs} the all-gather of θ.
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
 * @param stepMs the step's wall time, from its start to θ ready for the next step
 */
public record StepMetrics(long step, long totalSteps, int epoch, double loss, double lr, long examples,
                          double examplesPerSec, double computeMs, double reduceMs, double updateMs,
                          double broadcastMs, long driverBytesIn, long driverBytesOut, boolean skipped,
                          double stepMs) {

    /** @return the step's time beyond the gradient computation and the update: what distribution costs */
    public double overheadMs() {
        return stepMs - computeMs - updateMs;
    }
}
