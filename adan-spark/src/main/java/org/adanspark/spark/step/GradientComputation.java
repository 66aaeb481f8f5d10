package org.adanspark.spark.step;

import java.io.Serializable;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.Replica;
import org.adanspark.spark.runtime.TaskCompute;

/**
 * One partition's gradient for one step, given θ: walk the partition's share of the global batch in
 * micro-batches through a replica of the model leased from the executor's pool ({@link ModelHandle#lease}),
 * and sum the loss gradient. Both executions run this, so a partition contributes the same bits whether θ
 * came by broadcast ({@code jobs}) or was gathered in the task ({@code barrier}).
 *
 * <p>The replica adds up the gradient of each micro-batch's summed loss; the loss reported is nats per
 * prediction (per token for token windows). Random draws (dropout) are seeded from (seed, step,
 * partition, micro-batch) each time, so a retried task reproduces its masks. The task computes with the
 * run's fixed thread count and BLAS kernel ({@link TaskCompute}), so the sum's bits do not depend on the
 * executor's cores or processor.
 *
 * @param model the model
 * @param numParams the length of θ
 * @param numOutputs the network's outputs (label width)
 * @param microBatch examples per forward/backward pass
 * @param seed the run's seed
 * @param plan which examples each step uses
 * @param faults injected failures (tests), usually none
 * @param compute the threads and BLAS kernel each task computes with
 */
public record GradientComputation(ModelHandle model, int numParams, int numOutputs, int microBatch, long seed,
                                  EpochPlan plan, FaultInjector faults, TaskCompute compute) implements Serializable {

    /**
     * @param block the partition's examples
     * @param theta the step's parameters
     * @param epoch the step's epoch, from 0
     * @param stepInEpoch its position in the epoch, from 0
     * @param globalStep the step, from 0 over the run
     * @return the gradient sum keyed by the block's partition: zeros when the partition has no examples in
     *     this step (every partition always contributes, which keeps the sum's shape fixed)
     */
    public PartialSum compute(FeatureBlock block, float[] theta, int epoch, int stepInEpoch, long globalStep) {
        long start = System.nanoTime();
        if (block.problem() != null) { // rebuilt on an executor that could not read the source
            throw new IllegalStateException(block.problem());
        }
        int p = block.partition();
        int[] range = plan.range(p, stepInEpoch);
        int n = range[1] - range[0];
        float[] sum;
        double loss = 0;
        if (n == 0) {
            sum = new float[numParams];
        } else {
            int[] order = EpochPlan.order(seed, epoch, p, block.rows());
            int width = block.inputWidth();
            int positions = block.positions();
            model.runtime().enter(compute);
            try (Replica replica = model.lease(theta)) {
                int mb = 0;
                for (int from = range[0]; from < range[1]; from += microBatch, mb++) {
                    int to = Math.min(from + microBatch, range[1]);
                    int m = to - from;
                    float[] x = new float[m * width];
                    float[] y = new float[m * numOutputs * positions];
                    block.gather(order, from, to, numOutputs, x, y);
                    loss += replica.addGradient(x, y, m, positions, EpochPlan.mix(seed, globalStep, p, mb));
                }
                sum = replica.gradientSum();
            }
        }
        faults.maybeFail("gradient", globalStep);
        return new PartialSum(p, sum, loss, n, System.nanoTime() - start);
    }
}
