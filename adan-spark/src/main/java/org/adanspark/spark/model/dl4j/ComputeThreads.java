package org.adanspark.spark.model.dl4j;

import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The number of threads ND4J uses inside one gradient or evaluation task — part of a run's definition,
 * not an accident of the host.
 *
 * <p>A GEMM or a reduction split over more threads adds its partial sums in another order, so the bits
 * of a gradient depend on the thread count. Left alone, ND4J takes its count from {@code OMP_NUM_THREADS}
 * at start-up: Spark sets that to {@code spark.task.cpus} on a cluster's executors (one thread), while an
 * embedded {@code local[*]} run inherits the host's cores. Every task therefore sets the count explicitly,
 * for ND4J's own thread pool and for OpenBLAS, before it computes; the driver and every executor then
 * compute the same bits whatever the topology (docs/TRAINING.md, "Reproducibility").
 *
 * <p>The setting is process-wide in ND4J, so all tasks of an executor must agree on it; they do, since
 * it is one value per run. The driver holds the run's count for the length of the run ({@link #hold}) and
 * gives the JVM its earlier counts back afterwards, so that a user's own ND4J work in the same JVM — an
 * ML model's {@code transform}, a DL4J fit — is not left single-threaded by a fit in {@code local} mode.
 */
final class ComputeThreads {

    private static final Logger LOG = LoggerFactory.getLogger(ComputeThreads.class);
    private static final Object LOCK = new Object();
    private static volatile int applied;

    static {
        Nd4jVariant.select(); // before this class's first use of ND4J, in every executor
    }

    private ComputeThreads() {
    }

    /**
     * Sets the run's count in this JVM until the returned handle is closed, which restores the counts ND4J
     * had before.
     *
     * @param threads the thread count, ≥ 1
     * @return closes to restore the earlier counts
     */
    static AutoCloseable hold(int threads) {
        int maxThreads;
        int masterThreads;
        int blasThreads;
        synchronized (LOCK) {
            maxThreads = Nd4j.getEnvironment().maxThreads();
            masterThreads = Nd4j.getEnvironment().maxMasterThreads();
            blasThreads = Nd4j.factory().blas().getMaxThreads();
        }
        apply(threads);
        return () -> {
            synchronized (LOCK) {
                Nd4j.getEnvironment().setMaxThreads(maxThreads);
                Nd4j.getEnvironment().setMaxMasterThreads(masterThreads);
                Nd4j.factory().blas().setMaxThreads(blasThreads);
                applied = 0; // the next apply sets its count again
            }
        };
    }

    /**
     * Makes ND4J (its thread pool and OpenBLAS) in this JVM compute with {@code threads} threads. Cheap
     * when the count is already set, so every task calls it before computing.
     *
     * @param threads the thread count, ≥ 1
     * @throws IllegalArgumentException when {@code threads < 1}
     */
    static void apply(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("compute threads must be >= 1, got " + threads);
        }
        if (applied == threads) {
            return;
        }
        synchronized (LOCK) {
            if (applied == threads) {
                return;
            }
            Nd4j.getEnvironment().setMaxThreads(threads);
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.factory().blas().setMaxThreads(threads);
            LOG.debug("ND4J computes with {} thread(s) in this JVM (was {})", threads, applied);
            applied = threads;
        }
    }
}
