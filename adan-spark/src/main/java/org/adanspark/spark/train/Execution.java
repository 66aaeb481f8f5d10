package org.adanspark.spark.train;

/**
 * How a run's steps are carried out (docs/ARCHITECTURE.md, "Two executions"): {@link JobExecution}
 * ({@code jobs}: a Spark job per step, the optimizer on the driver) or the barrier execution
 * ({@code barrier}: one long-lived barrier stage, the optimizer's shards on the executors). Both give the
 * same bits for the same run; they differ in where the state lives and what a step costs. An execution
 * reports every step, evaluation and resume to the run's listeners.
 */
public interface Execution {

    /** @return its name as configured: {@code jobs} or {@code barrier} */
    String name();

    /**
     * Runs the steps from {@code run.firstStep()} to the end, with checkpoints and evaluations at the
     * configured cadences.
     *
     * @param run the run as set up
     * @return what the run produced
     * @throws TrainingException when the run cannot go on
     */
    TrainingOutcome train(TrainingRun run);
}
