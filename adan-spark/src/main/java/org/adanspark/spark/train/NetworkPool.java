package org.adanspark.spark.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Initialised DL4J networks kept in an executor JVM between steps, keyed by configuration JSON.
 * A network is not thread safe, so each concurrently running task borrows its own; the pool grows to
 * the number of task slots and no further. Building a network (parameter allocation, workspaces) costs
 * far more than a step's work on a small model, which is why it is cached. On a GPU executor a network's
 * arrays live on the device that built it, so networks are also keyed by the task's device.
 */
public final class NetworkPool {

    private static final Map<String, ConcurrentLinkedDeque<MultiLayerNetwork>> POOL = new ConcurrentHashMap<>();

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
        MultiLayerNetwork net = POOL.computeIfAbsent(key(configJson, device), k -> new ConcurrentLinkedDeque<>())
                .pollFirst();
        if (net == null) {
            net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configJson));
            net.init();
        }
        return net;
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
        POOL.computeIfAbsent(key(configJson, device), k -> new ConcurrentLinkedDeque<>()).addFirst(net);
    }

    private static String key(String configJson, int device) {
        return device + "\n" + configJson;
    }
}
