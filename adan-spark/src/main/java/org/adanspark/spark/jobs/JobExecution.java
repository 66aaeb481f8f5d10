package org.adanspark.spark.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.Precision;
import org.adanspark.optim.ShardLoop;
import org.adanspark.spark.checkpoint.CheckpointStore;
import org.adanspark.spark.checkpoint.ParamsCodec;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.metrics.EvaluationResult;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.step.Broadcasts;
import org.adanspark.spark.step.Evaluator;
import org.adanspark.spark.step.Execution;
import org.adanspark.spark.step.GradientComputation;
import org.adanspark.spark.step.PartialSum;
import org.adanspark.spark.step.SparkFailure;
import org.adanspark.spark.step.StepCore;
import org.adanspark.spark.step.StepLoop;
import org.adanspark.spark.step.StepReport;
import org.adanspark.spark.step.TrainingOutcome;
import org.adanspark.spark.step.TrainingRun;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code jobs} execution (docs/ARCHITECTURE.md, "Two executions"): θ and every optimizer shard on the
 * driver; each step broadcasts θ, runs one Spark job that computes every partition's gradient and reduces
 * it to the driver ({@link GradientReduce}), and takes the {@link StepCore} step over all shards with
 * nothing to exchange. The {@link StepLoop} decides when to checkpoint and evaluate; evaluations are a
 * Spark job over the test blocks.
 */
public final class JobExecution implements Execution {

    private static final Logger LOG = LoggerFactory.getLogger(JobExecution.class);

    private final JavaSparkContext jsc;
    private final ReduceMode reduce;
    private final List<TrainingListener> listeners;

