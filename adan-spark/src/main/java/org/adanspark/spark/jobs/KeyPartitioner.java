package org.adanspark.spark.jobs;

import org.apache.spark.Partitioner;

/** Sends integer key {@code k} (a shard or group id in {@code [0, n)}) to reduce partition {@code k}. */
final class KeyPartitioner extends Partitioner {

    private static final long serialVersionUID = 1L;

    private final int n;

    KeyPartitioner(int n) {
        this.n = n;
    }

    @Override
    public int numPartitions() {
        return n;
    }

    @Override
    public int getPartition(Object key) {
        return (Integer) key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyPartitioner k && k.n == n;
    }

    @Override
    public int hashCode() {
        return n;
    }
}
