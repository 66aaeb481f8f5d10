package org.adanspark.spark.train;

import org.adanspark.optim.ModelEma;
import org.adanspark.optim.NonFinitePolicy;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.comm.FaultInjector;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.runtime.TaskCompute;

/**
 * A run as set up once before its first step: the data, the network and its layout, the step plan and
 * schedule, the optimizer built once and its state, the checkpoint store, and where the run starts
 * (step 0, or a restored checkpoint's step with its θ and state). {@link SyncTrainer} builds it, an
 * {@link Execution} reads it. In the {@code jobs} execution θ and the state live here and change during
 * the run; in the {@code barrier} execution the driver holds neither (both are null) and the tasks start
 * from the model's initialisation or from {@code restoredFrom}.
 *
 * @param train the training blocks
 * @param model the model as the tasks build it, and its fingerprint that checkpoints record
 * @param layout the network's parameter tensors
 * @param theta the parameters the run starts from, updated in place by the steps; null when the driver
 *     does not hold them
 * @param microBatch examples per forward/backward pass in a task
 * @param seed the run's seed
 * @param plan which examples each step uses
 * @param totalSteps steps in the whole run
 * @param schedule the learning rate of each step
 * @param optimizer the optimizer, built once
 * @param nonFinitePolicy what a non-finite loss or gradient does
 * @param state its state (restored, or new); null when the driver does not hold it
 * @param checkpoints the checkpoint store, or null without {@code --checkpoint-dir}
 * @param firstStep the step the run starts at: 0, or the restored checkpoint's
 * @param skippedBefore steps skipped for a non-finite loss before {@code firstStep}
 * @param restoredFrom the checkpoint the run resumes from, or null
 */
public record TrainingRun(BlockDataset train, ModelHandle model, ParamLayout layout,
                          float[] theta, int microBatch, long seed, EpochPlan plan, long totalSteps,
                          LearningRateSchedule schedule, Optimizer optimizer, NonFinitePolicy nonFinitePolicy,
                          OptimizerState state, CheckpointStore checkpoints, long firstStep, long skippedBefore,
                          String restoredFrom) {

    /**
     * This run's position at step 0, with the fields every checkpoint of it records; {@link
     * TrainingCheckpoint#at} moves it to a step.
     *
     * @param settings the run's settings (seed, global batch, data name)
     * @param compute the threads and BLAS kernel, recorded for the resume check
     * @return the position
     */
    public TrainingCheckpoint position(RunPlan settings, TaskCompute compute) {
        return new TrainingCheckpoint(0, 0, 0, settings.seed(), settings.globalBatch(), model.sha256(), optimizer.name(),
                layout.totalLength(), settings.data().toString(), train.rows(), 0, compute.threads(), train.numPartitions(),
                compute.blasKernel());
    }

    /** @return whether the run keeps a model EMA beside its optimizer */
    public boolean ema() {
        return optimizer instanceof ModelEma;
    }

    /**
     * The model EMA's weights, assembled from the driver's optimizer shards ({@code jobs} execution); before
     * the first applied step there is no average yet and this is θ.
     *
     * @return a new array
     */
    public float[] emaParams() {
        return state.step() == 0 ? theta.clone() : state.slot32(ModelEma.SLOT);
    }

    /**
     * @param faults injected failures (tests), usually none
     * @param compute the threads and BLAS kernel each task computes with
     * @return each partition's gradient computation for this run
     */
    public GradientComputation gradientComputation(FaultInjector faults, TaskCompute compute) {
        return new GradientComputation(model, layout.totalLength(), train.numOutputs(), microBatch, seed, plan, faults,
                compute);
    }
}
