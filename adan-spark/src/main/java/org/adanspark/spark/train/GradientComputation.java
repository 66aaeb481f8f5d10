package org.adanspark.spark.train;

import java.io.Serializable;
import org.adanspark.spark.comm.FaultInjector;
import org.adanspark.spark.comm.PartialSum;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.runtime.ComputeThreads;
import org.adanspark.spark.runtime.TaskCompute;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One partition's gradient for one step, given θ: walk the partition's share of the global batch in
 * micro-batches through a pooled network of the model, and sum the loss gradient. Both executions run
 * this, so a partition contributes the same bits whether θ came by broadcast ({@code jobs}) or was
 * gathered in the task ({@code barrier}).
 *
 * <p>DL4J's {@code computeGradientAndScore} returns the gradient of the <em>summed</em> loss over the
 * micro-batch (its updater divides by the batch size later) and the <em>mean</em> loss as the score, so
 * gradients are added as they come and the score is weighted by the micro-batch size. For token windows
 * DL4J's score sums the loss over a window's positions; the reported loss is divided by the positions
 * (nats per token), the gradient is left as DL4J gives it. Dropout draws from
 * ND4J's per-thread generator, reseeded from (seed, step, partition, micro-batch) each time, so a retried
 * task reproduces its masks. ND4J computes with the run's fixed thread count ({@link ComputeThreads}), so
 * the sum's bits do not depend on the executor's cores. Under Spark GPU scheduling the task first binds
 * its thread to the GPU it was assigned ({@link TaskDevice}), and borrows a network that lives on that
 * device.
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
            compute.enter();
            int device = TaskDevice.bindCurrentTask();
            try (ModelHandle.Lease lease = model.lease(theta, device)) {
                Network net = lease.network();
                INDArray acc = null;
                int mb = 0;
                for (int from = range[0]; from < range[1]; from += microBatch, mb++) {
                    int to = Math.min(from + microBatch, range[1]);
                    int m = to - from;
                    float[] x = new float[m * width];
                    float[] y = new float[m * numOutputs * positions];
                    block.gather(order, from, to, numOutputs, x, y);
                    Nd4j.getRandom().setSeed(EpochPlan.mix(seed, globalStep, p, mb));
                    long[] labelShape = positions == 1 ? new long[] {m, numOutputs} : new long[] {m, numOutputs, positions};
                    double score = net.computeGradientAndScore(model.input(x, m), Nd4j.create(y, labelShape, 'c'));
                    loss += score * m / positions; // a token window's score sums its positions: report per token
                    INDArray g = net.gradients();
                    if (acc == null) {
                        acc = g.dup();
                    } else {
                        acc.addi(g);
                    }
                }
                sum = acc.toFloatVector();
            }
        }
        faults.maybeFail("gradient", globalStep);
        return new PartialSum(p, sum, loss, n, System.nanoTime() - start);
    }
}
