package org.adanspark.spark.metrics;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.security.AccessControlException;

/**
 * Writes {@code --metrics-out}, on any Hadoop file system (a bare path is local): one JSON object per
 * line, flushed as written so a crashed run keeps its history. Step lines carry {@code step, epoch, loss, lr, examples, examples_per_sec, compute_ms,
 * reduce_ms, update_ms, broadcast_ms} (plus {@code driver_bytes_in/out}, {@code skipped} and {@code step_ms}); epoch lines
 * {@code "event":"epoch"} and {@code test_accuracy}; the last line {@code "event":"final"} with
 * {@code test_accuracy, steps, wall_s, params_sha256} and the {@code blas_kernel} it depends on.
 */
public final class JsonLinesMetrics implements TrainingListener {

    private final String file;
    private final Path path;
    private final FileSystem fs;
    private FSDataOutputStream stream;
    private BufferedWriter out;
    /** Bytes of the file that hold whole lines. */
    private long whole;
    /** Whether a write failed (reported once; later lines are dropped). */
    private boolean failed;

    /**
     * Checks that the file can be written — without creating it, so a run that fails before its first step
     * leaves no empty metrics file behind; the file (and its missing parent directories) is created at the
     * first line, replacing an existing one. Any Hadoop file system path works (a bare path is local).
     *
     * @param file the file, as given
     * @param hadoop the Hadoop configuration
     * @throws UncheckedIOException "cannot write metrics to FILE: …" when it cannot be created there
     */
    public JsonLinesMetrics(String file, Configuration hadoop) {
        this.file = file;
        try {
            this.path = new Path(file);
            FileSystem any = path.getFileSystem(hadoop);
            // a local file is written directly: no checksum side file, each line on disk when flushed
            this.fs = any instanceof LocalFileSystem local ? local.getRaw() : any;
            if (fs.exists(path) && fs.getFileStatus(path).isDirectory()) {
                throw unwritable("it is a directory");
            }
            Path existing = fs.makeQualified(path).getParent();
            while (existing != null && !fs.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                throw unwritable("no existing parent directory");
            }
            if (!fs.getFileStatus(existing).isDirectory()) {
                throw unwritable(Path.getPathWithoutSchemeAndAuthority(existing) + " is a file, not a directory");
            }
            try {
                fs.access(existing, FsAction.WRITE);
                if (fs.exists(path)) {
                    fs.access(path, FsAction.WRITE);
                }
            } catch (AccessControlException e) {
                throw unwritable("not writable");
            }
            // permission bits are not all: the kernel also refuses a read-only mount, even to root
            if (fs instanceof RawLocalFileSystem raw && !java.nio.file.Files.isWritable(raw.pathToFile(existing).toPath())) {
                throw unwritable(Path.getPathWithoutSchemeAndAuthority(existing)
                        + " is not writable (a read-only file system, or its permissions)");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new UncheckedIOException("cannot write metrics to " + file + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    private UncheckedIOException unwritable(String why) {
        String message = "cannot write metrics to " + file + ": " + why;
        return new UncheckedIOException(message, new IOException(message));
    }

    /** The latest evaluation: the final one's bits per character go on the final line. */
    private EvaluationResult lastEvaluation;
    private EvaluationResult lastEma;

    @Override
    public void onStep(StepMetrics m) {
        write(new JsonLine().put("step", m.step()).put("epoch", m.epoch()).put("loss", m.loss()).put("lr", m.lr())
                .put("examples", m.examples()).put("examples_per_sec", m.examplesPerSec())
                .put("compute_ms", m.computeMs()).put("reduce_ms", m.reduceMs()).put("update_ms", m.updateMs())
                .put("broadcast_ms", m.broadcastMs()).put("driver_bytes_in", m.driverBytesIn())
                .put("driver_bytes_out", m.driverBytesOut()).put("skipped", m.skipped()).put("step_ms", m.stepMs()));
    }

    @Override
    public void onEvaluation(int epoch, long step, EvaluationResult test, EvaluationResult ema) {
        lastEvaluation = test;
        lastEma = ema;
        JsonLine line = new JsonLine().put("event", "epoch").put("epoch", epoch).put("step", step);
        put(line, "test_", test);
        if (ema != null) {
            put(line, "ema_test_", ema);
        }
        write(line);
    }

    /** The accuracy, log-loss and (for text) bits per character of {@code r}, keys prefixed. */
    private static void put(JsonLine line, String prefix, EvaluationResult r) {
        line.put(prefix + "accuracy", r.accuracy()).put(prefix + "log_loss", r.logLoss());
        if (r.perToken()) {
            line.put(prefix + "bits_per_char", r.bits());
        }
    }

    @Override
    public void onFinish(RunSummary s) {
        JsonLine line = new JsonLine().put("event", "final");
        if (!Double.isNaN(s.testAccuracy())) {
            line.put("test_accuracy", s.testAccuracy());
        }
        if (lastEvaluation != null && lastEvaluation.perToken()) {
            line.put("test_bits_per_char", lastEvaluation.bits());
        }
        if (lastEma != null) {
            line.put("ema_test_accuracy", lastEma.accuracy());
            if (lastEma.perToken()) {
                line.put("ema_test_bits_per_char", lastEma.bits());
            }
        }
        write(line.put("steps", s.steps()).put("steps_this_run", s.stepsThisRun()).put("skipped_steps", s.skippedSteps())
                .put("final_loss", s.finalLoss()).put("wall_s", s.wallSeconds()).put("num_params", s.numParams())
                .put("params_sha256", s.paramsSha256()).put("blas_kernel", s.blasKernel()));
    }

    private void write(JsonLine line) {
        if (failed) {
            return; // reported once; the run is ending
        }
        try {
            if (out == null) {
                stream = fs.create(path, true); // creates missing parent directories
                out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
            }
            out.write(line.toString());
            out.newLine();
            out.flush();
            stream.hflush(); // visible to readers of a distributed file system as soon as written
            whole = stream.getPos();
        } catch (IOException | FSError e) { // the local file system reports a full disk as an FSError
            failed = true;
            IOException cause = e instanceof IOException io ? io
                    : e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
            throw new UncheckedIOException("cannot write metrics to " + file + ": " + cause.getMessage()
                    + cutToWholeLines(), cause);
        }
    }

    /**
     * After a failed write: closes the file and cuts off the part of a line that may have reached it, so the
     * file holds whole lines only.
     *
     * @return what the file keeps, for the message
     */
    private String cutToWholeLines() {
        closeQuietly();
        try {
            if (whole == 0) {
                fs.delete(path, false);
                return " (no file is left)";
            }
            if (fs.getFileStatus(path).getLen() > whole) {
                fs.truncate(path, whole);
            }
            return " (it keeps the whole lines written before, " + whole + " bytes)";
        } catch (IOException | FSError | UnsupportedOperationException e) {
            return " (its last line may be cut short: " + e.getMessage() + ")";
        }
    }

    private void closeQuietly() {
        try {
            if (out != null) {
                out.close();
            }
        } catch (IOException | FSError e) {
            // the line that failed is cut off by the caller; every earlier one was flushed when written
        } finally {
            out = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
