package org.adanspark.spark.model.dl4j;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The executor JVM's one cache of initialised DL4J networks, shared by the gradient and evaluation tasks
 * and by the ML models' predictions. Building a network (parameter allocation, workspaces) costs far more
 * than a step's work on a small model, so tasks borrow one and give it back. A network is not thread
 * safe: each concurrently running task borrows its own.
 *
 * <p>Bounded both ways: at most {@link #MAX_KEYS} keys (model configurations, devices, parameter sets),
 * the least recently used dropped first — a {@code CrossValidator} grid builds a new model per fit, and
 * the cache must not keep them all — and at most {@link #maxPerKey()} idle networks per key, about the
 * number of task slots. Dropped networks are left to the garbage collector, which frees their native
 * memory.
 */
public final class NetworkCache {

    /** Keys kept: enough for a few models in training and a few fitted ones predicting. */
    public static final int MAX_KEYS = 16;

    private static final Map<String, Deque<Network>> IDLE = new LinkedHashMap<>(MAX_KEYS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Network>> eldest) {
            return size() > MAX_KEYS;
        }
    };

    private NetworkCache() {
    }

    /** @return idle networks kept per key: twice the processors, at least 2 */
    public static int maxPerKey() {
        return Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param key what the network is (its configuration, and whatever else makes two networks differ)
     * @param build makes a new network when none is idle
     * @return a network for the caller's exclusive use until {@link #release}d
     */
    public static Network borrow(String key, Supplier<Network> build) {
        synchronized (IDLE) {
            Deque<Network> idle = IDLE.get(key);
            Network net = idle == null ? null : idle.pollFirst();
            if (net != null) {
                return net;
            }
        }
        return build.get();
    }

    /**
     * Gives a borrowed network back; beyond the per-key bound it is dropped.
     *
     * @param key the key it was borrowed under
     * @param net the network
     */
    public static void release(String key, Network net) {
        synchronized (IDLE) {
            Deque<Network> idle = IDLE.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (idle.size() < maxPerKey()) {
                idle.addFirst(net);
            }
        }
    }

    /** @return how many keys the cache holds now (for tests and logs) */
    public static int keys() {
        synchronized (IDLE) {
            return IDLE.size();
        }
    }
}
