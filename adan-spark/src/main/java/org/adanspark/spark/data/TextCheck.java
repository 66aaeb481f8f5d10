package org.adanspark.spark.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Checks a LIBSVM or CSV input against {@link TextRecords}' grammar before Spark's reader sees it, and
 * reports the first bad line as {@code FILE:LINE: what is wrong; the line: …}.
 *
 * <p>The check runs where the data is: one Spark job reads every split of the input as text (the same
 * splits Spark's readers would read), and each task returns its record count and its first problem, with
 * no retry for a bad line (a task that finds one succeeds and says so). Only when a problem is found does
 * the driver read that one file again from its start, counting lines, to give the line number a split
 * cannot know. An input without records, a CSV with a header and no rows, and a compressed file that ends
 * early are reported by name too.
 */
final class TextCheck {

    private static final int PREVIEW = 120;

    private TextCheck() {
    }

    /** What one split held. */
    private record SplitReport(String file, long records, String problem) implements Serializable {
    }

    /**
     * @param jsc the Spark context
     * @param path the input: a file, a directory of part files, or a glob
     * @param format its format
     * @param labelColumn CSV: the label column's name
     * @param numClasses labels must lie below this, or 0 when unknown
     * @throws DataValidationException naming the file and line of the first bad record, or an input
     *     without records
     * @throws IOException when the input cannot be listed or read on the driver
     */
    static void check(JavaSparkContext jsc, String path, TextRecords.Format format, String labelColumn, int numClasses)
            throws IOException {
        Configuration conf = jsc.hadoopConfiguration();
        List<Path> files = files(new Path(path), conf);
        if (files.isEmpty()) {
            throw new DataValidationException(path + " holds no data files");
        }
        List<String> header = null;
        if (format == TextRecords.Format.CSV) {
            String first = firstLine(files.get(0), conf);
            if (first == null) {
                throw new DataValidationException(files.get(0) + " is empty; expected a header line and rows");
            }
            header = TextRecords.splitCsv(first).stream().map(String::strip).toList();
        }
        TextRecords grammar = new TextRecords(format, header, labelColumn, numClasses);
        boolean csv = format == TextRecords.Format.CSV;
        String headerLine = csv ? String.join(",", header) : null;
        @SuppressWarnings("unchecked")
        JavaNewHadoopRDD<LongWritable, Text> lines = (JavaNewHadoopRDD<LongWritable, Text>)
                jsc.newAPIHadoopFile(path, TextInputFormat.class, LongWritable.class, Text.class, conf);
        List<SplitReport> reports = lines.mapPartitionsWithInputSplit(
                (InputSplit split, Iterator<scala.Tuple2<LongWritable, Text>> it) ->
                        List.of(scan((FileSplit) split, it, grammar, headerLine)).iterator(), false)
                .collect();
        long records = 0;
        for (SplitReport r : reports) {
            records += r.records();
        }
        for (SplitReport r : reports) {
            if (r.problem() != null) {
                Path file = new Path(r.file());
                String located = locate(file, conf, grammar, csv);
                throw new DataValidationException(located != null ? located : r.file() + ": " + r.problem());
            }
        }
        if (records == 0) {
            throw new DataValidationException(path + (csv ? " has a header line and no rows"
                    : " has no records (it is empty, or only blank and # comment lines)"));
        }
    }

    /** One split: its record count and its first problem (a bad record, or a file that cannot be read). */
    private static SplitReport scan(FileSplit split, Iterator<scala.Tuple2<LongWritable, Text>> it, TextRecords grammar,
                                    String headerLine) {
        String file = split.getPath().toString();
        long records = 0;
        try {
            while (it.hasNext()) {
                scala.Tuple2<LongWritable, Text> next = it.next();
                String line = next._2().toString();
                if (headerLine != null && next._1().get() == 0) { // a CSV file's first line is its header
                    continue;
                }
                if (!grammar.isRecord(line)) {
                    continue;
                }
                String problem = grammar.problem(line);
                if (problem != null) {
                    return new SplitReport(file, records, problem);
                }
                records++;
            }
        } catch (RuntimeException e) { // a truncated or corrupt compressed file, an unreadable one
            return new SplitReport(file, records, ExecutorName.current() + " cannot read it to its end: " + message(e));
        }
        return new SplitReport(file, records, null);
    }

    /**
     * Reads {@code file} from its start on the driver, counting lines, to the first problem.
     *
     * @return {@code FILE:LINE: problem; the line: …}, or null when the file reads clean here
     */
    private static String locate(Path file, Configuration conf, TextRecords grammar, boolean csv) throws IOException {
        long lineNo = 0;
        try (BufferedReader in = open(file, conf)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if ((csv && lineNo == 1) || !grammar.isRecord(line)) {
                    continue;
                }
                String problem = grammar.problem(line);
                if (problem != null) {
                    return file + ":" + lineNo + ": " + problem + "; the line: " + preview(line);
                }
            }
        } catch (IOException e) {
            return file + " is damaged after line " + lineNo + ": " + message(e);
        }
        return null;
    }

    private static String firstLine(Path file, Configuration conf) throws IOException {
        try (BufferedReader in = open(file, conf)) {
            return in.readLine();
        } catch (IOException e) {
            throw new DataValidationException(file + " is damaged: " + message(e), e);
        }
    }

    private static BufferedReader open(Path file, Configuration conf) throws IOException {
        FileSystem fs = file.getFileSystem(conf);
        InputStream raw = fs.open(file);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
        InputStream in = codec == null ? raw : codec.createInputStream(raw);
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** The data files of a path as Spark's readers take them: a file, a directory's visible files, a glob. */
    private static List<Path> files(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        FileStatus[] matched = fs.globStatus(path);
        List<Path> out = new ArrayList<>();
        if (matched == null) {
            return out;
        }
        for (FileStatus st : matched) {
            FileStatus[] inside = st.isDirectory() ? fs.listStatus(st.getPath()) : new FileStatus[] {st};
            Arrays.stream(inside).filter(f -> f.isFile() && !f.getPath().getName().startsWith("_")
                            && !f.getPath().getName().startsWith("."))
                    .sorted(Comparator.comparing(f -> f.getPath().getName())).forEach(f -> out.add(f.getPath()));
        }
        return out;
    }

    private static String preview(String line) {
        String s = line.strip();
        return s.length() <= PREVIEW ? s : s.substring(0, PREVIEW) + " …";
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return m.strip().lines().findFirst().orElse(m);
    }
}
