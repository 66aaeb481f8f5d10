package org.adanspark.spark.train;

import java.io.Serializable;
import java.util.Arrays;
import org.adanspark.io.Sha256;
import org.adanspark.spark.runtime.Nd4jVariant;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model a run trains, as the driver and the tasks refer to it: its DL4J configuration of either kind
 * ({@link Network.Kind}, shipped to the executors as JSON), the shape one example takes at its input, its
 * fingerprint, and networks of it leased from the executor's {@link NetworkCache} with given parameters.
 * The one place that knows how a network of the model is built and fed.
 */
public final class ModelHandle implements Serializable {

    static {
        Nd4jVariant.select(); // ND4J's native build and the BLAS kernel, before this class first reaches ND4J
    }

    private static final long serialVersionUID = 1L;

    private final String configJson;
    private final int[] exampleShape;
    private final String sha256;

    private ModelHandle(String configJson, int[] exampleShape) {
        this.configJson = configJson;
        this.exampleShape = exampleShape.clone();
        this.sha256 = Sha256.ofUtf8(configJson);
    }

    /**
     * @param configJson a configuration of either kind, as DL4J's {@code toJson()} writes it
     * @param exampleShape the shape of one example at the network's input: {@code {features}} for a flat
     *     row, {@code {channels, height, width}} for an image layer that takes no flat input, {@code {T}}
     *     for a window of token ids
     * @return its handle
     */
    public static ModelHandle of(String configJson, int... exampleShape) {
        if (exampleShape.length == 0) {
            throw new IllegalArgumentException("an example needs a shape");
        }
        return new ModelHandle(configJson, exampleShape);
    }

    /** @return the shape of one example at the network's input (see {@link #of}) */
    public int[] exampleShape() {
        return exampleShape.clone();
    }

    /** @return values per example at the input: the product of {@link #exampleShape()} */
    public int exampleLength() {
        int n = 1;
        for (int d : exampleShape) {
            n *= d;
        }
        return n;
    }

    /**
     * Wraps {@code m} examples, packed row-major, as the network's input array.
     *
     * @param values {@code m × exampleLength()} values (not copied)
     * @param m examples
     * @return a float32 array of shape {@code [m, exampleShape…]}
     */
    public INDArray input(float[] values, int m) {
        return input(exampleShape, values, m);
    }

    /**
     * Wraps {@code m} examples of shape {@code exampleShape}, packed row-major, as a network input array.
     *
     * @param exampleShape one example's shape (see {@link #of})
     * @param values {@code m ×} the shape's product values (not copied)
     * @param m examples
     * @return a float32 array of shape {@code [m, exampleShape…]}
     */
    static INDArray input(int[] exampleShape, float[] values, int m) {
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = m;
        for (int i = 0; i < exampleShape.length; i++) {
            shape[i + 1] = exampleShape[i];
        }
        return Nd4j.create(values, shape, 'c');
    }

    /** @return the configuration's JSON */
    public String configJson() {
        return configJson;
    }

    /** @return the SHA-256 of the configuration's JSON: what a checkpoint records of the model */
    public String sha256() {
        return sha256;
    }

    /**
     * A network of this model with parameters {@code theta}, for the calling thread alone until the lease
     * is closed: from the executor's cache when one is idle, else built.
     *
     * @param theta the parameters, in the network's flat order
     * @param device the calling thread's bound device ({@link TaskDevice#bindCurrentTask()}), or
     *     {@link TaskDevice#NONE}
     * @return the lease; close it to give the network back
     */
    public Lease lease(float[] theta, int device) {
        String key = "training\n" + device + "\n" + sha256;
        Network net = NetworkCache.borrow(key, () -> {
            Network built = Network.fromJson(configJson);
            built.init();
            return built;
        });
        net.setParams(Nd4j.create(theta, new long[] {1, theta.length}, 'c'));
        return new Lease(key, net);
    }

    /**
     * A new network of this model with parameters {@code theta}, outside the cache: for a network that
     * keeps its parameters (a fitted model's predictions) or leaves the run (DL4J's saved zip).
     *
     * @param theta the parameters, in the network's flat order (copied)
     * @return the initialised network
     */
    public Network build(float[] theta) {
        Network net = Network.fromJson(configJson);
        net.init(Nd4j.create(theta, new long[] {1, theta.length}, 'c'));
        return net;
    }

    /**
     * The model's initial parameters, as {@code init()} draws them from the configuration's seed: what a
     * barrier task starts from, the same bits the driver's network of the model has.
     *
     * @return θ₀ in the network's flat order
     */
    public float[] initialParams() {
        Network net = Network.fromJson(configJson);
        net.init();
        return net.params().toFloatVector();
    }

    /** A leased network; closing clears its inputs and gives it back to the cache. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final Network network;

        private Lease(String key, Network network) {
            this.key = key;
            this.network = network;
        }

        /** @return the network, its parameters set */
        public Network network() {
            return network;
        }

        @Override
        public void close() {
            network.clear();
            NetworkCache.release(key, network);
        }
    }

    @Override
    public String toString() {
        return "ModelHandle[" + sha256.substring(0, 12) + ", example " + Arrays.toString(exampleShape) + "]";
    }
}
