package org.adanspark.spark.train;

import java.io.Serializable;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.FeatureBlock;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A classifier's accuracy and mean log-loss on a cached data set, computed where the blocks live: each
 * partition runs its rows through a pooled network and sends back two numbers.
 */
public final class Evaluator {

    private static final int BATCH = 1024;
    /** Probabilities are floored here before the log, so a confident miss costs ln(1e-30) ≈ 69 nats, not ∞. */
    private static final double MIN_PROBABILITY = 1e-30;

    /**
     * What an evaluation measured.
     *
     * @param accuracy the fraction of rows whose arg-max prediction equals the label
     * @param logLoss the mean of −ln p(label) over the rows, in nats (divide by ln 2 for bits)
     */
    public record Result(double accuracy, double logLoss) implements Serializable {
        /** @return the mean log-loss in bits, e.g. bits per character for a character model */
        public double bits() {
            return logLoss / Math.log(2);
        }
    }

    private Evaluator() {
    }

    /**
     * @param jsc the Spark context
     * @param data the data set
     * @param modelJson the network configuration
     * @param params θ
     * @return the fraction of rows whose arg-max prediction equals the label
     */
    public static double accuracy(JavaSparkContext jsc, BlockDataset data, String modelJson, float[] params) {
        ModelHandle model = ModelHandle.ofJson(modelJson);
        return evaluate(jsc, data, model, params, ComputeThreads.resolve(0, jsc.getConf())).accuracy();
    }

    /**
     * @param jsc the Spark context
     * @param data a classification data set
     * @param modelJson the network configuration; its output layer gives class probabilities
     * @param params θ
     * @return accuracy and mean log-loss over all rows
     */
    public static Result evaluate(JavaSparkContext jsc, BlockDataset data, String modelJson, float[] params) {
        return evaluate(jsc, data, ModelHandle.ofJson(modelJson), params, ComputeThreads.resolve(0, jsc.getConf()));
    }

    /**
     * @param jsc the Spark context
     * @param data a classification data set
     * @param model the network; its output layer gives class probabilities
     * @param params θ
     * @param computeThreads ND4J threads per task ({@link ComputeThreads})
     * @return accuracy and mean log-loss over all rows
     */
    public static Result evaluate(JavaSparkContext jsc, BlockDataset data, ModelHandle model, float[] params,
                                  int computeThreads) {
        Broadcast<float[]> theta = jsc.broadcast(params.clone());
        try {
            double[] sums = data.blocks().map(block -> sums(block, model, theta.value(), computeThreads))
                    .reduce((a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
            return new Result(sums[0] / data.rows(), sums[1] / data.rows());
        } finally {
            theta.destroy();
        }
    }

    /**
     * One block's share of an evaluation: what each task of either execution computes.
     *
     * @param block the block
     * @param model the network
     * @param params θ
     * @param computeThreads ND4J threads
     * @return {correct predictions, summed −ln p(label)} over the block
     */
    public static double[] sums(FeatureBlock block, ModelHandle model, float[] params, int computeThreads) {
        if (block.rows() == 0) {
            return new double[2];
        }
        ComputeThreads.apply(computeThreads);
        int device = TaskDevice.bindCurrentTask();
        try (ModelHandle.Lease lease = model.lease(params, device)) {
            MultiLayerNetwork net = lease.network();
            int dim = block.dim();
            long correct = 0;
            double logLoss = 0;
            for (int from = 0; from < block.rows(); from += BATCH) {
                int m = Math.min(BATCH, block.rows() - from);
                float[] x = new float[m * dim];
                System.arraycopy(block.features(), from * dim, x, 0, m * dim);
                INDArray out = net.output(Nd4j.create(x, new long[] {m, dim}, 'c'), false);
                INDArray predicted = out.argMax(1);
                for (int i = 0; i < m; i++) {
                    int label = (int) block.labels()[from + i];
                    if (predicted.getInt(i) == label) {
                        correct++;
                    }
                    logLoss -= Math.log(Math.max(out.getDouble(i, label), MIN_PROBABILITY));
                }
            }
            return new double[] {correct, logLoss};
        }
    }
}
