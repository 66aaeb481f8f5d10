package org.adanspark.spark.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.cuda.CudaUtils;
import java.util.function.IntConsumer;
import org.adanspark.spark.runtime.GpuGate;
import org.adanspark.spark.runtime.TaskGpu;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device a task's PyTorch modules run on: the GPU Spark's resource scheduler assigned the task
 * ({@link TaskGpu}), when this JVM's libtorch is a CUDA build (the {@code cuda} profile's
 * {@code pytorch-native-cu124}); else the CPU (docs/GPU.md). Before a task first uses a GPU, the device is
 * checked: its compute capability against the kernels the natives carry ({@link #supported}), then one
 * operation on it, so natives that cannot run there are refused naming the device instead of failing inside
 * a training pass.
 */
final class TorchDevice {

    private static final Logger LOG = LoggerFactory.getLogger(TorchDevice.class);
    private static final GpuGate GATE = new GpuGate("libtorch here is its CPU build");

    private TorchDevice() {
    }

    /**
     * @return the calling task's device: its assigned GPU, checked once per JVM, or the CPU
     * @throws IllegalStateException when the assigned GPU is one the natives cannot run on
     */
    static Device ofCurrentTask() {
        int gpu = TaskGpu.ofCurrentTask();
        return gpu == TaskGpu.NONE ? Device.cpu() : choose(gpu, TorchRuntime.hasCuda(), TorchDevice::check);
    }

    /**
     * The decision, apart from Spark's and libtorch's singletons.
     *
     * @param gpu the task's GPU ordinal, or {@link TaskGpu#NONE}
     * @param cuda whether libtorch here is a CUDA build
     * @param check checks a device before its first use; throws when it cannot be used
     * @return the device
     */
    static Device choose(int gpu, boolean cuda, IntConsumer check) {
        int device = GATE.admit(gpu, cuda, check);
        return device == TaskGpu.NONE ? Device.cpu() : Device.gpu(device);
    }

    /**
     * Whether the CUDA natives run on a device: libtorch 2.5.1+cu124 carries machine code (SASS) for compute
     * capability 5.0, 6.0, 7.0, 7.5, 8.0, 8.6 and 9.0 and no PTX (PyTorch's CUDA 12 builds before 12.8), and
     * machine code runs on its own major version at an equal or higher minor one. So 5.x–9.x run — Maxwell to
     * Hopper — and Kepler and Blackwell (10.0, 12.0) do not.
     *
     * @param major the device's compute capability, major part
     * @param minor its minor part
     * @return whether the natives run there
     */
    static boolean supported(int major, int minor) {
        return major >= 5 && major <= 9 && minor >= 0;
    }

    /**
     * @param device the CUDA ordinal, for the message
     * @param capability the compute capability as DJL reports it, major then minor digit ({@code "90"},
     *     {@code "120"})
     * @throws IllegalStateException naming the device and its compute capability when unsupported
     */
    static void requireSupported(int device, String capability) {
        int major = Integer.parseInt(capability.substring(0, capability.length() - 1));
        int minor = capability.charAt(capability.length() - 1) - '0';
        GpuGate.requireSupported(device, major, minor, supported(major, minor),
                "the PyTorch backend's CUDA natives (libtorch 2.5.1+cu124) run", "5.0-9.x");
    }

    /** The device's compute capability, where DJL can read it, then one operation on it. */
    private static void check(int device) {
        String capability = null;
        try {
            capability = CudaUtils.getComputeCapability(device);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("the compute capability of GPU {} cannot be read ({}); not checked", device, e.toString());
        }
        if (capability != null && capability.matches("\\d{2,3}")) {
            requireSupported(device, capability);
        }
        try (NDManager manager = TorchRuntime.engine().newBaseManager(Device.gpu(device))) {
            manager.ones(new Shape(4)).add(1).toFloatArray();
        } catch (RuntimeException e) {
            throw new IllegalStateException("GPU " + device + ": libtorch " + TorchRuntime.engine().getVersion()
                    + " cannot compute on it: " + TorchModule.firstLine(e.getMessage()) + " (docs/GPU.md)", e);
        }
        LOG.info("PyTorch backend: tasks on GPU {}{}", device, capability == null ? "" : " (compute capability "
                + capability + ")");
    }
}
