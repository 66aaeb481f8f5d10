package org.adanspark.spark.runtime;

import java.io.Serializable;
import org.apache.spark.SparkConf;

/**
 * How a gradient or evaluation task computes: the run's thread count and BLAS kernel, the two settings
 * of the executor's native libraries that change a result's bits. Shipped with every task, which calls
 * {@link #enter()} before it computes.
 *
 * @param threads ND4J/OpenBLAS threads, ≥ 1 ({@link ComputeThreads})
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
        return new TaskCompute(ComputeThreads.resolve(0, conf), BlasKernel.requested());
    }

    /**
     * Pins the kernel (when this JVM has not loaded OpenBLAS yet), sets the thread count, and checks that
     * the loaded OpenBLAS runs the run's kernel.
     *
     * @throws IllegalStateException naming both kernels and the fix when this JVM loaded another one
     */
    public void enter() {
        BlasKernel.pin(blasKernel);
        ComputeThreads.apply(threads);
        BlasKernel.check(blasKernel);
    }
}
