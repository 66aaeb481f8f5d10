package org.adanspark.spark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.adanspark.optim.Adan;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.optim.Precision;
import org.adanspark.spark.config.OptimizerSpec;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.mllib.linalg.DenseVector;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.Gradient;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * An {@code org.apache.spark.mllib.optimization.Optimizer} that takes Adan steps (or any adan-core
 * optimizer's) in place of {@code GradientDescent}'s: each iteration samples a mini-batch, sums MLlib's
 * {@link Gradient} ({@code LogisticGradient}, {@code LeastSquaresGradient}, {@code HingeGradient}, …) over
 * it with {@code treeAggregate}, and steps float64 optimizer state on the driver with the mean gradient.
 * Regularisation is the optimizer's weight decay (Adan's is proximal), so there is no MLlib
 * {@code Updater}.
 *
 * <p>Plug it into a {@code GeneralizedLinearAlgorithm} by returning it from {@code optimizer()}; see the
 * docs' MLlib section.
 */
public final class AdanDescent implements org.apache.spark.mllib.optimization.Optimizer {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AdanDescent.class);

    private final Gradient gradient;
    private transient Optimizer optimizer;
    private int numIterations = 100;
    private double miniBatchFraction = 1.0;
    private double convergenceTol = 0.0;
    private long seed = 42;
    private transient double[] lossHistory = new double[0];

    /**
     * Adan at the trainer's learning rate ({@link OptimizerSpec#defaultLr}: 0.01) with the library's other
     * defaults, so no weight decay, as MLlib's {@code GradientDescent} applies none unless asked.
     *
     * @param gradient the loss's gradient, e.g. {@code new LogisticGradient()}
     */
    public AdanDescent(Gradient gradient) {
        this(gradient, Adan.builder().lr(OptimizerSpec.defaultLr(Adan.NAME)).build());
    }

    /**
     * @param gradient the loss's gradient
     * @param optimizer the optimizer taking the steps (Adan, or a baseline to compare with)
     */
    public AdanDescent(Gradient gradient, Optimizer optimizer) {
        this.gradient = gradient;
        this.optimizer = optimizer;
    }

    /**
     * @param iterations optimizer steps, {@code > 0} (default 100)
     * @return this
     */
    public AdanDescent setNumIterations(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("numIterations must be > 0, got " + iterations);
        }
        this.numIterations = iterations;
        return this;
    }

    /**
     * @param fraction share of the data sampled for each step, in {@code (0, 1]} (default 1: full batch)
     * @return this
     */
    public AdanDescent setMiniBatchFraction(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("miniBatchFraction must be in (0, 1], got " + fraction);
        }
        this.miniBatchFraction = fraction;
        return this;
    }

    /**
     * Stops early when a step moves the weights by less than {@code tol × max(1, ‖w‖)}, as
     * {@code GradientDescent} does.
     *
     * @param tol the tolerance, {@code >= 0} (default 0: run every iteration)
     * @return this
     */
    public AdanDescent setConvergenceTol(double tol) {
        if (!(tol >= 0)) {
            throw new IllegalArgumentException("convergenceTol must be >= 0, got " + tol);
        }
        this.convergenceTol = tol;
        return this;
    }

    /**
     * @param value seed of the mini-batch sampling
     * @return this
     */
    public AdanDescent setSeed(long value) {
        this.seed = value;
        return this;
    }

    /** @return the mean loss of each step of the last {@link #optimize} call, before its update */
    public double[] lossHistory() {
        return lossHistory.clone();
    }

    /**
     * Runs the optimization.
     *
     * @param data (label, features) pairs
     * @param initialWeights starting weights
     * @return the final weights
     * @throws IllegalArgumentException when a step's mean loss or gradient is not finite, naming the step
     */
    @Override
    public Vector optimize(RDD<Tuple2<Object, Vector>> data, Vector initialWeights) {
        if (optimizer == null) {
            throw new IllegalStateException("AdanDescent was deserialized; optimize on the driver that built it");
        }
        double[] w = initialWeights.toArray().clone();
        OptimizerState state = optimizer.init(ParamLayout.of(w.length), Precision.FLOAT64);
        JavaRDD<Tuple2<Object, Vector>> rows = data.toJavaRDD();
        List<Double> losses = new ArrayList<>();
        for (int i = 0; i < numIterations; i++) {
            Broadcast<double[]> weights = rows.context().broadcast(w.clone(),
                    scala.reflect.ClassTag$.MODULE$.apply(double[].class));
            JavaRDD<Tuple2<Object, Vector>> batch = miniBatchFraction < 1 ? rows.sample(false, miniBatchFraction, seed + i) : rows;
            GradientSum sum;
            try {
                sum = batch.treeAggregate(new GradientSum(w.length), new Add(gradient, weights), GradientSum::merge, 2);
            } finally {
                weights.destroy();
            }
            if (sum.count == 0) {
                LOG.warn("AdanDescent: iteration {} sampled no rows; skipping it", i + 1);
                continue;
            }
            double[] g = sum.gradient;
            for (int k = 0; k < g.length; k++) {
                g[k] /= sum.count;
            }
            double loss = sum.loss / sum.count;
            if (!Double.isFinite(loss)) {
                throw new IllegalArgumentException("AdanDescent: the mean loss at iteration " + (i + 1) + " is " + loss
                        + "; check the data for extreme values or lower the learning rate");
            }
            losses.add(loss);
            double[] before = w.clone();
            optimizer.step(state, w, g);
            if (i % 10 == 9 || i == numIterations - 1) {
                LOG.info(String.format(Locale.ROOT, "AdanDescent: iteration %d/%d  loss %.6f", i + 1, numIterations, loss));
            }
            if (convergenceTol > 0 && converged(before, w)) {
                LOG.info("AdanDescent: converged after {} iterations", i + 1);
                break;
            }
        }
        lossHistory = losses.stream().mapToDouble(Double::doubleValue).toArray();
        return Vectors.dense(w);
    }

    private boolean converged(double[] before, double[] after) {
        double diff = 0;
        double norm = 0;
        for (int k = 0; k < after.length; k++) {
            diff += (after[k] - before[k]) * (after[k] - before[k]);
            norm += after[k] * after[k];
        }
        return Math.sqrt(diff) < convergenceTol * Math.max(1.0, Math.sqrt(norm));
    }

    /** The running sum of one partition's (or the tree's) gradients, losses and row count. */
    static final class GradientSum implements Serializable {
        private static final long serialVersionUID = 1L;
        final double[] gradient;
        double loss;
        long count;

        GradientSum(int n) {
            gradient = new double[n];
        }

        GradientSum merge(GradientSum other) {
            for (int k = 0; k < gradient.length; k++) {
                gradient[k] += other.gradient[k];
            }
            loss += other.loss;
            count += other.count;
            return this;
        }
    }

    /** Adds one row's gradient (MLlib's {@code Gradient} accumulates into the vector it is given). */
    private static final class Add implements org.apache.spark.api.java.function.Function2<GradientSum, Tuple2<Object, Vector>,
            GradientSum> {
        private static final long serialVersionUID = 1L;
        private final Gradient gradient;
        private final Broadcast<double[]> weights;

        Add(Gradient gradient, Broadcast<double[]> weights) {
            this.gradient = gradient;
            this.weights = weights;
        }

        @Override
        public GradientSum call(GradientSum acc, Tuple2<Object, Vector> row) {
            acc.loss += gradient.compute(row._2(), (Double) row._1(), new DenseVector(weights.value()),
                    new DenseVector(acc.gradient));
            acc.count++;
            return acc;
        }
    }
}
