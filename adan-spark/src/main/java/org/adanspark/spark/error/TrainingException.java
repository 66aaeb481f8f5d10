package org.adanspark.spark.error;

/**
 * Training stopped on the driver for a reason that names the step: a non-finite loss or gradient under
 * the {@code fail} policy, or a checkpoint that does not belong to this run.
 */
public final class TrainingException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened, and at which step
     * @param cause the underlying exception, or null
     */
    public TrainingException(String message, Throwable cause) {
        super(message, cause);
    }
}
