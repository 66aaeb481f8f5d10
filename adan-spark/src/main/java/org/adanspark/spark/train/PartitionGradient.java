package org.adanspark.spark.train;

import org.adanspark.spark.comm.FaultInjector;
import org.adanspark.spark.comm.GradientSource;
import org.adanspark.spark.comm.PartialSum;
import org.adanspark.spark.data.FeatureBlock;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One step's work on one partition: set the pooled network's parameters from the broadcast θ, walk the
 * partition's share of the global batch in micro-batches, and sum the loss gradient.
 *
 * <p>DL4J's {@code computeGradientAndScore} returns the gradient of the <em>summed</em> loss over the
 * micro-batch (its updater divides by the batch size later) and the <em>mean</em> loss as the score,
 * so gradients are added as they come and the score is weighted by the micro-batch size. Dropout draws
 * from ND4J's per-thread generator, reseeded from (seed, step, partition, micro-batch) each time, so a
 * retried task reproduces its masks. ND4J computes with the run's fixed thread count
 * ({@link ComputeThreads}), so the sum's bits do not depend on the executor's cores. Under Spark GPU scheduling the task first binds its thread to the
 * GPU it was assigned ({@link TaskDevice}), and borrows a network that lives on that device.
 */
final class PartitionGradient implements GradientSource {

    private static final long serialVersionUID = 1L;

    private final Broadcast<float[]> theta;
    private final int numParams;
    private final ModelHandle model;
    private final int numOutputs;
    private final int microBatch;
    private final long seed;
    private final int epoch;
    private final int stepInEpoch;
    private final long globalStep;
    private final EpochPlan plan;
    private final FaultInjector faults;
    private final int computeThreads;

    PartitionGradient(Broadcast<float[]> theta, int numParams, ModelHandle model, int numOutputs, int microBatch,
                      long seed, int epoch, int stepInEpoch, long globalStep, EpochPlan plan, FaultInjector faults,
                      int computeThreads) {
        this.theta = theta;
        this.numParams = numParams;
        this.model = model;
        this.numOutputs = numOutputs;
        this.microBatch = microBatch;
        this.seed = seed;
        this.epoch = epoch;
        this.stepInEpoch = stepInEpoch;
        this.globalStep = globalStep;
        this.plan = plan;
        this.faults = faults;
        this.computeThreads = computeThreads;
    }

    @Override
    public int numParams() {
        return numParams;
    }

    @Override
    public PartialSum compute(FeatureBlock block) {
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
            int dim = block.dim();
            ComputeThreads.apply(computeThreads);
            int device = TaskDevice.bindCurrentTask();
            try (ModelHandle.Lease lease = model.lease(theta.value(), device)) {
                MultiLayerNetwork net = lease.network();
                INDArray acc = null;
                int mb = 0;
                for (int from = range[0]; from < range[1]; from += microBatch, mb++) {
                    int to = Math.min(from + microBatch, range[1]);
                    int m = to - from;
                    float[] x = new float[m * dim];
                    float[] y = new float[m * numOutputs];
                    block.gather(order, from, to, numOutputs, x, y);
                    Nd4j.getRandom().setSeed(EpochPlan.mix(seed, globalStep, p, mb));
                    net.setInput(Nd4j.create(x, new long[] {m, dim}, 'c'));
                    net.setLabels(Nd4j.create(y, new long[] {m, numOutputs}, 'c'));
                    net.computeGradientAndScore();
                    loss += net.score() * m;
                    INDArray g = net.getFlattenedGradients();
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
