package org.adanspark.spark.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code conf/gpu-discovery.sh} prints what Spark's own parser accepts, for the GPUs a stub
 * {@code nvidia-smi} reports or {@code CUDA_VISIBLE_DEVICES} allows, and fails loudly with none; and
 * {@code conf/spark-gpu.conf} asks for what {@link TaskDevice} binds.
 */
class GpuDiscoveryScriptTest {

    private static final Path CONF = Path.of("..", "conf");

    @TempDir
    Path bin;

    /** The script's exit status, stdout and stderr, run with PATH = only the stub directory. */
    private record Run(int status, String out, String err) {
    }

    private Run run(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", CONF.resolve("gpu-discovery.sh").toString());
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "gpu-discovery.sh did not finish");
        try (InputStream out = p.getInputStream(); InputStream err = p.getErrorStream()) {
            return new Run(p.exitValue(), new String(out.readAllBytes(), StandardCharsets.UTF_8).trim(),
                    new String(err.readAllBytes(), StandardCharsets.UTF_8).trim());
        }
    }

    private void stubNvidiaSmi(String output) throws IOException {
        Path stub = bin.resolve("nvidia-smi");
        Files.writeString(stub, "#!/bin/bash\nprintf '" + output + "'\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void reportsEveryGpuNvidiaSmiListsInSparksFormat() throws Exception {
        stubNvidiaSmi(gpus("8.6", "8.6", "7.5", "8.0"));
        Run r = run(Map.of());
        assertEquals(0, r.status(), r.err());
        ResourceInformation info = ResourceInformation.parseJson(r.out());
        assertEquals("gpu", info.name());
        assertArrayEquals(new String[] {"0", "1", "2", "3"}, info.addresses());
    }

    @Test
    void cudaVisibleDevicesRenumbersFromZero() throws Exception {
        stubNvidiaSmi(gpus("8.6", "8.6", "7.5", "8.0"));
        Run r = run(Map.of("CUDA_VISIBLE_DEVICES", "2,3"));
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(new String[] {"0", "1"}, ResourceInformation.parseJson(r.out()).addresses());
    }

    @Test
    void anEmptyCudaVisibleDevicesHidesEveryGpu() throws Exception {
        stubNvidiaSmi(gpus("8.6", "8.6"));
        Run r = run(Map.of("CUDA_VISIBLE_DEVICES", ""));
        assertEquals(1, r.status(), r.out());
        assertTrue(r.err().contains("no GPU found"), r.err());
    }

    @Test
    void aGpuTheBackendHasNoMachineCodeForIsRefusedNamingItsComputeCapability() throws Exception {
        stubNvidiaSmi(gpus("8.6", "9.0"));
        Run hopper = run(Map.of());
        assertEquals(1, hopper.status(), hopper.out());
        assertEquals("", hopper.out());
        assertTrue(hopper.err().contains("GPU 1 (GPU-0001) on") && hopper.err().contains("compute capability 9.0"),
                hopper.err());
        assertTrue(hopper.err().contains("runs only on 3.7 and 5.0-8.x"), hopper.err());

        Run onlyTheAmpere = run(Map.of("CUDA_VISIBLE_DEVICES", "GPU-0000"));
        assertEquals(0, onlyTheAmpere.status(), onlyTheAmpere.err());
        assertArrayEquals(new String[] {"0"}, ResourceInformation.parseJson(onlyTheAmpere.out()).addresses());
        assertEquals(1, run(Map.of("CUDA_VISIBLE_DEVICES", "1")).status(), "Hopper chosen by index");

        for (String refused : new String[] {"3.5", "10.0", "12.0"}) {
            stubNvidiaSmi(gpus(refused));
            assertEquals(1, run(Map.of()).status(), refused);
        }
        for (String accepted : new String[] {"3.7", "5.0", "6.1", "7.0", "8.9"}) {
            stubNvidiaSmi(gpus(accepted));
            Run r = run(Map.of());
            assertEquals(0, r.status(), accepted + ": " + r.err());
        }
    }

    /** With {@code ADAN_GPU_BACKEND=pytorch}, the range of libtorch 2.5.1+cu124's machine code: Hopper runs. */
    @Test
    void forThePyTorchBackendHopperRunsAndKeplerAndBlackwellDoNot() throws Exception {
        Map<String, String> pytorch = Map.of("ADAN_GPU_BACKEND", "pytorch");
        for (String accepted : new String[] {"5.0", "6.1", "7.5", "8.9", "9.0"}) {
            stubNvidiaSmi(gpus(accepted));
            Run r = run(pytorch);
            assertEquals(0, r.status(), accepted + ": " + r.err());
        }
        for (String refused : new String[] {"3.7", "10.0", "12.0"}) {
            stubNvidiaSmi(gpus(refused));
            Run r = run(pytorch);
            assertEquals(1, r.status(), refused);
            assertTrue(r.err().contains("compute capability " + refused + "; the PyTorch backend's CUDA build "
                    + "(libtorch 2.5.1+cu124) runs only on 5.0-9.x"), r.err());
        }
        Run bad = run(Map.of("ADAN_GPU_BACKEND", "tensorflow"));
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("ADAN_GPU_BACKEND must be dl4j or pytorch, got 'tensorflow'"), bad.err());
    }

    /** nvidia-smi's {@code --query-gpu=index,uuid,compute_cap --format=csv,noheader} for these devices. */
    private static String gpus(String... computeCapabilities) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < computeCapabilities.length; i++) {
            sb.append(i).append(", GPU-000").append(i).append(", ").append(computeCapabilities[i]).append("\\n");
        }
        return sb.toString();
    }

    @Test
    void noGpuIsAFailureWithAMessage() throws Exception {
        Run r = run(Map.of());
        assertEquals(1, r.status());
        assertTrue(r.err().contains("nvidia-smi not found"), r.err());
        assertEquals("", r.out());

        stubNvidiaSmi("");
        Run empty = run(Map.of());
        assertEquals(1, empty.status());
        assertTrue(empty.err().contains("no GPU found"), empty.err());
    }

    @Test
    void theGpuPropertiesFileRequestsOneGpuPerTaskAndNamesTheScript() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(CONF.resolve("spark-gpu.conf"))) {
            p.load(in);
        }
        assertEquals("1", p.getProperty("spark.executor.resource.gpu.amount"));
        assertEquals("1", p.getProperty("spark.task.resource.gpu.amount"));
        assertTrue(p.getProperty("spark.executor.resource.gpu.discoveryScript").endsWith("/conf/gpu-discovery.sh"));
        assertTrue(Files.isExecutable(CONF.resolve("gpu-discovery.sh")), "conf/gpu-discovery.sh must be executable");
    }
}
