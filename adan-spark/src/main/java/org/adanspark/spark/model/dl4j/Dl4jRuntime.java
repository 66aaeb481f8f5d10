package org.adanspark.spark.model.dl4j;

import java.util.LinkedHashMap;
import java.util.Map;
import org.adanspark.spark.model.NativeRuntime;
import org.adanspark.spark.runtime.BlasKernel;
import org.adanspark.spark.runtime.TaskCompute;

/**
 * ND4J's natives behind the port: the native build to load ({@link Nd4jVariant}), OpenBLAS's kernel and
 * ND4J's oneDNN instruction set ({@link BlasKernel}), pinned before they load and checked in every task, and
 * ND4J's thread pools ({@link ComputeThreads}). Only a DL4J run reaches it.
 */
enum Dl4jRuntime implements NativeRuntime {
    /** The one per JVM. */
    INSTANCE;

    @Override
    public void prepareJvm(String kernel) {
        Nd4jVariant.select();
        BlasKernel.pin(kernel); // before this JVM loads OpenBLAS, as in local[*] it computes
    }

    @Override
    public Map<String, String> executorEnvironment(String kernel) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(BlasKernel.RUN_ENV, kernel);
        env.putAll(BlasKernel.environment(kernel));
        return env;
    }

    @Override
    public AutoCloseable hold(TaskCompute compute) {
        BlasKernel.pin(compute.blasKernel()); // in a JVM that has not loaded OpenBLAS yet
        return ComputeThreads.hold(compute.threads());
    }

    @Override
    public void enter(TaskCompute compute) {
        BlasKernel.pin(compute.blasKernel());
        ComputeThreads.apply(compute.threads());
        BlasKernel.check(compute.blasKernel());
    }
}
