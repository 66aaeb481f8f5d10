package org.adanspark.spark.step;

import java.io.Serializable;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.checkpoint.CheckpointStore;
import org.adanspark.spark.checkpoint.TrainingCheckpoint;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.ParamRoles;
import org.adanspark.spark.runtime.TaskCompute;

/**
 * A run as set up once before its first step, everything an {@link Execution} needs and nothing it does
 * not: the data, the model and its layout, the step plan, the optimizer's settings, the checkpoints, how
 * tasks compute, and where the run starts. The trainer ({@code run.SyncTrainer}) builds it; neither
 * execution reads the trainer's settings. θ and the optimizer state are not here: each execution makes
 * them where it keeps them — the {@code jobs} driver, each {@code barrier} task — from the model's
 * initialisation or from {@link Start#location()}.
 *
 * @param train the training blocks
 * @param test the test blocks to evaluate on, or null
 * @param model the model as the tasks build it, and its fingerprint that checkpoints record
 * @param layout the model's parameter tensors
 * @param roles which of them the optimizer trains ({@link ParamRoles}: the model's non-trained state)
 * @param steps which examples each step uses, how many steps, at which learning rates
 * @param optimizer the optimizer's settings: every process that owns shards builds the same optimizer
 * @param checkpoints where and when checkpoints are written
 * @param compute the threads and BLAS kernel every task computes with
 * @param faults failures to inject (tests); {@link FaultInjector#NONE} otherwise
 * @param start where the run starts
 */
public record TrainingRun(BlockDataset train, BlockDataset test, ModelHandle model, ParamLayout layout,
                          ParamRoles roles, StepPlan steps,
                          OptimizerSpec optimizer, Checkpoints checkpoints, TaskCompute compute, FaultInjector faults,
                          Start start) {

    /**
     * Which examples each step uses and at which learning rate.
     *
     * @param epochs which rows each partition contributes to each step of an epoch
     * @param totalSteps steps in the whole run
     * @param schedule the learning rate of each step
     * @param microBatch examples per forward/backward pass in a task
     * @param seed the run's seed (sampling, dropout)
     * @param evaluateEveryEpoch whether to evaluate at each epoch's end, not only after the last step
     */
    public record StepPlan(EpochPlan epochs, long totalSteps, LearningRateSchedule schedule, int microBatch, long seed,
                           boolean evaluateEveryEpoch) implements Serializable {

        /** @return steps in an epoch */
        public int stepsPerEpoch() {
            return epochs.stepsPerEpoch();
        }
    }

    /**
     * Where and when the run writes checkpoints.
     *
     * @param store the checkpoint store, or null without {@code --checkpoint-dir}
     * @param every steps between checkpoints, 0 for the final one only
     * @param position the run's position at step 0 with the fields every checkpoint of it records
     *     ({@link TrainingCheckpoint#at} moves it to a step)
     */
    public record Checkpoints(CheckpointStore store, long every, TrainingCheckpoint position) {
    }

    /**
     * Where the run starts.
     *
     * @param step the first step to take: 0, or the restored checkpoint's
     * @param skippedBefore steps skipped for a non-finite loss before it
     * @param location the checkpoint the run resumes from, or null
     */
    public record Start(long step, long skippedBefore, String location) implements Serializable {

        /** A run from step 0. */
        public static final Start FRESH = new Start(0, 0, null);
    }

    /**
     * @param start where to start instead
     * @return this run, starting there
     */
    public TrainingRun from(Start start) {
        return new TrainingRun(train, test, model, layout, roles, steps, optimizer, checkpoints, compute, faults, start);
    }

    /** @return the optimizer, built from its settings once per process ({@link OptimizerSpec#build}) */
    public Optimizer buildOptimizer() {
        return optimizer.build();
    }

    /** @return whether the run keeps a model EMA beside its optimizer */
    public boolean ema() {
        return optimizer.emaDecay() > 0;
    }

    /** @return when this run checkpoints and evaluates */
    public StepLoop.Cadence cadence() {
        return new StepLoop.Cadence(checkpoints.store() != null, checkpoints.every(), test != null,
                steps.evaluateEveryEpoch());
    }

    /** @return each partition's gradient computation for this run */
    public GradientComputation gradientComputation() {
        return new GradientComputation(model, layout.totalLength(), train.numOutputs(), steps.microBatch(), steps.seed(),
                steps.epochs(), faults, compute);
    }

    /**
     * @param done steps done
     * @param skippedLoss steps skipped for a non-finite loss so far
     * @return the run's position after {@code done} steps, as a checkpoint records it
     */
    public TrainingCheckpoint positionAt(long done, long skippedLoss) {
        return checkpoints.position().at(done, steps.stepsPerEpoch(), skippedLoss);
    }
}
