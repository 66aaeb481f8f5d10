package org.adanspark.spark.error;

/**
 * How a failure is told in one line: what the messages of adan-train's errors quote of a cause.
 */
public final class Failures {

    private static final int MAX_REASON = 400;

    private Failures() {
    }

    /**
     * @param e a failure
     * @return its first line, without Spark's "Job aborted due to stage failure" preamble repeated from
     *     nested causes, shortened to a readable length
     */
    public static String reason(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getName();
        }
        String first = message.strip().lines().findFirst().orElse(message).strip();
        return first.length() <= MAX_REASON ? first : first.substring(0, MAX_REASON) + " …";
    }
}
