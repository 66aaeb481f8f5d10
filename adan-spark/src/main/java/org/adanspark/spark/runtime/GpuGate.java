package org.adanspark.spark.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a task computes on the GPU Spark assigned it ({@link TaskGpu}), one gate per backend with the same
 * rules for all (docs/GPU.md): no assignment, the CPU; an assignment to a JVM whose natives are a CPU build, the
 * CPU with one warning; else the device, checked by the backend before its first use in this JVM (its compute
 * capability against the kernels the natives carry, then whatever else the backend needs), a refused device
 * staying refused. What differs between backends — their natives, their supported range, how a device is
 * read and bound — is the backend's.
 */
public final class GpuGate {

    private static final Logger LOG = LoggerFactory.getLogger(GpuGate.class);

    private final String cpuBuild;
    private final AtomicBoolean warnedCpu = new AtomicBoolean();
    private final Set<Integer> checked = ConcurrentHashMap.newKeySet();

    /**
     * @param cpuBuild what to say of this backend's natives when they are a CPU build, e.g.
     *     {@code "libtorch here is its CPU build"}
     */
    public GpuGate(String cpuBuild) {
        this.cpuBuild = cpuBuild;
    }

    /**
     * @param gpu the task's GPU ordinal ({@link TaskGpu#ofCurrentTask}), or {@link TaskGpu#NONE}
     * @param cuda whether this JVM's natives for the backend can compute on a GPU
     * @param check checks a device before its first use; throws when it cannot be used
     * @return the GPU to compute on, or {@link TaskGpu#NONE} for the CPU
     * @throws IllegalStateException when the device is refused
     */
    public int admit(int gpu, boolean cuda, IntConsumer check) {
        if (gpu == TaskGpu.NONE) {
            return TaskGpu.NONE;
        }
        if (!cuda) {
            if (warnedCpu.compareAndSet(false, true)) {
                LOG.warn("Spark assigned GPU {} to this task, but {}; the task runs on the CPU. Build the submit jar with "
                        + "mvn -Pcuda to use the GPU (docs/GPU.md).", gpu, cpuBuild);
            }
            return TaskGpu.NONE;
        }
        if (!checked.contains(gpu)) {
            check.accept(gpu);
            checked.add(gpu);
        }
        return gpu;
    }

    /**
     * @param device the CUDA ordinal, for the message
     * @param major its compute capability, major part
     * @param minor its minor part
     * @param supported whether the backend's natives run there
     * @param natives the natives, as the subject of "run only on", e.g.
     *     {@code "the PyTorch backend's CUDA natives (libtorch 2.5.1+cu124) run"}
     * @param range the capabilities they run on, e.g. {@code "5.0-9.x"}
     * @throws IllegalStateException naming the device, its capability and the range when unsupported
     */
    public static void requireSupported(int device, int major, int minor, boolean supported, String natives,
                                        String range) {
        if (!supported) {
            throw new IllegalStateException("GPU " + device + " has compute capability " + major + "." + minor + "; "
                    + natives + " only on " + range + " (docs/GPU.md)");
        }
    }
}
