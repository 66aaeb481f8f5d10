package org.adanspark.spark.jobs;

import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.step.GradientComputation;
import org.adanspark.spark.step.PartialSum;
import org.apache.spark.broadcast.Broadcast;

/**
 * One {@code jobs} step's work on one partition: the {@link GradientComputation} at the broadcast θ. Both
 * are broadcasts, so a task carries neither the model nor θ: each executor fetches the computation once per
 * run and θ once per step.
 */
final class PartitionGradient implements GradientSource {

    private static final long serialVersionUID = 3L;

    private final Broadcast<float[]> theta;
    private final Broadcast<GradientComputation> computation;
    private final int epoch;
    private final int stepInEpoch;
    private final long globalStep;

    PartitionGradient(Broadcast<float[]> theta, Broadcast<GradientComputation> computation, int epoch, int stepInEpoch,
                      long globalStep) {
        this.theta = theta;
        this.computation = computation;
        this.epoch = epoch;
        this.stepInEpoch = stepInEpoch;
        this.globalStep = globalStep;
    }

    @Override
    public int numParams() {
        return computation.value().numParams();
    }

    @Override
    public PartialSum compute(FeatureBlock block) {
        return computation.value().compute(block, theta.value(), epoch, stepInEpoch, globalStep);
    }
}
