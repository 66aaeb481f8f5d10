package org.adanspark.spark.step;

import org.adanspark.spark.error.TrainingException;


/**
 * The run's steps, in order, with the checkpoints and evaluations between them: the sequencing both
 * executions share (the driver's loop in {@code jobs}, every task's loop in {@code barrier}). An execution
 * supplies how to take a step, report it, write a checkpoint and evaluate ({@link Steps}); when each
 * happens is decided here, once (docs/ARCHITECTURE.md, "One step"):
 * <ul>
 *   <li>a checkpoint after every {@code checkpointEvery}-th step, and after the last step unless one was
 *       just written (resuming a finished run writes it again, which keeps the one already there);</li>
 *   <li>an evaluation at the end of every epoch but the last, when asked, and after the last step.</li>
 * </ul>
 */
public final class StepLoop {

    /** What an execution does at each point of the loop. */
    public interface Steps {

        /**
         * Takes one step.
         *
         * @param step the step, from 0 over the run
         * @param epoch its epoch, from 0
         * @param stepInEpoch its position in the epoch, from 0
         * @param lr the schedule's learning rate for it
         * @return what it did, and whether it skipped for a non-finite loss
         * @throws TrainingException when the step cannot be taken
         */
        Taken step(long step, int epoch, int stepInEpoch, double lr);

        /**
         * Hands a step's report on: to the listeners (jobs), to the driver (barrier task 0), or nowhere.
         *
         * @param done steps done, this one included
         * @param epoch its epoch, from 0
         * @param report what it did
         */
        void report(long done, int epoch, StepReport report);

        /**
         * Writes a checkpoint of the run after {@code done} steps.
         *
         * @param done steps done
         * @param skippedLoss steps skipped so far for a non-finite loss
         */
        void checkpoint(long done, long skippedLoss);

        /**
         * Evaluates on the test data after {@code done} steps.
         *
         * @param done steps done
         * @param epoch the epoch of the last step taken, from 0
         * @param last whether it is the run's final evaluation
         */
        void evaluate(long done, int epoch, boolean last);
    }

    /**
     * A step as taken.
     *
     * @param report what it did
     * @param nonFiniteLoss whether it was skipped for a non-finite loss
     */
    public record Taken(StepReport report, boolean nonFiniteLoss) {
    }

    /**
     * When a run checkpoints and evaluates.
     *
     * @param checkpoints whether the run writes checkpoints at all
     * @param checkpointEvery steps between checkpoints, 0 for the final one only
     * @param evaluates whether there is test data to evaluate on
     * @param evaluateEveryEpoch whether to evaluate at each epoch's end too, not only after the last step
     */
    public record Cadence(boolean checkpoints, long checkpointEvery, boolean evaluates, boolean evaluateEveryEpoch)
            implements java.io.Serializable {
    }

    private StepLoop() {
    }

    /**
     * Runs the steps from {@code firstStep} to {@code totalSteps}.
     *
     * @param firstStep the first step to take (0, or a checkpoint's)
     * @param totalSteps the steps of the whole run
     * @param stepsPerEpoch steps in an epoch
     * @param schedule the learning rate of each step
     * @param cadence when to checkpoint and evaluate
     * @param skippedBefore steps skipped for a non-finite loss before {@code firstStep}
     * @param steps the execution's side
     * @return the steps skipped for a non-finite loss in the whole run, {@code skippedBefore} included
     */
    public static long run(long firstStep, long totalSteps, int stepsPerEpoch, LearningRateSchedule schedule,
                           Cadence cadence, long skippedBefore, Steps steps) {
        long skippedLoss = skippedBefore;
        long lastCheckpoint = -1;
        long step = firstStep;
        for (; step < totalSteps; step++) {
            int epoch = (int) (step / stepsPerEpoch);
            int stepInEpoch = (int) (step % stepsPerEpoch);
            Taken taken = steps.step(step, epoch, stepInEpoch, schedule.at(step));
            if (taken.nonFiniteLoss()) {
                skippedLoss++;
            }
            long done = step + 1;
            steps.report(done, epoch, taken.report());
            if (cadence.checkpoints() && cadence.checkpointEvery() > 0 && done % cadence.checkpointEvery() == 0) {
                steps.checkpoint(done, skippedLoss);
                lastCheckpoint = done;
            }
            if (cadence.evaluates() && cadence.evaluateEveryEpoch() && stepInEpoch == stepsPerEpoch - 1
                    && done < totalSteps) {
                steps.evaluate(done, epoch, false);
            }
        }
        if (cadence.checkpoints() && lastCheckpoint != step) {
            steps.checkpoint(step, skippedLoss);
        }
        if (cadence.evaluates()) {
            steps.evaluate(step, (int) ((Math.max(step, 1) - 1) / stepsPerEpoch), true);
        }
        return skippedLoss;
    }
}
