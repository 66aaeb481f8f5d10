package org.adanspark.spark.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.adanspark.spark.train.Evaluator;

/**
 * Writes {@code --metrics-out}: one JSON object per line, flushed as written so a crashed run keeps its
 * history. Step lines carry {@code step, epoch, loss, lr, examples, examples_per_sec, compute_ms,
 * reduce_ms, update_ms, broadcast_ms} (plus {@code driver_bytes_in/out} and {@code skipped}); epoch lines
 * {@code "event":"epoch"} and {@code test_accuracy}; the last line {@code "event":"final"} with
 * {@code test_accuracy, steps, wall_s, params_sha256}.
 */
public final class JsonLinesMetrics implements TrainingListener {

    private final Path file;
    private BufferedWriter out;

    /**
     * Checks that the file can be written — without creating it, so a run that fails before its first step
     * leaves no empty metrics file behind; the file (and its missing parent directories) is created at the
     * first line, replacing an existing one.
     *
     * @param file the file
     * @throws UncheckedIOException "cannot write metrics to FILE: …" when it cannot be created there
     */
    public JsonLinesMetrics(Path file) {
        this.file = file;
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw unwritable("it is a directory");
        }
        Path existing = target.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)
                || (Files.exists(target) && !Files.isWritable(target))) {
            throw unwritable(existing == null ? "no existing parent directory"
                    : !Files.isDirectory(existing) ? existing + " is a file, not a directory" : "not writable");
        }
    }

    private UncheckedIOException unwritable(String why) {
        String message = "cannot write metrics to " + file + ": " + why;
        return new UncheckedIOException(message, new IOException(message));
    }

    @Override
    public void onStep(StepMetrics m) {
        write(new JsonLine().put("step", m.step()).put("epoch", m.epoch()).put("loss", m.loss()).put("lr", m.lr())
                .put("examples", m.examples()).put("examples_per_sec", m.examplesPerSec())
                .put("compute_ms", m.computeMs()).put("reduce_ms", m.reduceMs()).put("update_ms", m.updateMs())
                .put("broadcast_ms", m.broadcastMs()).put("driver_bytes_in", m.driverBytesIn())
                .put("driver_bytes_out", m.driverBytesOut()).put("skipped", m.skipped()));
    }

    @Override
    public void onEvaluation(int epoch, long step, Evaluator.Result test) {
        write(new JsonLine().put("event", "epoch").put("epoch", epoch).put("step", step)
                .put("test_accuracy", test.accuracy()).put("test_log_loss", test.logLoss()));
    }

    @Override
    public void onFinish(RunSummary s) {
        JsonLine line = new JsonLine().put("event", "final");
        if (!Double.isNaN(s.testAccuracy())) {
            line.put("test_accuracy", s.testAccuracy());
        }
        write(line.put("steps", s.steps()).put("steps_this_run", s.stepsThisRun()).put("skipped_steps", s.skippedSteps())
                .put("final_loss", s.finalLoss()).put("wall_s", s.wallSeconds()).put("num_params", s.numParams())
                .put("params_sha256", s.paramsSha256()));
    }

    private void write(JsonLine line) {
        try {
            if (out == null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            }
            out.write(line.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics to " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        if (out == null) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            // the last line was flushed when written; nothing is lost
        }
    }
}
