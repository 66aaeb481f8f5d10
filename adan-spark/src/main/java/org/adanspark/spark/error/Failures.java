package org.adanspark.spark.error;

import java.io.IOException;
import org.apache.hadoop.fs.FSError;

/**
 * How a failure is told in one line: what the messages of adan-train's errors quote of a cause.
 */
public final class Failures {

    private static final int MAX_REASON = 400;

    private Failures() {
    }

    /**
     * Hadoop's local file system reports a failed write (a full disk) as an {@link FSError}, an {@code Error}
     * that {@code catch (IOException e)} misses; this turns it back into the {@code IOException} it wraps.
     *
     * @param e the error
     * @return its cause, or an IOException carrying its message
     */
    public static IOException io(FSError e) {
        return e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
    }

    /**
     * @param e a failure
     * @return its first line, without Spark's "Job aborted due to stage failure" preamble repeated from
     *     nested causes, shortened to a readable length
     */
    public static String reason(Throwable e) {
        if (e instanceof FSError && e.getCause() != null) { // Hadoop's local file system wraps its IOException
            e = e.getCause();
        }
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getName();
        }
        String first = message.strip().lines().findFirst().orElse(message).strip();
        return first.length() <= MAX_REASON ? first : first.substring(0, MAX_REASON) + " …";
    }
}
