package org.adanspark.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs both examples end to end, briefly, through {@code bin/adan-example} as the README does. */
class ExamplesTest {

    /** Runs {@code bin/adan-example ARGS} as the README does, and returns what it printed. */
    private static String example(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("../bin/adan-example"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("ADAN_SKIP_BUILD", "1"); // this build is the one under test
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("ADAN_JAVA_OPTS", "-Xmx3g");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
        System.out.print(out);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    @Test
    void theJavaPipelineExampleTrainsSavesAndReloads(@TempDir Path tmp) throws IOException, InterruptedException {
        Path model = tmp.resolve("model");
        String out = example("java", "1", model.toString(), "12000");
        assertTrue(out.matches("(?s).*a9a test accuracy 0\\.8\\d+; saved to .*; reloaded: 0\\.8\\d+.*"), out);
        assertTrue(Files.isDirectory(model.resolve("stages")), "the pipeline was saved");
    }

    @Test
    void theScalaTuningExampleCrossValidatesTheGrid() throws IOException, InterruptedException {
        String out = example("scala", "1", "3000");
        assertTrue(out.contains("adan   lr 0.002"), out);
        assertTrue(out.contains("adamw  lr 0.02"), out);
        assertTrue(out.matches("(?s).*best: \\w+ lr [0-9.]+; a9a test accuracy 0\\.\\d+.*"), out);
    }
}
