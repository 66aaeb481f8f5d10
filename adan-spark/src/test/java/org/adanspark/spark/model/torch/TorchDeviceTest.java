package org.adanspark.spark.model.torch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import java.util.ArrayList;
import java.util.List;
import org.adanspark.spark.runtime.TaskGpu;
import org.junit.jupiter.api.Test;

/**
 * The PyTorch backend's GPU binding, as far as a machine without a GPU can check it: which device a task
 * gets, which compute capabilities the CUDA natives run on, and the in-place assignment that writes θ into a
 * GPU's tensors (run here on CPU tensors).
 */
class TorchDeviceTest {

    @Test
    void aTaskWithAnAssignedGpuComputesThereWhenLibtorchHasCudaAndTheDeviceIsCheckedOnce() {
        List<Integer> checked = new ArrayList<>();
        assertEquals(Device.gpu(3), TorchDevice.choose(3, true, checked::add));
        assertEquals(Device.gpu(3), TorchDevice.choose(3, true, checked::add));
        assertEquals(List.of(3), checked, "checked before its first use only");
        assertEquals(Device.cpu(), TorchDevice.choose(TaskGpu.NONE, true, checked::add), "no assignment: the CPU");
        assertEquals(Device.cpu(), TorchDevice.choose(1, false, checked::add), "the CPU natives: the CPU, with a warning");
        assertEquals(List.of(3), checked);
        assertThrows(IllegalStateException.class, () -> TorchDevice.choose(6, true, d -> {
            throw new IllegalStateException("GPU " + d + " refused");
        }));
        assertThrows(IllegalStateException.class, () -> TorchDevice.choose(6, true, d -> {
            throw new IllegalStateException("GPU " + d + " refused");
        }), "a refused device stays refused");
    }

    @Test
    void theCudaNativesRunOnMaxwellToHopperAndARefusedDeviceIsNamed() {
        for (String cc : new String[] {"50", "52", "61", "70", "75", "80", "86", "89", "90"}) {
            TorchDevice.requireSupported(0, cc);
        }
        assertFalse(TorchDevice.supported(3, 7), "Kepler");
        assertTrue(TorchDevice.supported(9, 0), "Hopper");
        for (String cc : new String[] {"37", "100", "120"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> TorchDevice.requireSupported(2, cc));
            assertTrue(e.getMessage().startsWith("GPU 2 has compute capability " + cc.substring(0, cc.length() - 1) + "."
                    + cc.charAt(cc.length() - 1) + "; "), e.getMessage());
            assertTrue(e.getMessage().contains("libtorch 2.5.1+cu124"), e.getMessage());
        }
    }

    /** θ reaches a GPU's tensors by an indexed assignment: in place, so the tensor a module holds sees it. */
    @Test
    void anAssignmentWritesATensorInPlace() {
        try (NDManager manager = TorchRuntime.engine().newBaseManager()) {
            PtNDArray t = (PtNDArray) manager.zeros(new Shape(2, 3));
            t.setRequiresGradient(true);
            var storage = TorchModule.storage(t);
            float[] values = {9, 9, 1, 2, 3, 4, 5, 6, 9};
            TorchModule.assign(t, values, 2, 6);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray());
            assertEquals(6f, storage.get(5), "the same storage");
        }
    }
}