    /**
     * @param jsc the Spark context
     * @param reduce how each step's gradient comes to the driver
     * @param listeners who receives the progress
     */
    public JobExecution(JavaSparkContext jsc, ReduceMode reduce, List<TrainingListener> listeners) {
        this.jsc = jsc;
        this.reduce = reduce;
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public String name() {
        return ExecutionMode.JOBS.configName();
    }

    @Override
    public TrainingOutcome train(TrainingRun run) {
        Driver driver = new Driver(run);
        LOG.info("jobs execution: a Spark job per step, {} all-reduce, the optimizer's {} shards on the driver",
                driver.reduction.name(), driver.state.numShards());
        long skippedLoss;
        try {
            skippedLoss = StepLoop.run(run.start().step(), run.steps().totalSteps(), run.steps().stepsPerEpoch(),
                    run.steps().schedule(), run.cadence(), run.start().skippedBefore(), driver);
        } finally {
            Broadcasts.destroy(driver.computation);
        }
        float[] theta = driver.theta;
        return new TrainingOutcome(run.ema() ? driver.average() : theta, ParamsCodec.sha256(theta),
                Math.max(run.start().step(), run.steps().totalSteps()), skippedLoss + driver.core.skippedByOptimizer(),
                driver.finalAccuracy, driver.finalEmaAccuracy);
    }

    /** The driver's side of a run: θ, the optimizer state, and what each point of the loop does. */
    private final class Driver implements StepLoop.Steps {
        private final TrainingRun run;
        private final Optimizer optimizer;
        private final OptimizerState state;
        private final float[] theta;
        private final StepCore core;
        private final GradientReduce reduction;
        /**
         * What every task computes with, the model's definition included (a TorchScript module's bytes can be
         * large): sent to each executor once per run, not with every task of every step.
         */
        private final Broadcast<GradientComputation> computation;
        private final CheckpointStore store;
        private double finalAccuracy = Double.NaN;
        private double finalEmaAccuracy = Double.NaN;

        Driver(TrainingRun run) {
            this.run = run;
            this.optimizer = run.buildOptimizer();
            this.store = run.checkpoints().store();
            int shards = run.optimizer().shards();
            String location = run.start().location();
            if (location == null) {
                this.theta = run.model().initialParams();
                this.state = optimizer.init(run.layout(), Precision.FLOAT32, shards);
            } else {
                try {
                    CheckpointStore.Restored restored = store.restore(location, optimizer, shards);
                    this.theta = restored.params();
                    this.state = restored.state();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot restore " + location + ": " + e.getMessage(), e);
                }
            }
            this.core = new StepCore(optimizer, ShardLoop.Owned.all(state), run.optimizer().nonFinitePolicy(),
                    run.roles().nonTrained(run.layout()));
            this.reduction = reduce == ReduceMode.TREE ? new TreeGradientReduce() : new ShardedGradientReduce(state.plan());
            this.computation = jsc.broadcast(run.gradientComputation());
        }

        @Override
        public StepLoop.Taken step(long step, int epoch, int stepInEpoch, double lr) {
            String stepName = "step " + (step + 1) + "/" + run.steps().totalSteps() + " (epoch " + (epoch + 1) + ")";
            jsc.setJobDescription("adan-train " + stepName);
            long t0 = System.nanoTime();
            Broadcast<float[]> broadcast = jsc.broadcast(theta.clone());
            long t1 = System.nanoTime();
            PartitionGradient source = new PartitionGradient(broadcast, computation, epoch, stepInEpoch, step);
            GradientReduce.Reduced reduced = SparkFailure.during(stepName, store,
                    () -> reduction.reduce(run.train().blocks(), source, step, run.faults()));
            long t2 = System.nanoTime();
            broadcast.destroy();
            long t3 = System.nanoTime();
            PartialSum sum = new PartialSum(0, reduced.sum(), reduced.lossSum(), reduced.examples(),
                    reduced.computeNanos());
            StepCore.Result r = core.step(step, epoch, lr, theta, StepCore.mean(sum), sum, StepCore.IN_PROCESS);
            long t4 = System.nanoTime();
            double computeMs = r.computeNanos() / 1e6;
            StepReport report = new StepReport(r.loss(), r.examples(), r.skipped(), lr, computeMs,
                    Math.max(0, (t2 - t1) / 1e6 - computeMs), (t4 - t3) / 1e6, ((t1 - t0) + (t3 - t2)) / 1e6,
                    (t4 - t0) / 1e6, reduced.bytesToDriver(), 4L * theta.length);
            return new StepLoop.Taken(report, r.nonFiniteLoss());
        }

        @Override
        public void report(long done, int epoch, StepReport report) {
            listeners.forEach(l -> l.onStep(report.metrics(done, run.steps().totalSteps(), epoch)));
        }

        @Override
        public void checkpoint(long done, long skippedLoss) {
            try {
                long t = System.nanoTime();
                CheckpointStore.Saved saved = store.save(run.positionAt(done, skippedLoss), theta, optimizer, state);
                if (saved.written()) {
                    LOG.info("checkpoint {} written in {} ms", saved.location(), (System.nanoTime() - t) / 1_000_000);
                } else {
                    LOG.info("checkpoint {} is already there and valid; kept", saved.location());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write checkpoint at step " + done + " to " + store + ": "
                        + e.getMessage(), e);
            }
        }

        @Override
        public void evaluate(long done, int epoch, boolean last) {
            String what = last ? "the final evaluation" : "the evaluation after epoch " + (epoch + 1);
            jsc.setJobDescription("adan-train " + (last ? "final evaluation" : "evaluation after epoch " + (epoch + 1)));
            EvaluationResult eval = evaluate(what, theta);
            EvaluationResult ema = run.ema() ? evaluate(what + " (model EMA)", average()) : null;
            if (last) {
                finalAccuracy = eval.accuracy();
                finalEmaAccuracy = ema == null ? Double.NaN : ema.accuracy();
            }
            listeners.forEach(l -> l.onEvaluation(epoch, done, eval, ema));
        }

        private EvaluationResult evaluate(String what, float[] params) {
            return SparkFailure.during(what, store,
                    () -> Evaluator.evaluate(jsc, run.test(), run.model(), params, run.compute()));
        }

        /** @return the model EMA's weights, from every shard on the driver */
        float[] average() {
            float[] average = new float[theta.length];
            core.average(theta, average);
            return average;
        }
    }
}
