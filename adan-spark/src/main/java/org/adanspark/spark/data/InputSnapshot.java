package org.adanspark.spark.data;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The length and modification time of every file of a run's input, taken before it is read, so that a file
 * that changes while the executors read it (a download still running, a job rewriting it) is reported instead
 * of training on a mix of its old and new contents. A rewrite that keeps the length within the file system's
 * time resolution goes unseen.
 */
public final class InputSnapshot {

    private final Configuration hadoop;
    private final Map<Path, FileStatus> files;

    private InputSnapshot(Configuration hadoop, Map<Path, FileStatus> files) {
        this.hadoop = hadoop;
        this.files = files;
    }

    /**
     * Takes the snapshot.
     *
     * @param paths files, or directories whose files (recursively) are the input; missing ones are skipped
     *     (the reader reports them)
     * @param hadoop the Hadoop configuration
     * @return the snapshot
     * @throws IOException if a file system cannot be listed
     */
    public static InputSnapshot of(List<String> paths, Configuration hadoop) throws IOException {
        Map<Path, FileStatus> files = new LinkedHashMap<>();
        for (String p : paths) {
            Path path = new Path(p);
            FileSystem fs = path.getFileSystem(hadoop);
            if (!fs.exists(path)) {
                continue;
            }
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(path, true);
            while (it.hasNext()) {
                LocatedFileStatus s = it.next();
                files.put(s.getPath(), s);
            }
        }
        return new InputSnapshot(hadoop, files);
    }

    /** @return how many files the snapshot holds */
    public int size() {
        return files.size();
    }

    /**
     * @return the files that changed since the snapshot, each named with its length and modification time then
     *     and now; empty when none did
     * @throws IOException if a file system cannot be read
     */
    public List<String> changes() throws IOException {
        List<String> changed = new ArrayList<>();
        for (Map.Entry<Path, FileStatus> e : files.entrySet()) {
            Path path = e.getKey();
            FileStatus then = e.getValue();
            FileSystem fs = path.getFileSystem(hadoop);
            if (!fs.exists(path)) {
                changed.add(Path.getPathWithoutSchemeAndAuthority(path) + " (" + describe(then) + " when the run began)"
                        + " is gone");
                continue;
            }
            FileStatus now = fs.getFileStatus(path);
            if (now.getLen() != then.getLen() || now.getModificationTime() != then.getModificationTime()) {
                changed.add(Path.getPathWithoutSchemeAndAuthority(path) + " changed while it was read: "
                        + describe(then) + " when the run began, " + describe(now) + " now");
            }
        }
        return changed;
    }

    private static String describe(FileStatus s) {
        return String.format("%,d bytes modified %s", s.getLen(), Instant.ofEpochMilli(s.getModificationTime()));
    }
}
