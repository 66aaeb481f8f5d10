package org.adanspark.spark.step;

import java.io.Serializable;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.TaskContext;

/**
 * Fails the first attempt of every task at chosen steps ({@code adan.debug.fail-first-attempt-at-steps}),
 * to show that Spark's task retries leave training unchanged. Off (no steps) in normal runs. "First" is
 * of the stage too: a barrier stage that Spark restarts numbers its tasks' attempts from 0 again, and its
 * second attempt must not fail at the same step.
 */
public final class FaultInjector implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Injects nothing. */
    public static final FaultInjector NONE = new FaultInjector(Set.of());

    private final TreeSet<Long> steps;

    /**
     * @param steps global steps (0-based) at which first attempts fail
     */
    public FaultInjector(Set<Long> steps) {
        this.steps = new TreeSet<>(steps);
    }

    /**
     * Throws when this is the first attempt of a task at a chosen step.
     *
     * @param stage where in the step (for the message)
     * @param step the global step
     */
    public void maybeFail(String stage, long step) {
        TaskContext task = TaskContext.get();
        if (steps.contains(step) && task != null && task.attemptNumber() == 0 && task.stageAttemptNumber() == 0) {
            throw new InjectedTaskFailure("injected failure of " + stage + " task for partition "
                    + task.partitionId() + " at step " + step + " (attempt 0 of stage attempt 0)");
        }
    }

    /** The exception an injected failure throws. */
    public static final class InjectedTaskFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedTaskFailure(String message) {
            super(message);
        }
    }
}
