package org.adanspark.spark.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Checks on the driver that a {@code parquet:PATH} input is Parquet before Spark's reader sees it: every data file
 * (a file, or the files of a directory that Spark would read: not {@code _SUCCESS}, {@code .crc} and other hidden
 * names) begins and ends with Parquet's magic {@code PAR1}. Without it, a CSV given as {@code parquet:} fails
 * inside Spark's schema inference, once per task attempt, each with a stack trace on the console; with it the run
 * stops with one line naming the file and what it looks like. Reads 8 bytes of each file.
 */
final class ParquetCheck {

    private static final byte[] MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

    private ParquetCheck() {
    }

    /**
     * @param conf the Hadoop configuration the run reads with
     * @param path the input, a file or a directory
     * @throws DataValidationException naming the first file that is not Parquet, or an input with no data files
     * @throws IOException when the file system cannot be read
     */
    static void check(Configuration conf, String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = p.getFileSystem(conf);
        List<FileStatus> files = new ArrayList<>();
        collect(fs, fs.getFileStatus(p), files);
        if (files.isEmpty()) {
            throw new DataValidationException(path + " holds no data files (only hidden or _-prefixed names)");
        }
        for (FileStatus f : files) {
            byte[] head = new byte[Math.min(64, (int) Math.min(Integer.MAX_VALUE, f.getLen()))];
            byte[] tail = new byte[MAGIC.length];
            try (FSDataInputStream in = fs.open(f.getPath())) {
                in.readFully(0, head);
                if (f.getLen() >= 2L * MAGIC.length) {
                    in.readFully(f.getLen() - MAGIC.length, tail);
                }
            }
            boolean parquet = f.getLen() >= 2L * MAGIC.length + 4 && Arrays.equals(Arrays.copyOf(head, MAGIC.length), MAGIC)
                    && Arrays.equals(tail, MAGIC);
            if (!parquet) {
                throw new DataValidationException(f.getPath() + " is not a Parquet file: it does not begin and end with "
                        + "Parquet's magic bytes PAR1; " + looksLike(head, f.getLen()));
            }
        }
    }

    private static void collect(FileSystem fs, FileStatus status, List<FileStatus> into) throws IOException {
        if (status.isFile()) {
            into.add(status);
            return;
        }
        for (FileStatus child : fs.listStatus(status.getPath())) {
            String name = child.getPath().getName();
            if (!name.startsWith("_") && !name.startsWith(".") && !name.endsWith(".crc")) {
                collect(fs, child, into);
            }
        }
    }

    /** What the start of a file that is not Parquet suggests it is, and which source reads that. */
    private static String looksLike(byte[] head, long length) {
        if (length == 0) {
            return "it is empty";
        }
        String text = new String(head, StandardCharsets.UTF_8);
        boolean printable = text.chars().allMatch(c -> c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c != 0xFFFD));
        if (!printable) {
            return "it starts with bytes " + hex(head);
        }
        String first = text.lines().findFirst().orElse("");
        String format = first.matches("^[-+]?\\d+(\\.\\d*)?( \\d+:\\S+)+.*") ? "LIBSVM (use libsvm:PATH)"
                : first.contains(",") ? "CSV (use csv:PATH)" : "text (use csv:PATH, libsvm:PATH or text:PATH)";
        return "it starts with the text '" + first + "', which looks like " + format;
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xff)).append(i + 1 < Math.min(8, b.length) ? " " : "");
        }
        return s.toString();
    }
}
