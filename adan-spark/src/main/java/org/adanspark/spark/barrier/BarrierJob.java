package org.adanspark.spark.barrier;

import java.io.Serializable;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.checkpoint.TrainingCheckpoint;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.model.ParamRoles;
import org.adanspark.spark.step.GradientComputation;
import org.adanspark.spark.step.StepLoop;
import org.adanspark.spark.step.TrainingRun;

/**
 * Everything a barrier task needs to run its part of the training, shipped once with the stage: the
 * serializable part of the {@link TrainingRun} and the stage's own transport settings.
 *
 * @param run the run's random identifier: messages of other runs are refused
 * @param driverAddress {@code host:port} of the driver's event server
 * @param timeoutMs how long a task waits for a peer's message
 * @param paramsToDriver whether task 0 returns the final weights to the driver
 * @param gradient each partition's gradient computation (with the model)
 * @param optimizer the optimizer's settings (each task builds the same optimizer)
 * @param layout the parameter layout
 * @param roles which parameters the optimizer trains
 * @param steps the step plan
 * @param cadence when to checkpoint and evaluate
 * @param start where the run starts
 * @param checkpoints where the tasks write checkpoints, or null
 */
record BarrierJob(long run, String driverAddress, long timeoutMs, boolean paramsToDriver, GradientComputation gradient,
                  OptimizerSpec optimizer, ParamLayout layout, ParamRoles roles, TrainingRun.StepPlan steps,
                  StepLoop.Cadence cadence,
                  TrainingRun.Start start, Checkpoints checkpoints) implements Serializable {

    /**
     * Where the tasks write checkpoints: each task opens the store with its executor's Hadoop configuration.
     *
     * @param dir the checkpoint directory
     * @param keep newest checkpoints kept
     * @param position the run's position at step 0 (its fixed fields)
     */
    record Checkpoints(String dir, int keep, TrainingCheckpoint position) implements Serializable {
    }
}
