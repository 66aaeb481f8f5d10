package org.adanspark.spark.data;

/**
 * Training data that cannot be trained on: an empty input, a row whose feature count differs, a label
 * that is not a class index, a NaN or infinite feature. The message names the source (file or column)
 * and shows an example row. Raised on the driver before the first step.
 */
public final class DataValidationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, where, and an example row
     */
    public DataValidationException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the input
     * @param cause the failure that revealed it
     */
    public DataValidationException(String message, Throwable cause) {
        super(message, cause);
    }
}
