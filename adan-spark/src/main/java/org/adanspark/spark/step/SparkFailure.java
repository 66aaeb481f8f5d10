package org.adanspark.spark.step;

import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.adanspark.spark.checkpoint.CheckpointStore;
import org.adanspark.spark.error.Failures;
import org.adanspark.spark.error.TrainingException;
import org.apache.hadoop.fs.Path;

/**
 * Turns a Spark job that Spark gave up on (a task failed on every attempt, every executor lost) into a
 * {@link TrainingException} a user can act on: what failed, at which step, and how to go on — the newest
 * checkpoint to resume from, or that the run wrote none. The full exception stays the cause, for the log.
 */
public final class SparkFailure {

    private SparkFailure() {
    }

    /**
     * Runs one Spark action of a step, translating its failure.
     *
     * @param what what the action does, e.g. "step 7/45 (epoch 1)"
     * @param checkpoints the run's checkpoints, or null when it writes none
     * @param action the Spark action
     * @param <T> its result
     * @return the action's result
     * @throws TrainingException when the action fails for any reason other than a {@link TrainingException}
     */
    public static <T> T during(String what, CheckpointStore checkpoints, Supplier<T> action) {
        try {
            return action.get();
        } catch (TrainingException e) {
            throw e;
        } catch (Exception e) { // SparkException is checked in Java's eyes, yet thrown undeclared from Scala
            throw new TrainingException(what + " failed: " + Failures.reason(e) + ". " + howToResume(checkpoints), e);
        }
    }

    /**
     * @param checkpoints the run's checkpoints, or null
     * @return a sentence saying how to continue the run
     */
    static String howToResume(CheckpointStore checkpoints) {
        if (checkpoints == null) {
            return "The run wrote no checkpoints; to make a run resumable, give --checkpoint-dir DIR "
                    + "(and --checkpoint-every N)";
        }
        List<Path> saved;
        try {
            saved = checkpoints.list();
        } catch (IOException e) {
            return "Its checkpoints in " + checkpoints + " could not be listed (" + e.getMessage()
                    + "); run again with --resume to continue from the newest valid one";
        }
        if (saved.isEmpty()) {
            return "No checkpoint was written to " + checkpoints + " yet; run again to start over";
        }
        return "Run the same command with --resume to continue from the newest checkpoint, "
                + saved.get(saved.size() - 1);
    }
}
