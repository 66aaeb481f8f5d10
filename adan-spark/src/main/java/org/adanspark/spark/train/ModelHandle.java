package org.adanspark.spark.train;

import java.io.Serializable;
import org.adanspark.io.Sha256;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model a run trains, as the driver and the tasks refer to it: its DL4J configuration (shipped to the
 * executors as JSON), its fingerprint, and networks of it leased from the executor's {@link NetworkCache}
 * with given parameters. The one place that knows how a network of the model is built.
 */
public final class ModelHandle implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String configJson;
    private final String sha256;

    private ModelHandle(String configJson) {
        this.configJson = configJson;
        this.sha256 = Sha256.ofUtf8(configJson);
    }

    /**
     * @param conf a network configuration
     * @return its handle
     */
    public static ModelHandle of(MultiLayerConfiguration conf) {
        return new ModelHandle(conf.toJson());
    }

    /**
     * @param configJson a configuration as {@link MultiLayerConfiguration#toJson()} writes it
     * @return its handle
     */
    public static ModelHandle ofJson(String configJson) {
        return new ModelHandle(configJson);
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
        MultiLayerNetwork net = NetworkCache.borrow(key, () -> {
            MultiLayerNetwork built = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configJson));
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
    public MultiLayerNetwork build(float[] theta) {
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configJson));
        net.init(Nd4j.create(theta, new long[] {1, theta.length}, 'c'), false);
        return net;
    }

    /**
     * The model's initial parameters, as {@code init()} draws them from the configuration's seed: what a
     * barrier task starts from, the same bits the driver's network of the model has.
     *
     * @return θ₀ in the network's flat order
     */
    public float[] initialParams() {
        MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configJson));
        net.init();
        return net.params().toFloatVector();
    }

    /** A leased network; closing clears its inputs and gives it back to the cache. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final MultiLayerNetwork network;

        private Lease(String key, MultiLayerNetwork network) {
            this.key = key;
            this.network = network;
        }

        /** @return the network, its parameters set */
        public MultiLayerNetwork network() {
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
        return "ModelHandle[" + sha256.substring(0, 12) + "]";
    }
}
