package org.adanspark.spark.runtime;

import java.io.Serializable;
import org.apache.spark.SparkConf;

/**
 * How a gradient or evaluation task computes: the run's thread count and CPU kernel, the two settings
 * of the executor's native libraries that change a result's bits. Shipped with every task, which hands it to
 * its model's backend ({@code ModelHandle.runtime().enter}) before it computes.
 *
 * @param threads the backend's compute threads (ND4J/OpenBLAS's, libtorch's), ≥ 1
 * @param blasKernel the OpenBLAS kernel, from {@link BlasKernel#canonical}
 */
public record TaskCompute(int threads, String blasKernel) implements Serializable {

    /**
     * What a task computes with outside a run (a fitted model's evaluation): {@code spark.task.cpus}
     * threads and the kernel this JVM asked for ({@link BlasKernel#requested()}).
     *
     * @param conf the application's Spark configuration
     * @return the settings
     */
    public static TaskCompute of(SparkConf conf) {
        return new TaskCompute(threads(0, conf), BlasKernel.requested());
    }

    /**
     * Resolves a run's configured thread count against Spark's configuration.
     *
     * @param configured {@code adan.train.compute-threads}: a positive count, or 0 for {@code spark.task.cpus}
     * @param conf the application's Spark configuration
     * @return the threads each task computes with, ≥ 1
     */
    public static int threads(int configured, SparkConf conf) {
        if (configured > 0) {
            return configured;
        }
        return Math.max(1, conf.getInt("spark.task.cpus", 1));
    }
}
