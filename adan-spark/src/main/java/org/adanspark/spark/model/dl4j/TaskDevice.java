package org.adanspark.spark.model.dl4j;

import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.adanspark.spark.runtime.GpuGate;
import org.adanspark.spark.runtime.TaskGpu;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a Spark task's thread to the GPU Spark's resource scheduler assigned it
 * ({@code spark.task.resource.gpu.amount}), so that ND4J's CUDA backend allocates that task's network
 * and micro-batches on that device. Without GPU scheduling — the CPU backend, local mode, or a cluster
 * with no {@code gpu} resource — a task has no assignment and nothing is bound.
 *
 * <p>The assignment is {@link TaskGpu}'s; before a task first uses a device, its compute capability is
 * checked against what the backend was built for ({@link #supported}).
 */
public final class TaskDevice {

    static {
        Nd4jVariant.select(); // ND4J's native build and the BLAS kernel, before this class first reaches ND4J
    }

    /** The task resource name Spark's GPU scheduling uses. */
    public static final String GPU = TaskGpu.RESOURCE;

    /** No device assigned: the task runs on the backend's default device (the CPU for nd4j-native). */
    public static final int NONE = TaskGpu.NONE;

    private static final Logger LOG = LoggerFactory.getLogger(TaskDevice.class);
    private static final GpuGate GATE = new GpuGate("ND4J's backend is the CPU one");

    private TaskDevice() {
    }

    /**
     * Binds the calling task thread to its assigned GPU, if any.
     *
     * @return the bound device ordinal, or {@link #NONE}
     */
    public static int bindCurrentTask() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return NONE;
        }
        boolean cpuBackend = Nd4j.getEnvironment().isCPU();
        int device = bind(context.resourcesJMap(), cpuBackend, d -> {
            int[] cc = computeCapability(d);
            if (cc != null) {
                requireSupported(d, cc[0], cc[1]);
            }
        });
        if (device != NONE) {
            Nd4j.getAffinityManager().unsafeSetDevice(device); // the thread's device, at every lease
        }
        return device;
    }

    /**
     * Whether the bundled CUDA backend can run on a device: nd4j-cuda-11.6 1.0.0-M2.1 carries machine code
     * (SASS) for compute capability 3.7, 5.0, 5.2, 6.0, 6.1, 7.0, 7.5, 8.0 and 8.6 and no PTX, and machine
     * code runs only on its own major version at an equal or higher minor one. So 3.7 and 5.0–8.x run;
     * 3.5 and older, and Hopper (9.0) and everything newer, do not.
     *
     * @param major the device's compute capability, major part
     * @param minor its minor part
     * @return whether the backend runs there
     */
    public static boolean supported(int major, int minor) {
        return (major == 3 && minor >= 7) || (major >= 5 && major <= 8);
    }

    /**
     * @param device the CUDA ordinal, for the message
     * @param major its compute capability, major part
     * @param minor its minor part
     * @throws IllegalStateException naming the device and its compute capability when unsupported
     */
    static void requireSupported(int device, int major, int minor) {
        GpuGate.requireSupported(device, major, minor, supported(major, minor),
                "adan-spark's CUDA backend (nd4j-cuda-11.6 1.0.0-M2.1) runs", "3.7 and 5.0-8.x");
    }

    /** @return {major, minor} of a device as ND4J's CUDA backend reports it, or null when it reports none */
    private static int[] computeCapability(int device) {
        Object info = Nd4j.getExecutioner().getEnvironmentInformation()
                .get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY);
        if (!(info instanceof List<?> devices) || device >= devices.size()
                || !(devices.get(device) instanceof Map<?, ?> d)
                || !(d.get(Nd4jEnvironment.CUDA_DEVICE_MAJOR_VERSION_KEY) instanceof Number major)
                || !(d.get(Nd4jEnvironment.CUDA_DEVICE_MINOR_VERSION_KEY) instanceof Number minor)) {
            LOG.warn("ND4J reports no compute capability for GPU {}; not checked", device);
            return null;
        }
        return new int[] {major.intValue(), minor.intValue()};
    }

    /**
     * The binding decision, apart from Spark's and ND4J's singletons: the backend's {@link GpuGate}.
     *
     * @param resources the task's resources, as {@link TaskContext#resourcesJMap()}
     * @param cpuBackend whether ND4J's backend is the CPU one (then an assigned GPU cannot be used)
     * @param check checks a device before its first use in this JVM
     * @return the device to bind, or {@link #NONE}
     * @throws IllegalStateException when the assigned address is not a CUDA ordinal ({@link TaskGpu#assigned}),
     *     or the device is refused
     */
    static int bind(Map<String, ResourceInformation> resources, boolean cpuBackend, IntConsumer check) {
        return GATE.admit(TaskGpu.assigned(resources), !cpuBackend, check);
    }
}
