package org.adanspark.spark.model;

import java.util.Map;
import org.adanspark.spark.runtime.TaskCompute;

/**
 * A compute backend's native libraries in one JVM, behind the port (docs/ARCHITECTURE.md, "Executor compute"):
 * the thread count and CPU kernel a run computes with are applied and checked by the backend that computes, so a
 * PyTorch run never sets ND4J's threads or pins OpenBLAS, and a DL4J run never loads libtorch. The trainer, the
 * tasks and the command line reach it through {@link ComputeBackend#runtime()} and {@link ModelHandle#runtime()}.
 */
public interface NativeRuntime {

    /**
     * In a JVM that will compute (the driver of a local run, before Spark starts): what must be set before the
     * backend's libraries load (the native build to load, the CPU kernel).
     *
     * @param kernel the run's CPU kernel, canonical
     */
    void prepareJvm(String kernel);

    /**
     * @param kernel the run's CPU kernel, canonical
     * @return the environment executors of a cluster need to compute as this run does (empty for none)
     */
    Map<String, String> executorEnvironment(String kernel);

    /**
     * On the driver, for the length of a run: the run's thread count for what the driver computes (building the
     * model, evaluation in local mode), the caller's restored on close.
     *
     * @param compute the run's threads and kernel
     * @return what restores the caller's settings
     */
    AutoCloseable hold(TaskCompute compute);

    /**
     * Before a task computes: applies the run's threads and kernel in this JVM and checks that the loaded
     * libraries compute with them.
     *
     * @param compute the run's threads and kernel
     * @throws IllegalStateException naming what this JVM loaded and the fix when it cannot compute the run's bits
     */
    void enter(TaskCompute compute);
}
