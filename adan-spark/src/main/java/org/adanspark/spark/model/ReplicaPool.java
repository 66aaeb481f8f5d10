package org.adanspark.spark.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor JVM's one pool of idle model instances, for every backend: a task borrows one (a DL4J network, a
 * loaded libtorch module) for its replica and gives it back when the replica closes, so building or loading a
 * model costs once per concurrent task rather than once per step or per prediction batch. An instance is not
 * thread safe; each running task borrows its own.
 *
 * <p>Bounded: at most {@link #maxIdle()} idle instances in all (twice the processors, at least 4), the least
 * recently used key's given up first, and what the pool gives up it closes, freeing its native memory at once
 * rather than whenever the garbage collector finds it. A {@code CrossValidator} grid fits and evaluates a new
 * model per point; each fitted model's prediction instances have a key of their own, and the pool must not keep
 * them all (docs/BENCHMARKS.md, "Replica memory over a grid").
 */
public final class ReplicaPool {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaPool.class);

    /** What an instance is for: its key's first part. */
    public enum Purpose {
        /** A training task's: its θ is set at every lease. */
        TRAINING,
        /** A fitted model's prediction: its θ is fixed, part of the key. */
        PREDICTION
    }

    /**
     * What makes two instances interchangeable.
     *
     * @param backend the backend's name
     * @param purpose training or prediction
     * @param device where the instance computes, e.g. {@code cpu} or {@code gpu:1}
     * @param model the SHA-256 of the model's definition
     * @param params the SHA-256 of a prediction instance's fixed θ; empty for training
     */
    public record Key(String backend, Purpose purpose, String device, String model, String params) {
        /** Checks the parts. */
        public Key {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(purpose, "purpose");
            Objects.requireNonNull(device, "device");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(params, "params");
            if ((purpose == Purpose.PREDICTION) == params.isEmpty()) {
                throw new IllegalArgumentException("a prediction instance's key names its parameters, a training one's"
                        + " does not: " + purpose + " with params '" + params + "'");
            }
        }

        /**
         * @param backend the backend's name
         * @param device the device
         * @param model the model's SHA-256
         * @return a training instance's key
         */
        public static Key training(String backend, String device, String model) {
            return new Key(backend, Purpose.TRAINING, device, model, "");
        }

        /**
         * @param backend the backend's name
         * @param device the device
         * @param model the model's SHA-256
         * @param params the fixed θ's SHA-256
         * @return a prediction instance's key
         */
        public static Key prediction(String backend, String device, String model, String params) {
            return new Key(backend, Purpose.PREDICTION, device, model, params);
        }
    }

    /** Idle instances by key, least recently used first. */
    private static final LinkedHashMap<Key, Deque<AutoCloseable>> IDLE = new LinkedHashMap<>(16, 0.75f, true);
    private static int idleCount;

    private ReplicaPool() {
    }

    /** @return idle instances kept in all: twice the processors, at least 4 */
    public static int maxIdle() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * @param key what the instance is
     * @param type its class
     * @param make makes a new one when none is idle
     * @param <T> its type
     * @return an instance for the caller's exclusive use until {@link #release}d
     */
    public static <T extends AutoCloseable> T borrow(Key key, Class<T> type, Supplier<T> make) {
        synchronized (IDLE) {
            Deque<AutoCloseable> idle = IDLE.get(key);
            AutoCloseable instance = idle == null ? null : idle.pollFirst();
            if (instance != null) {
                idleCount--;
                if (idle.isEmpty()) {
                    IDLE.remove(key);
                }
                return type.cast(instance);
            }
        }
        return make.get();
    }

    /**
     * Gives a borrowed instance back. Beyond {@link #maxIdle()} the pool closes idle instances, those of the least
     * recently used keys first.
     *
     * @param key the key it was borrowed under
     * @param instance the instance
     */
    public static void release(Key key, AutoCloseable instance) {
        List<AutoCloseable> evicted = new ArrayList<>();
        synchronized (IDLE) {
            IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).addFirst(instance);
            idleCount++;
            Iterator<Map.Entry<Key, Deque<AutoCloseable>>> eldest = IDLE.entrySet().iterator();
            while (idleCount > maxIdle() && eldest.hasNext()) {
                Deque<AutoCloseable> instances = eldest.next().getValue();
                while (idleCount > maxIdle() && !instances.isEmpty()) {
                    evicted.add(instances.pollLast());
                    idleCount--;
                }
                if (instances.isEmpty()) {
                    eldest.remove();
                }
            }
        }
        for (AutoCloseable e : evicted) {
            close(e);
        }
    }

    /** @return the keys with idle instances now (for tests and logs) */
    public static int keys() {
        synchronized (IDLE) {
            return IDLE.size();
        }
    }

    /** @return the idle instances now (for tests and logs) */
    public static int idle() {
        synchronized (IDLE) {
            return idleCount;
        }
    }

    /** Closes every idle instance (tests; an executor that is shutting down). */
    public static void clear() {
        List<AutoCloseable> all = new ArrayList<>();
        synchronized (IDLE) {
            IDLE.values().forEach(all::addAll);
            IDLE.clear();
            idleCount = 0;
        }
        all.forEach(ReplicaPool::close);
    }

    private static void close(AutoCloseable instance) {
        try {
            instance.close();
        } catch (Exception e) {
            LOG.warn("could not close an evicted model instance ({}): {}", instance.getClass().getSimpleName(), e.toString());
        }
    }
}
