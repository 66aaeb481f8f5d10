package org.adanspark.spark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor's replica pool keeps what tasks reuse and no more: bounded in idle instances over all keys, the
 * least recently used key's given up first, and what it gives up is closed.
 */
class ReplicaPoolTest {

    /** A model instance that records whether it was closed. */
    static final class Instance implements AutoCloseable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    /** The pool is the JVM's: other test classes' instances are closed before and after each case. */
    @BeforeEach
    @AfterEach
    void empty() {
        ReplicaPool.clear();
    }

    private static ReplicaPool.Key training(String model) {
        return ReplicaPool.Key.training("test", "cpu", model);
    }

    @Test
    void aReleasedInstanceIsBorrowedAgainInsteadOfMade() {
        AtomicInteger made = new AtomicInteger();
        Instance first = ReplicaPool.borrow(training("m"), Instance.class, () -> make(made));
        ReplicaPool.release(training("m"), first);
        assertSame(first, ReplicaPool.borrow(training("m"), Instance.class, () -> make(made)));
        assertEquals(1, made.get());
        assertFalse(first.closed);
        assertEquals(0, ReplicaPool.idle());
    }

    @Test
    void keysOfOtherPurposesDevicesOrParametersDoNotShareInstances() {
        AtomicInteger made = new AtomicInteger();
        ReplicaPool.release(training("m"), make(made));
        ReplicaPool.borrow(ReplicaPool.Key.prediction("test", "cpu", "m", "theta-1"), Instance.class, () -> make(made));
        ReplicaPool.borrow(ReplicaPool.Key.training("test", "gpu:0", "m"), Instance.class, () -> make(made));
        ReplicaPool.borrow(ReplicaPool.Key.training("other", "cpu", "m"), Instance.class, () -> make(made));
        assertEquals(4, made.get());
        assertThrows(IllegalArgumentException.class, () -> new ReplicaPool.Key("test", ReplicaPool.Purpose.PREDICTION,
                "cpu", "m", ""), "a prediction key names its parameters");
    }

    @Test
    void aGridOfFittedModelsKeepsAtMostTheBoundAndClosesWhatItGivesUp() {
        AtomicInteger made = new AtomicInteger();
        List<Instance> all = new ArrayList<>();
        int points = 3 * ReplicaPool.maxIdle();
        for (int point = 0; point < points; point++) {
            ReplicaPool.Key key = ReplicaPool.Key.prediction("test", "cpu", "m", "theta-" + point);
            Instance instance = ReplicaPool.borrow(key, Instance.class, () -> make(made));
            all.add(instance);
            ReplicaPool.release(key, instance);
            assertTrue(ReplicaPool.idle() <= ReplicaPool.maxIdle());
        }
        assertEquals(ReplicaPool.maxIdle(), ReplicaPool.idle());
        long closed = all.stream().filter(i -> i.closed).count();
        assertEquals(points - ReplicaPool.maxIdle(), closed, "every instance the pool gave up is closed");
        assertTrue(all.get(0).closed, "the least recently used first");
        assertFalse(all.get(points - 1).closed, "the newest is kept");
        ReplicaPool.clear();
        assertTrue(all.stream().allMatch(i -> i.closed));
    }

    @Test
    void aKeyInUseStaysWhileOlderOnesGo() {
        AtomicInteger made = new AtomicInteger();
        Instance training = ReplicaPool.borrow(training("train"), Instance.class, () -> make(made));
        ReplicaPool.release(training("train"), training);
        for (int point = 0; point < 2 * ReplicaPool.maxIdle(); point++) {
            ReplicaPool.Key key = ReplicaPool.Key.prediction("test", "cpu", "m", "theta-" + point);
            ReplicaPool.release(key, ReplicaPool.borrow(key, Instance.class, () -> make(made)));
            // the training task comes back every step: its key stays recent
            ReplicaPool.release(training("train"), ReplicaPool.borrow(training("train"), Instance.class, () -> make(made)));
        }
        assertFalse(training.closed);
        assertSame(training, ReplicaPool.borrow(training("train"), Instance.class, () -> make(made)));
    }

    @Test
    void asManyIdleAsTheBoundAreKeptForOneKey() {
        AtomicInteger made = new AtomicInteger();
        List<Instance> borrowed = new ArrayList<>();
        int many = ReplicaPool.maxIdle() + 3;
        for (int i = 0; i < many; i++) {
            borrowed.add(ReplicaPool.borrow(training("slots"), Instance.class, () -> make(made)));
        }
        borrowed.forEach(n -> ReplicaPool.release(training("slots"), n));
        assertEquals(ReplicaPool.maxIdle(), ReplicaPool.idle());
        assertEquals(3, borrowed.stream().filter(i -> i.closed).count());
    }

    private static Instance make(AtomicInteger made) {
        made.incrementAndGet();
        return new Instance();
    }
}
