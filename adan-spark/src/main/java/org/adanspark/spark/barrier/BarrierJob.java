package org.adanspark.spark.barrier;

import java.io.Serializable;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.train.GradientComputation;
import org.adanspark.spark.train.LearningRateSchedule;
import org.adanspark.spark.train.ModelHandle;
import org.adanspark.spark.train.OptimizerSpec;
import org.adanspark.spark.train.TrainingCheckpoint;

/**
 * Everything a barrier task needs to run its part of the training, shipped once with the stage.
 *
 * @param run the run's random identifier: messages of other runs are refused
 * @param driverAddress {@code host:port} of the driver's event server
 * @param model the model
 * @param gradient each partition's gradient computation
 * @param optimizer the optimizer's settings (each task builds the same optimizer)
 * @param layout the parameter layout
 * @param schedule the learning rate of each step
 * @param firstStep the step the run starts at (0, or the resumed checkpoint's)
 * @param totalSteps the steps of the whole run
 * @param stepsPerEpoch steps in an epoch
 * @param skippedBefore steps skipped for a non-finite loss before {@code firstStep}
 * @param restoredFrom the checkpoint the run starts from, or null
 * @param checkpointDir the checkpoint directory, or null
 * @param checkpointEvery steps between checkpoints, 0 for the final one only
 * @param checkpointKeep newest checkpoints kept
 * @param position the run's checkpoint position at step 0 (its fixed fields)
 * @param hasTest whether there is test data to evaluate on
 * @param evaluateEveryEpoch whether to evaluate after every epoch, not only at the end
 * @param timeoutMs how long a task waits for a peer's message
 * @param paramsToDriver whether task 0 returns the final θ to the driver
 */
record BarrierJob(long run, String driverAddress, ModelHandle model, GradientComputation gradient, OptimizerSpec optimizer,
                  ParamLayout layout, LearningRateSchedule schedule, long firstStep, long totalSteps, int stepsPerEpoch,
                  long skippedBefore, String restoredFrom, String checkpointDir, long checkpointEvery,
                  int checkpointKeep, TrainingCheckpoint position, boolean hasTest, boolean evaluateEveryEpoch, long timeoutMs,
                  boolean paramsToDriver) implements Serializable {
}
