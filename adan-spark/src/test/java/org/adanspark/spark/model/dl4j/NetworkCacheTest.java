package org.adanspark.spark.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.Test;

/** The executor's network cache keeps what tasks reuse and no more: bounded in keys and per key. */
class NetworkCacheTest {

    private static final MultiLayerConfiguration CONF = new NeuralNetConfiguration.Builder().list()
            .layer(new OutputLayer.Builder().nIn(2).nOut(2).build()).build();

    @Test
    void aReleasedNetworkIsBorrowedAgainInsteadOfBuilt() {
        AtomicInteger built = new AtomicInteger();
        Network first = NetworkCache.borrow("reuse", () -> build(built));
        NetworkCache.release("reuse", first);
        assertSame(first, NetworkCache.borrow("reuse", () -> build(built)));
        assertEquals(1, built.get());
    }

    @Test
    void aGridOfModelsDoesNotGrowTheCacheBeyondItsBound() {
        AtomicInteger built = new AtomicInteger();
        for (int model = 0; model < 3 * NetworkCache.MAX_KEYS; model++) {
            String key = "grid-" + model;
            NetworkCache.release(key, NetworkCache.borrow(key, () -> build(built)));
        }
        assertEquals(NetworkCache.MAX_KEYS, NetworkCache.keys());
        // the most recent models are still there; the oldest were dropped
        NetworkCache.borrow("grid-" + (3 * NetworkCache.MAX_KEYS - 1), () -> build(built));
        assertEquals(3 * NetworkCache.MAX_KEYS, built.get());
        NetworkCache.borrow("grid-0", () -> build(built));
        assertEquals(3 * NetworkCache.MAX_KEYS + 1, built.get());
    }

    @Test
    void idleNetworksPerKeyAreBounded() {
        AtomicInteger built = new AtomicInteger();
        List<Network> borrowed = new ArrayList<>();
        int many = NetworkCache.maxPerKey() + 5;
        for (int i = 0; i < many; i++) {
            borrowed.add(NetworkCache.borrow("slots", () -> build(built)));
        }
        borrowed.forEach(n -> NetworkCache.release("slots", n));
        int reused = 0;
        for (int i = 0; i < many; i++) {
            int before = built.get();
            NetworkCache.borrow("slots", () -> build(built));
            reused += built.get() == before ? 1 : 0;
        }
        assertEquals(NetworkCache.maxPerKey(), reused);
        assertTrue(built.get() > many);
    }

    private static Network build(AtomicInteger built) {
        built.incrementAndGet();
        return Network.fromJson(CONF.toJson());
    }
}
