package org.adanspark.spark.barrier;

import org.adanspark.spark.error.TrainingException;

/**
 * Spark gave up on the barrier stage after {@code spark.stage.maxConsecutiveAttempts} attempts (4), counted over
 * the stage's whole life: a long run that loses an executor now and then would end after its fourth loss even
 * though every attempt got further. The caller starts a new stage from the newest checkpoint when the stage
 * made progress, and reports {@link #failure()} when it did not (docs/CLUSTER.md, "Failures").
 */
public final class StageAttemptsExhaustedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What the run would report if it stopped here. */
    private final TrainingException failure;

    StageAttemptsExhaustedException(TrainingException failure) {
        super(failure.getMessage(), failure);
        this.failure = failure;
    }

    /** @return the failure to report when no new stage is started */
    public TrainingException failure() {
        return failure;
    }

    /**
     * @param e a failure of the barrier stage
     * @return whether it is Spark giving up after the stage's maximum number of attempts
     */
    static boolean isExhaustion(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Spark's DAGScheduler says so only in its message ("... has failed the maximum allowable number of
            // times: 4. Most recent failure reason: ..."); there is no exception type for it
            if (t.getMessage() != null && t.getMessage().contains("has failed the maximum allowable number of times")) {
                return true;
            }
        }
        return false;
    }
}
