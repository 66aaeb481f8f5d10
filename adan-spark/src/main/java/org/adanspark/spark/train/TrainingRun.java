package org.adanspark.spark.train;

import org.adanspark.optim.NonFinitePolicy;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.data.BlockDataset;

/**
 * A run as set up once before its first step: the data, the network and its layout, the step plan and
 * schedule, the optimizer built once and its state, the checkpoint store, and where the run starts
 * (step 0, or a restored checkpoint's step with its θ and state). {@link SyncTrainer} builds it, a
 * {@link StepExecutor} and the cadences read it; θ is the one thing that changes during the run.
 *
 * @param train the training blocks
 * @param model the model as the tasks build it, and its fingerprint that checkpoints record
 * @param layout the network's parameter tensors
 * @param theta the parameters the run starts from; updated in place by the steps
 * @param microBatch examples per forward/backward pass in a task
 * @param seed the run's seed
 * @param plan which examples each step uses
 * @param totalSteps steps in the whole run
 * @param schedule the learning rate of each step
 * @param optimizer the optimizer, built once
 * @param nonFinitePolicy what a non-finite loss or gradient does
 * @param state its state (restored, or new)
 * @param checkpoints the checkpoint store, or null without {@code --checkpoint-dir}
 * @param firstStep the step the run starts at: 0, or the restored checkpoint's
 * @param skippedBefore steps skipped for a non-finite loss before {@code firstStep}
 */
record TrainingRun(BlockDataset train, ModelHandle model, ParamLayout layout,
                   float[] theta, int microBatch, long seed, EpochPlan plan, long totalSteps,
                   LearningRateSchedule schedule, Optimizer optimizer, NonFinitePolicy nonFinitePolicy,
                   OptimizerState state, CheckpointStore checkpoints, long firstStep, long skippedBefore) {
}
