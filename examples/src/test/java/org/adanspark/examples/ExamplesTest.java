package org.adanspark.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs both examples end to end, briefly, as {@code bin/adan-example} would. */
class ExamplesTest {

    private static String run(ThrowingMain main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        return out;
    }

    private interface ThrowingMain {
        void run() throws Exception;
    }

    @Test
    void theJavaPipelineExampleTrainsSavesAndReloads(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("model");
        String out = run(() -> A9aPipelineExample.main(new String[] {"1", model.toString()}));
        assertTrue(out.matches("(?s).*a9a test accuracy 0\\.8\\d+; saved to .*; reloaded: 0\\.8\\d+.*"), out);
        assertTrue(Files.isDirectory(model.resolve("stages")), "the pipeline was saved");
    }

    @Test
    void theScalaTuningExampleCrossValidatesTheGrid() throws Exception {
        String out = run(() -> OptimizerTuningExample.main(new String[] {"1", "4000"}));
        assertTrue(out.contains("adan   lr 0.002"), out);
        assertTrue(out.contains("adamw  lr 0.02"), out);
        assertTrue(out.matches("(?s).*best: \\w+ lr [0-9.]+; a9a test accuracy 0\\.\\d+.*"), out);
    }
}
