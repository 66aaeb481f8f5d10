package org.adanspark.spark.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.adanspark.spark.cli.TrainMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each backend's native runtime is reached only through the port: a PyTorch run loads no class of ND4J, DL4J or
 * JavaCPP (so it neither pins OpenBLAS nor sets ND4J's threads), and a DL4J run loads no class of DJL (so no
 * libtorch). Each run is {@code adan-train} in a JVM of its own, whose {@code -verbose:class} lines list every
 * class it loaded; this test's JVM has loaded both long since.
 */
class NativeIsolationTest {

    @TempDir
    Path tmp;

    @Test
    void aPyTorchRunLoadsNothingOfNd4jOrDl4j() throws Exception {
        String module = Path.of(getClass().getResource("/torchscript/mlp.pt").toURI()).toString();
        List<String> loaded = run("torch", "--model", "torchscript:" + module);
        assertTrue(loaded.stream().anyMatch(c -> c.startsWith("ai.djl.pytorch.")), "the run trained on libtorch");
        List<String> foreign = loaded.stream().filter(c -> c.startsWith("org.nd4j.") || c.startsWith("org.deeplearning4j.")
                || c.startsWith("org.bytedeco.")).toList();
        assertEquals(List.of(), foreign, "a PyTorch run loaded ND4J, DL4J or JavaCPP classes");
    }

    @Test
    void aDl4jRunLoadsNothingOfDjl() throws Exception {
        List<String> loaded = run("dl4j", "--model", "mlp:16");
        assertTrue(loaded.stream().anyMatch(c -> c.startsWith("org.nd4j.")), "the run trained on ND4J");
        List<String> foreign = loaded.stream().filter(c -> c.startsWith("ai.djl.")).toList();
        assertEquals(List.of(), foreign, "a DL4J run loaded DJL classes");
    }

    /** @return the classes a two-step run of {@code adan-train} with {@code model} loaded, by name */
    private List<String> run(String name, String... model) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!arg.startsWith("-agentlib") && !arg.startsWith("-javaagent") && !arg.startsWith("-Xrunjdwp")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-verbose:class", "-cp", System.getProperty("java.class.path"), TrainMain.class.getName(),
                "--data", "fashion-mnist", "--max-steps", "2", "--global-batch", "256", "--master", "local[1]",
                "--conf", "adan.data.train-limit=512", "--conf", "adan.data.test-limit=100"));
        command.addAll(List.of(model));
        Path log = tmp.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(new File(System.getProperty("user.dir"))).start();
        assertTrue(p.waitFor(3, TimeUnit.MINUTES), name + " run did not finish");
        List<String> lines = Files.readAllLines(log);
        assertEquals(0, p.exitValue(), name + " run failed:\n" + String.join("\n", lines.subList(Math.max(0,
                lines.size() - 40), lines.size())));
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("done: 2 steps")), name + " run did not train");
        List<String> classes = new ArrayList<>();
        for (String line : lines) {
            int at = line.indexOf("][class,load] ");
            if (at >= 0) {
                String rest = line.substring(at + "][class,load] ".length());
                classes.add(rest.substring(0, rest.indexOf(' ')));
            }
        }
        assertTrue(classes.size() > 1000, name + ": no -verbose:class lines");
        return classes;
    }
}
