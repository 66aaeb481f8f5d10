package org.adanspark.spark.step;

import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.data.LabelKind;
import org.adanspark.spark.metrics.EvaluationResult;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.Replica;
import org.adanspark.spark.runtime.TaskCompute;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A classifier's accuracy and mean log-loss on a cached data set, computed where the blocks live: each
 * partition runs its rows through a replica of the model (the compute-backend port) and sends back three
 * numbers. A language model over token windows is scored per position: accuracy of the next-token guess and
 * bits per token (per character for a character model).
 */
public final class Evaluator {

    private static final int BATCH = 1024;
    /** Probabilities are floored here before the log, so a confident miss costs ln(1e-30) ≈ 69 nats, not ∞. */
    private static final double MIN_PROBABILITY = 1e-30;

    private Evaluator() {
    }

    /**
     * @param jsc the Spark context
     * @param data the data set
     * @param model the model
     * @param params θ
     * @return the fraction of rows whose arg-max prediction equals the label
     */
    public static double accuracy(JavaSparkContext jsc, BlockDataset data, ModelHandle model, float[] params) {
        return evaluate(jsc, data, model, params, TaskCompute.of(jsc.getConf())).accuracy();
    }

    /**
     * @param jsc the Spark context
     * @param data a classification data set
     * @param model the model; its output gives
     *     class probabilities
     * @param params θ
     * @return accuracy and mean log-loss over all rows
     */
    public static EvaluationResult evaluate(JavaSparkContext jsc, BlockDataset data, ModelHandle model, float[] params) {
        return evaluate(jsc, data, model, params, TaskCompute.of(jsc.getConf()));
    }

    /**
     * @param jsc the Spark context
     * @param data a classification data set
     * @param model the network; its output layer gives class probabilities
     * @param params θ
     * @param compute the threads and BLAS kernel each task computes with
     * @return accuracy and mean log-loss over all rows
     */
    public static EvaluationResult evaluate(JavaSparkContext jsc, BlockDataset data, ModelHandle model, float[] params,
                                  TaskCompute compute) {
        Broadcast<float[]> theta = jsc.broadcast(params.clone());
        try {
            double[] sums = data.blocks().map(block -> sums(block, model, theta.value(), compute))
                    .reduce(Evaluator::add);
            return EvaluationResult.of(sums, data.labelKind() == LabelKind.NEXT_TOKEN);
        } finally {
            Broadcasts.destroy(theta);
        }
    }

    /**
     * Adds one share of an evaluation's sums into another: how blocks' and tasks' {@link #sums} combine.
     *
     * @param total the running sums, added to
     * @param part a block's or a task's sums
     * @return {@code total}
     */
    public static double[] add(double[] total, double[] part) {
        for (int i = 0; i < total.length; i++) {
            total[i] += part[i];
        }
        return total;
    }

    /**
     * One block's share of an evaluation: what each task of either execution computes.
     *
     * @param block the block
     * @param model the network
     * @param params θ
     * @param compute the threads and BLAS kernel to compute with
     * @return {correct predictions, summed −ln p(label), predictions} over the block: one prediction per
     *     row, or one per position of a token window
     */
    public static double[] sums(FeatureBlock block, ModelHandle model, float[] params, TaskCompute compute) {
        if (block.rows() == 0) {
            return new double[3];
        }
        model.runtime().enter(compute);
        try (Replica replica = model.lease(params)) {
            int width = block.inputWidth();
            int positions = block.positions();
            int dim = block.dim();
            int batch = Math.max(1, BATCH / positions);
            long correct = 0;
            double logLoss = 0;
            for (int from = 0; from < block.rows(); from += batch) {
                int m = Math.min(batch, block.rows() - from);
                float[] x = new float[m * width];
                for (int r = 0; r < m; r++) {
                    System.arraycopy(block.features(), (from + r) * dim, x, r * width, width);
                }
                // [m, classes] for one prediction per example, [m, classes, positions] for a token window
                float[] p = replica.output(x, m);
                int classes = p.length / (m * positions);
                for (int i = 0; i < m; i++) {
                    for (int t = 0; t < positions; t++) {
                        int base = i * classes * positions + t;
                        int best = 0;
                        for (int c = 1; c < classes; c++) {
                            if (p[base + c * positions] > p[base + best * positions]) {
                                best = c;
                            }
                        }
                        int label = block.target(from + i, t);
                        if (best == label) {
                            correct++;
                        }
                        logLoss -= Math.log(Math.max(p[base + label * positions], MIN_PROBABILITY));
                    }
                }
            }
            return new double[] {correct, logLoss, (double) block.rows() * positions};
        }
    }
}
