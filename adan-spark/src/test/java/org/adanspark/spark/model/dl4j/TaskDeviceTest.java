package org.adanspark.spark.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** The GPU a task binds, from the resources Spark's scheduler gave it. */
class TaskDeviceTest {

    private static Map<String, ResourceInformation> gpus(String... addresses) {
        return Map.of(TaskDevice.GPU, new ResourceInformation(TaskDevice.GPU, addresses));
    }

    @Test
    void aTaskWithAnAssignedGpuBindsThatOrdinalCheckedBeforeItsFirstUseOnly() {
        List<Integer> checked = new ArrayList<>();
        assertEquals(3, TaskDevice.bind(gpus("3"), false, checked::add));
        assertEquals(3, TaskDevice.bind(gpus("3"), false, checked::add));
        assertEquals(List.of(3), checked);
        assertThrows(IllegalStateException.class, () -> TaskDevice.bind(gpus("4"), false, d -> {
            throw new IllegalStateException("GPU " + d + " refused");
        }));
        assertThrows(IllegalStateException.class, () -> TaskDevice.bind(gpus("4"), false, d -> {
            throw new IllegalStateException("GPU " + d + " refused");
        }), "a refused device stays refused");
    }

    @Test
    void aTaskWithSeveralAddressesUsesTheFirst() {
        List<Integer> bound = new ArrayList<>();
        assertEquals(1, TaskDevice.bind(gpus("1", "0"), false, bound::add));
        assertEquals(List.of(1), bound);
    }

    @Test
    void noGpuResourceBindsNothing() {
        List<Integer> bound = new ArrayList<>();
        assertEquals(TaskDevice.NONE, TaskDevice.bind(Map.of(), false, bound::add));
        assertEquals(TaskDevice.NONE, TaskDevice.bind(null, false, bound::add));
        assertEquals(TaskDevice.NONE, TaskDevice.bind(gpus(), false, bound::add));
        assertTrue(bound.isEmpty());
    }

    @Test
    void theCpuBackendIgnoresAnAssignedGpu() {
        List<Integer> bound = new ArrayList<>();
        assertEquals(TaskDevice.NONE, TaskDevice.bind(gpus("0"), true, bound::add));
        assertTrue(bound.isEmpty());
    }

    @Test
    void anAddressThatIsNotAnOrdinalIsNamedInTheError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TaskDevice.bind(gpus("GPU-5f1c"), false, d -> { }));
        assertTrue(e.getMessage().contains("'GPU-5f1c'"), e.getMessage());
        assertTrue(e.getMessage().contains("discoveryScript"), e.getMessage());
    }

    @Test
    void outsideASparkTaskNothingIsBound() {
        assertEquals(TaskDevice.NONE, TaskDevice.bindCurrentTask());
    }

    @Test
    void theBackendsComputeCapabilitiesAreAcceptedAndNewerOrOlderGpusRefusedByName() {
        for (int[] ok : new int[][] {{3, 7}, {5, 0}, {5, 2}, {6, 1}, {7, 0}, {7, 5}, {8, 0}, {8, 6}, {8, 9}}) {
            assertTrue(TaskDevice.supported(ok[0], ok[1]), ok[0] + "." + ok[1]);
        }
        for (int[] no : new int[][] {{3, 5}, {2, 1}, {9, 0}, {10, 0}, {12, 0}}) {
            assertFalse(TaskDevice.supported(no[0], no[1]), no[0] + "." + no[1]);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TaskDevice.requireSupported(1, 9, 0));
        assertEquals("GPU 1 has compute capability 9.0; adan-spark's CUDA backend (nd4j-cuda-11.6 1.0.0-M2.1) runs "
                + "only on 3.7 and 5.0-8.x (docs/GPU.md)", e.getMessage());
    }
}
