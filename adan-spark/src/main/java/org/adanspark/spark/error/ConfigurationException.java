package org.adanspark.spark.error;

/**
 * A setting or model configuration that cannot work: a file that is not a DL4J
 * {@code MultiLayerConfiguration}, layers that do not fit each other (found on the driver before training,
 * by building the network and running one example through it), or a setting the data cannot honour (a
 * global batch larger than the training set). A configuration error (exit status 2), like a bad flag.
 */
public final class ConfigurationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong, naming the setting or the model and the layer where known
     * @param cause the failure that revealed it, or null
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
