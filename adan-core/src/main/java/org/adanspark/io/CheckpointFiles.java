package org.adanspark.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of one checkpoint directory, by name, on whatever file system holds them: the local one
 * ({@link #local}) or, in adan-spark, any Hadoop file system. {@link OptimizerCheckpoint} reads and writes
 * through this, so a checkpoint path that works for one part of a checkpoint works for all of it.
 */
public interface CheckpointFiles {

    /**
     * @param name a file name in the directory
     * @return a new stream writing it (replacing it if it exists); the directory is created if need be
     * @throws IOException if it cannot be created
     */
    OutputStream create(String name) throws IOException;

    /**
     * @param name a file name in the directory
     * @return a stream reading it
     * @throws IOException if it cannot be read
     */
    InputStream open(String name) throws IOException;

    /**
     * @param name a file name in the directory
     * @return whether it exists
     * @throws IOException if the file system cannot tell
     */
    boolean exists(String name) throws IOException;

    /**
     * @param name a file name in the directory, which exists
     * @return its size in bytes
     * @throws IOException if the file system cannot tell
     */
    long size(String name) throws IOException;

    /**
     * @param name a file name in the directory
     * @return the file's full path, for messages
     */
    String describe(String name);

    /**
     * @param dir a local directory
     * @return its files
     */
    static CheckpointFiles local(Path dir) {
        return new CheckpointFiles() {
            @Override
            public OutputStream create(String name) throws IOException {
                Files.createDirectories(dir);
                return Files.newOutputStream(dir.resolve(name));
            }

            @Override
            public InputStream open(String name) throws IOException {
                return Files.newInputStream(dir.resolve(name));
            }

            @Override
            public boolean exists(String name) {
                return Files.exists(dir.resolve(name));
            }

            @Override
            public long size(String name) throws IOException {
                return Files.size(dir.resolve(name));
            }

            @Override
            public String describe(String name) {
                return dir.resolve(name).toString();
            }
        };
    }
}
