package org.adanspark.spark.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;

/**
 * The compute-backend port (docs/ARCHITECTURE.md, "The compute backend"): a model as the trainer, both
 * executions, evaluation and prediction use it, whatever computes it. A handle is small and serializable —
 * the model's definition, the shape one example takes at its input, its fingerprint — and is shipped to the
 * executors, where it gives {@link Replica}s: instances of the model at given parameters that compute a
 * micro-batch's gradient or a forward pass. Parameters are always one flat float32 vector θ in the model's
 * fixed parameter order ({@link ComputeBackend.Prepared#layout()}). A backend ({@link ComputeBackend})
 * makes handles; nothing above this package knows which backend it is.
 */
public interface ModelHandle extends Serializable {

    /** @return the name of the backend that computes this model, e.g. {@code dl4j} */
    String backend();

    /** @return the native libraries of the backend that computes this model, in this JVM */
    NativeRuntime runtime();

    /** @return the SHA-256 of the model's definition: what a checkpoint records of the model */
    String sha256();

    /**
     * @return the shape of one example at the model's input: {@code {features}} for a flat row,
     *     {@code {channels, height, width}} for images, {@code {T}} for a window of token ids
     */
    int[] exampleShape();

    /** @return values per example at the input: the product of {@link #exampleShape()} */
    default int exampleLength() {
        int n = 1;
        for (int d : exampleShape()) {
            n *= d;
        }
        return n;
    }

    /** @return θ as the model's seeded initialisation draws it: the same values in every process */
    float[] initialParams();

    /**
     * A replica of the model at {@code theta} for this task: bound to the task's device, taken from the
     * executor's bounded pool of replicas and given back on {@link Replica#close()}.
     *
     * @param theta the parameters (copied into the replica)
     * @return the replica
     */
    Replica lease(float[] theta);

    /**
     * A replica for prediction at fixed parameters, kept between calls in the executor's pool under the
     * parameters' checksum, so predicting batch after batch neither rebuilds it nor copies θ again.
     *
     * @param paramsSha256 the checksum of {@code theta}: the pool's key
     * @param theta the parameters
     * @return the replica
     */
    Replica predictor(String paramsSha256, float[] theta);

    /** @return the model's definition as text, e.g. a DL4J configuration's JSON: what a saved model stores */
    String definition();

    /** @return the file name the definition is saved under, e.g. {@code network.json} */
    String definitionFile();

    /** @return the file name of the backend's own saved form of a trained model, e.g. {@code model.zip} */
    String nativeFile();

    /**
     * Writes a trained model in the backend's own format, for users of that library.
     *
     * @param theta the trained parameters
     * @param out where to write
     * @throws IOException if writing fails
     */
    void writeNative(float[] theta, OutputStream out) throws IOException;
}
