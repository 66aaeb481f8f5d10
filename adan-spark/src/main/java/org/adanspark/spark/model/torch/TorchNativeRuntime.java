package org.adanspark.spark.model.torch;

import java.util.Map;
import org.adanspark.spark.model.NativeRuntime;
import org.adanspark.spark.runtime.TaskCompute;

/**
 * libtorch behind the port: its intra-op thread pool is set to the run's threads before a task computes; its
 * instruction sets are fixed by {@link TorchRuntime} when it loads (oneDNN at SSE4.1, ATen at AVX2, MKL's
 * reproducible path), whatever the run's OpenBLAS kernel, which a PyTorch run neither pins nor loads. Only a
 * PyTorch run reaches it.
 */
enum TorchNativeRuntime implements NativeRuntime {
    /** The one per JVM. */
    INSTANCE;

    /** The threads the last task entered with, 0 before any: what prediction outside a run computes with. */
    private static volatile int threads;

    @Override
    public void prepareJvm(String kernel) {
        // libtorch loads on first use, with the instruction sets TorchRuntime fixes
    }

    @Override
    public Map<String, String> executorEnvironment(String kernel) {
        return Map.of();
    }

    @Override
    public AutoCloseable hold(TaskCompute compute) {
        return () -> { };
    }

    @Override
    public void enter(TaskCompute compute) {
        threads = compute.threads();
        TorchRuntime.threads(threads);
    }

    /** @return the threads tasks of this JVM compute with, 0 before the first task */
    static int threads() {
        return threads;
    }
}
