package org.adanspark.spark.train;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
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
        } catch (IOException | RuntimeException e) {
            throw new ConfigurationException(flag + " " + uri + " is not writable: " + SparkFailure.reason(e), e);
        }
    }
}
