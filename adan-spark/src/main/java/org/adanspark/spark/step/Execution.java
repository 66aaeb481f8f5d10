package org.adanspark.spark.step;

import org.adanspark.spark.error.TrainingException;

/**
 * How a run's steps are carried out (docs/ARCHITECTURE.md, "Two executions"): {@code jobs} (a Spark job
 * per step, the optimizer on the driver, package {@code jobs}) or {@code barrier} (one long-lived barrier
 * stage, the optimizer's shards on the executors, package {@code barrier}). Both run the {@link StepLoop}
 * and take each step with the {@link StepCore}, so they give the same bits for the same run; they differ in
 * where θ and the state live and how the statistics move. An execution reports every step and evaluation
 * to the run's listeners.
 */
public interface Execution {

    /** @return its name as configured: {@code jobs} or {@code barrier} */
    String name();

    /**
     * Runs the steps from {@code run.start().step()} to the end, with checkpoints and evaluations at the
     * configured cadences.
     *
     * @param run the run as set up
     * @return what the run produced
     * @throws TrainingException when the run cannot go on
     */
    TrainingOutcome train(TrainingRun run);
}
