package org.adanspark.spark.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.adanspark.io.CheckpointFiles;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A checkpoint directory's files on a Hadoop file system: local, HDFS, S3A, … — whatever {@code dir} names. */
final class HadoopCheckpointFiles implements CheckpointFiles {

    private final FileSystem fs;
    private final Path dir;

    /**
     * @param fs the file system {@code dir} is on
     * @param dir the directory
     */
    HadoopCheckpointFiles(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    @Override
    public OutputStream create(String name) throws IOException {
        return fs.create(new Path(dir, name), true);
    }

    @Override
    public InputStream open(String name) throws IOException {
        return fs.open(new Path(dir, name));
    }

    @Override
    public boolean exists(String name) throws IOException {
        return fs.exists(new Path(dir, name));
    }

    @Override
    public long size(String name) throws IOException {
        return fs.getFileStatus(new Path(dir, name)).getLen();
    }

    @Override
    public String describe(String name) {
        return name.isEmpty() ? dir.toString() : new Path(dir, name).toString();
    }
}
