package org.adanspark.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.adanspark.spark.testing.SmallFileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs on a file system that fills up during the run, for real: a 12 KiB tmpfs the test mounts (where the
 * machine lets it; elsewhere the tests are skipped, and {@code JsonLinesMetricsTest} and {@link BadInputTest}
 * still cover the refusals before a run). A checkpoint (written by the barrier execution's tasks), a saved model
 * and the metrics file each end the run with one {@code adan-train:} line naming the output and the disk's
 * complaint, exit status 1, and nothing half-written: no partial checkpoint, even under a hidden name, no
 * partial model directory, no metrics line cut short. A metrics file on a read-only mount is refused before
 * the run (root's writes would pass a permission check).
 */
class FullDiskTest {

    @TempDir
    static Path tmp;

    private static SmallFileSystem disk;

    @BeforeAll
    static void mount() {
        Optional<SmallFileSystem> mounted = SmallFileSystem.mount(tmp.resolve("small"), 12, false);
        assumeTrue(mounted.isPresent(), "this machine does not let the test mount a small file system");
        disk = mounted.get();
    }

    @AfterAll
    static void unmount() throws IOException {
        if (disk != null) {
            disk.close();
        }
    }

    /** Leaves one of the disk's three 4 KiB pages free (tmpfs counts whole pages). */
    @BeforeEach
    void fill() throws IOException {
        try (Stream<Path> files = Files.list(disk.root())) {
            for (Path f : files.toList()) {
                org.apache.commons.io.FileUtils.forceDelete(f.toFile());
            }
        }
        Files.write(disk.root().resolve("filler"), new byte[8192]);
    }

    /** Runs a small barrier run on MNIST with the given flags; returns the last stderr line. */
    private static String lastErrorLine(int status, String... extra) {
        List<String> args = new ArrayList<>(List.of("--data", "mnist", "--model", "mlp:16", "--global-batch", "500",
                "--epochs", "1", "--master", "local[2]", "--execution", "barrier", "--conf", "adan.data.train-limit=1000",
                "--conf", "adan.data.test-limit=200"));
        args.addAll(List.of(extra));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int actual;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            actual = TrainMain.run(args.toArray(String[]::new));
        } finally {
            System.setErr(original);
        }
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(status, actual, String.join("\n", lines));
        assertFalse(lines.isEmpty());
        return lines.get(lines.size() - 1);
    }

    @Test
    void aCheckpointThatDoesNotFitStopsTheRunAndLeavesNoPart() throws IOException {
        Path ck = disk.root().resolve("ck");
        String line = lastErrorLine(1, "--checkpoint-dir", ck.toString());
        assertEquals("adan-train: cannot write checkpoint at step 2 to " + ck + ": No space left on device", line);
        try (Stream<Path> left = Files.walk(ck)) {
            assertEquals(List.of(ck), left.toList(), "nothing is left of the checkpoint");
        }
    }

    @Test
    void aModelThatDoesNotFitIsRemoved() {
        Path model = disk.root().resolve("model");
        String line = lastErrorLine(1, "--save-model", model.toString());
        assertEquals("adan-train: cannot save the model to " + model + ": No space left on device (the part written "
                + "was removed)", line);
        assertFalse(Files.exists(model));
    }

    @Test
    void metricsThatDoNotFitKeepTheirWholeLines() throws IOException {
        Path metrics = disk.root().resolve("m.jsonl");
        String line = lastErrorLine(1, "--metrics-out", metrics.toString(), "--global-batch", "100",
                "--epochs", "3"); // 30 step lines of about 300 bytes: more than the page
        assertTrue(line.startsWith("adan-train: cannot write metrics to " + metrics + ": No space left on device ("),
                line);
        String text = Files.readString(metrics);
        assertTrue(text.endsWith("}\n") && text.length() > 1000, "the file keeps its whole lines: " + text.length());
    }

    @Test
    void metricsOnAReadOnlyFileSystemAreRefusedBeforeTheRun() throws IOException {
        Optional<SmallFileSystem> readOnly = SmallFileSystem.mount(tmp.resolve("ro"), 64, true);
        assumeTrue(readOnly.isPresent());
        try (SmallFileSystem ro = readOnly.get()) {
            Path metrics = ro.root().resolve("m.jsonl");
            assertEquals("adan-train: --metrics-out " + metrics + ": cannot write metrics to " + metrics + ": " + ro.root()
                    + " is not writable (a read-only file system, or its permissions)", lastErrorLine(2, "--metrics-out",
                    metrics.toString()));
        }
    }
}
