package org.adanspark.spark.train;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The gradient and evaluation tasks' networks, kept in the executor's {@link NetworkCache} between
 * steps and keyed by configuration JSON; their parameters are set by each task. On a GPU executor a
 * network's arrays live on the device that built it, so networks are also keyed by the task's device.
 */
public final class NetworkPool {

    private NetworkPool() {
    }

    /**
     * @param configJson the network's configuration, as {@link MultiLayerConfiguration#toJson()}
     * @param device the calling thread's bound device ({@link TaskDevice#bindCurrentTask()}), or
     *     {@link TaskDevice#NONE}
     * @return an initialised network of that configuration, for this thread's exclusive use until
     *     {@link #release}d; its parameters are whatever the last user left
     */
    public static MultiLayerNetwork borrow(String configJson, int device) {
        return NetworkCache.borrow(key(configJson, device), () -> {
            MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configJson));
            net.init();
            return net;
        });
    }

    /**
     * Returns a borrowed network.
     *
     * @param configJson the configuration it was borrowed under
     * @param device the device it was borrowed for
     * @param net the network
     */
    public static void release(String configJson, int device, MultiLayerNetwork net) {
        net.clear();
        NetworkCache.release(key(configJson, device), net);
    }

    private static String key(String configJson, int device) {
        return "training\n" + device + "\n" + configJson;
    }
}
