package org.adanspark.spark.train;

import org.adanspark.optim.NonFiniteGradientException;
import org.adanspark.optim.NonFinitePolicy;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ShardLoop;
import org.adanspark.spark.comm.FaultInjector;
import org.adanspark.spark.comm.GradientReduce;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.runtime.TaskCompute;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The {@code jobs} execution of a step: broadcast θ, one Spark job that computes every partition's
 * gradient and reduces it to the driver ({@link GradientReduce}), then the optimizer's per-shard protocol
 * over the driver's {@link OptimizerState} at the step's learning rate (docs/ARCHITECTURE.md, "One step").
 */
final class JobStepExecutor implements StepExecutor {

    private final JavaSparkContext jsc;
    private final BlockDataset train;
    private final GradientComputation computation;
    private final long totalSteps;
    private final FaultInjector faults;
    private final GradientReduce reduction;
    private final Optimizer optimizer;
    private final OptimizerState state;
    private final NonFinitePolicy nonFinite;
    private final CheckpointStore checkpoints;

    /**
     * @param jsc the Spark context
     * @param run the run as set up
     * @param reduction how the gradient comes to the driver
     * @param faults injected failures (tests), usually none
     * @param compute the threads and BLAS kernel each task computes with
     */
    JobStepExecutor(JavaSparkContext jsc, TrainingRun run, GradientReduce reduction, FaultInjector faults, TaskCompute compute) {
        this.jsc = jsc;
        this.train = run.train();
        this.computation = run.gradientComputation(faults, compute);
        this.totalSteps = run.totalSteps();
        this.faults = faults;
        this.reduction = reduction;
        this.optimizer = run.optimizer();
        this.state = run.state();
        this.nonFinite = run.nonFinitePolicy();
        this.checkpoints = run.checkpoints();
    }

    @Override
    public StepOutcome step(long step, int epoch, int stepInEpoch, double lr, float[] theta) {
        String stepName = "step " + (step + 1) + "/" + totalSteps + " (epoch " + (epoch + 1) + ")";
        jsc.setJobDescription("adan-train " + stepName);
        long t0 = System.nanoTime();
        Broadcast<float[]> broadcast = jsc.broadcast(theta.clone());
        long t1 = System.nanoTime();
        PartitionGradient source = new PartitionGradient(broadcast, computation, epoch, stepInEpoch, step);
        GradientReduce.Reduced reduced = SparkFailure.during(stepName, checkpoints,
                () -> reduction.reduce(train.blocks(), source, step, faults));
        long t2 = System.nanoTime();
        broadcast.destroy();
        long t3 = System.nanoTime();

        float[] grad = reduced.sum();
        float count = reduced.examples();
        for (int i = 0; i < grad.length; i++) {
            grad[i] /= count;
        }
        double loss = reduced.lossSum() / reduced.examples();
        boolean skipped;
        if (!Double.isFinite(loss)) {
            if (nonFinite == NonFinitePolicy.FAIL) {
                throw new TrainingException("step " + (step + 1) + " (epoch " + (epoch + 1) + "): the mean training loss is "
                        + loss + "; set adan.optimizer.non-finite = skip to skip such steps", null);
            }
            skipped = true;
        } else {
            try {
                skipped = !ShardLoop.step(optimizer, state, theta, grad, lr);
            } catch (NonFiniteGradientException e) {
                throw new TrainingException("step " + (step + 1) + " (epoch " + (epoch + 1) + "): " + e.getMessage()
                        + "; set adan.optimizer.non-finite = skip to skip such steps", e);
            }
        }
        long t4 = System.nanoTime();
        double computeMs = reduced.computeNanos() / 1e6;
        return new StepOutcome(loss, reduced.examples(), skipped, computeMs, Math.max(0, (t2 - t1) / 1e6 - computeMs),
                (t4 - t3) / 1e6, ((t1 - t0) + (t3 - t2)) / 1e6, reduced.bytesToDriver(), 4L * theta.length, t4 - t0);
    }
}
