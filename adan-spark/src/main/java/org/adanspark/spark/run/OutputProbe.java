package org.adanspark.spark.run;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.Failures;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checks before training that an output directory (checkpoints, the saved model) can be written, on any
 * Hadoop file system, so that a bad path is reported at once rather than at the first write — which, with
 * checkpoints only at the end, comes after all the training. The probe leaves nothing behind: a directory
 * it had to create is removed again, and the run creates it for real when it writes.
 */
final class OutputProbe {

    private OutputProbe() {
    }

    /**
     * @param uri the directory, or null for none
     * @param conf Hadoop configuration
     * @param flag the flag that set it, for the message, e.g. {@code --checkpoint-dir}
     * @throws ConfigurationException "FLAG URI is not writable: reason" when a file cannot be created there
     */
    static void writableDirectory(String uri, Configuration conf, String flag) {
        if (uri == null) {
            return;
        }
        Path dir = new Path(uri);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            boolean existed = fs.exists(dir);
            if (existed && !fs.getFileStatus(dir).isDirectory()) {
                throw new ConfigurationException(flag + " " + uri + " is not writable: it is a file, not a directory",
                        null);
            }
            if (!existed && !fs.mkdirs(dir)) {
                throw new IOException("cannot create the directory");
            }
            Path probe = new Path(dir, ".adan-write-probe-" + UUID.randomUUID());
            try {
                fs.create(probe, false).close();
            } finally {
                fs.delete(probe, false);
                if (!existed) {
                    fs.delete(dir, false);
                }
            }
        } catch (ConfigurationException e) {
            throw e;
        } catch (IOException | RuntimeException | FSError e) { // FSError: a full local disk
            throw new ConfigurationException(flag + " " + uri + " is not writable: " + Failures.reason(e),
                    e instanceof FSError error ? Failures.io(error) : e);
        }
    }

    /** What a directory written by {@code --save-model} holds (and Hadoop's hidden {@code .crc} files). */
    private static final Set<String> MODEL_FILES = Set.of("metadata", "data", "model.zip", "params.sha256");

    /**
     * The {@code --save-model} directory: writable, and, since saving replaces it, holding nothing but an
     * earlier saved model — a directory with anything else in it is refused before training, not emptied.
     *
     * @param uri the directory, or null for none
     * @param conf Hadoop configuration
     * @throws ConfigurationException naming the directory and what it holds
     */
    static void modelDirectory(String uri, Configuration conf) {
        writableDirectory(uri, conf, "--save-model");
        if (uri == null) {
            return;
        }
        Path dir = new Path(uri);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            if (!fs.exists(dir)) {
                return;
            }
            List<String> foreign = new ArrayList<>();
            for (FileStatus st : fs.listStatus(dir)) {
                String name = st.getPath().getName();
                if (!MODEL_FILES.contains(name) && !(name.startsWith(".") && name.endsWith(".crc"))) {
                    foreign.add(name);
                }
            }
            if (!foreign.isEmpty()) {
                Collections.sort(foreign);
                String shown = String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                        + (foreign.size() > 5 ? " and " + (foreign.size() - 5) + " more" : "");
                throw new ConfigurationException("--save-model " + uri + " already holds " + shown + ", which is not "
                        + "a saved model; saving replaces the directory, so give a new or empty one, or one that "
                        + "--save-model wrote", null);
            }
        } catch (IOException e) {
            throw new ConfigurationException("--save-model " + uri + " cannot be listed: " + Failures.reason(e), e);
        }
    }
}
