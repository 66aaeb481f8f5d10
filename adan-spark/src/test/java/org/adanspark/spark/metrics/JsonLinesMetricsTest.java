package org.adanspark.spark.metrics;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.adanspark.spark.testing.SmallFileSystem;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --metrics-out} where the file system will not take it: a read-only mount is refused before the run
 * (even to root, whom permission bits do not stop), and a disk that fills mid-run ends the run with one message
 * and a file of whole lines. The file systems are small tmpfs mounts the test makes where the machine allows.
 */
class JsonLinesMetricsTest {

    @TempDir
    Path tmp;

    private static StepMetrics step(long step) {
        return new StepMetrics(step, 1000, 1, 2.452, 0.01, 4096, 12203, 1, 1, 1, 1, 0, 0, false, 3);
    }

    @Test
    void aReadOnlyFileSystemIsRefusedBeforeTheRun() throws IOException {
        Optional<SmallFileSystem> mounted = SmallFileSystem.mount(tmp.resolve("ro"), 64, true);
        assumeTrue(mounted.isPresent() || !"root".equals(System.getProperty("user.name")),
                "neither a mount nor a read-only directory can stop root here");
        Path dir = tmp.resolve("ro");
        if (mounted.isEmpty()) {
            assertTrue(dir.toFile().setWritable(false, false));
        }
        try (SmallFileSystem ignored = mounted.orElse(null)) {
            Path file = dir.resolve("m.jsonl");
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> new JsonLinesMetrics(file.toString(), new Configuration()));
            assertTrue(e.getMessage().startsWith("cannot write metrics to " + file + ": " + dir + " is not writable"),
                    e.getMessage());
            assertFalse(Files.exists(file));
        } finally {
            dir.toFile().setWritable(true, false);
        }
    }

    @Test
    void aFullDiskEndsTheRunOnceAndLeavesWholeLines() throws IOException {
        Optional<SmallFileSystem> mounted = SmallFileSystem.mount(tmp.resolve("small"), 8, false);
        assumeTrue(mounted.isPresent(), "this machine does not let the test mount a small file system");
        try (SmallFileSystem fs = mounted.get()) {
            Files.write(fs.root().resolve("filler"), new byte[4000]); // one 4 KiB page of the two left
            Path file = fs.root().resolve("m.jsonl");
            JsonLinesMetrics metrics = new JsonLinesMetrics(file.toString(), new Configuration());
            UncheckedIOException failure = null;
            long written = 0;
            while (failure == null && written < 1000) {
                try {
                    metrics.onStep(step(++written));
                } catch (UncheckedIOException e) {
                    failure = e;
                }
            }
            assertTrue(failure != null, "a full disk is reported");
            assertTrue(failure.getMessage().startsWith("cannot write metrics to " + file + ": No space left on device"
                    + " (it keeps the whole lines written before, " + Files.size(file) + " bytes)"), failure.getMessage());
            List<String> lines = Files.readAllLines(file);
            assertEquals(written - 1, lines.size(), "every step before the failed one, whole");
            for (int i = 0; i < lines.size(); i++) {
                assertEquals(i + 1, ConfigFactory.parseString(lines.get(i)).getLong("step"));
            }
            long next = written + 1;
            assertDoesNotThrow(() -> metrics.onStep(step(next)), "reported once");
            assertDoesNotThrow(metrics::close);
            assertEquals(lines, Files.readAllLines(file));
        }
    }
}
