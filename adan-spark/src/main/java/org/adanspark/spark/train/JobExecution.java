package org.adanspark.spark.train;

import java.util.ArrayList;
import java.util.List;
import org.adanspark.spark.comm.FaultInjector;
import org.adanspark.spark.comm.GradientReduce;
import org.adanspark.spark.comm.ShardedGradientReduce;
import org.adanspark.spark.comm.TreeGradientReduce;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.metrics.StepMetrics;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.runtime.TaskCompute;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code jobs} execution: the driver's loop takes each step with a {@link JobStepExecutor} (a Spark
 * job for the gradient, the optimizer over the driver's state) and runs the {@link StepCadence}s between
 * steps (docs/ARCHITECTURE.md, "One step").
 */
final class JobExecution implements Execution {

    private static final Logger LOG = LoggerFactory.getLogger(SyncTrainer.class);

    private final JavaSparkContext jsc;
    private final RunPlan settings;
    private final BlockDataset test;
    private final TaskCompute compute;
    private final List<TrainingListener> listeners;

    /**
     * @param jsc the Spark context
     * @param settings the run's settings
     * @param test test blocks to evaluate on, or null
     * @param threads compute threads per task
     * @param listeners who receives the progress
     */
    JobExecution(JavaSparkContext jsc, RunPlan settings, BlockDataset test, TaskCompute compute, List<TrainingListener> listeners) {
        this.jsc = jsc;
        this.settings = settings;
        this.test = test;
        this.compute = compute;
        this.listeners = listeners;
    }

    @Override
    public String name() {
        return ExecutionMode.JOBS.configName();
    }

    @Override
    public TrainingOutcome train(TrainingRun run) {
        GradientReduce reduction = settings.allReduce() == ReduceMode.TREE
                ? new TreeGradientReduce() : new ShardedGradientReduce(run.state().plan());
        LOG.info("jobs execution: a Spark job per step, {} all-reduce, the optimizer's {} shards on the driver",
                reduction.name(), run.state().numShards());
        StepExecutor executor = new JobStepExecutor(jsc, run, reduction, new FaultInjector(settings.failSteps()), compute);
        EvaluationCadence evaluation = new EvaluationCadence(jsc, run, test, settings.evaluateEveryEpoch(), compute,
                listeners);
        List<StepCadence> cadences = new ArrayList<>();
        if (run.checkpoints() != null) {
            cadences.add(new CheckpointCadence(run, settings, settings.checkpointEvery(), compute));
        }
        cadences.add(evaluation);

        float[] theta = run.theta();
        long skippedLoss = run.skippedBefore();
        List<Double> losses = new ArrayList<>();
        long step = run.firstStep();
        int stepsPerEpoch = run.plan().stepsPerEpoch();
        for (; step < run.totalSteps(); step++) {
            int epoch = (int) (step / stepsPerEpoch);
            int stepInEpoch = (int) (step % stepsPerEpoch);
            double lr = run.schedule().at(step);
            StepExecutor.StepOutcome o = executor.step(step, epoch, stepInEpoch, lr, theta);
            if (o.skipped() && !Double.isFinite(o.loss())) {
                skippedLoss++; // a gradient the optimizer skipped is counted in its state
            }
            StepMetrics m = new StepMetrics(step + 1, run.totalSteps(), epoch, o.loss(), lr, o.examples(),
                    o.examples() / (o.wallNanos() / 1e9), o.computeMs(), o.reduceMs(), o.updateMs(), o.broadcastMs(),
                    o.driverBytesIn(), o.driverBytesOut(), o.skipped(), o.wallNanos() / 1e6);
            losses.add(o.loss());
            listeners.forEach(l -> l.onStep(m));
            for (StepCadence c : cadences) {
                c.afterStep(step + 1, epoch, stepInEpoch == stepsPerEpoch - 1, theta, skippedLoss);
            }
        }
        for (StepCadence c : cadences) {
            c.afterRun(step, theta, skippedLoss);
        }
        return new TrainingOutcome(run.ema() ? run.emaParams() : theta, ParamsCodec.sha256(theta), step,
                skippedLoss + run.state().skippedSteps(), evaluation.finalAccuracy(), evaluation.finalEmaAccuracy(),
                losses);
    }
}
