package org.adanspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file that grows one row at a time and survives being killed: each row is appended and flushed
 * as soon as it exists, so a long benchmark that stops keeps every row it finished. Opening an existing
 * file checks its header, and a last line cut short by a kill is dropped (and reported) rather than read.
 */
final class AppendOnlyCsv {

    private final Path file;
    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();

    private AppendOnlyCsv(Path file, List<String> columns) {
        this.file = file;
        this.columns = List.copyOf(columns);
    }

    /**
     * Opens {@code file} to append to, reading the rows it already holds, or creates it with the header. A
     * last line cut short by a kill is removed from the file.
     *
     * @param file the CSV file
     * @param columns its header
     * @return the open file
     * @throws IllegalStateException when the file exists with another header (naming both)
     */
    static AppendOnlyCsv open(Path file, List<String> columns) {
        return open(file, columns, true);
    }

    /**
     * Reads {@code file} without changing it, e.g. while another process appends to it: a cut-off last line
     * is skipped, not removed.
     *
     * @param file the CSV file, which must exist
     * @param columns its header
     * @return the rows, in a file that must not be appended to
     * @throws IllegalStateException when the file is missing or has another header
     */
    static AppendOnlyCsv read(Path file, List<String> columns) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("no results at " + file + ": run the study first (without --report-only)");
        }
        return open(file, columns, false);
    }

    private static AppendOnlyCsv open(Path file, List<String> columns, boolean repair) {
        AppendOnlyCsv csv = new AppendOnlyCsv(file, columns);
        String header = String.join(",", columns);
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (!lines.get(0).equals(header)) {
                    throw new IllegalStateException(file + " has the header\n  " + lines.get(0) + "\nbut this study writes\n  "
                            + header + "\nIt holds another study's results: move it away or choose another --out-dir.");
                }
                for (int i = 1; i < lines.size(); i++) {
                    String[] cells = lines.get(i).split(",", -1);
                    if (cells.length != columns.size()) {
                        if (i == lines.size() - 1) {
                            if (repair) {
                                System.out.println(file + ": dropping the cut-off last line " + (i + 1) + " ("
                                        + cells.length + " of " + columns.size() + " fields); that run will be repeated");
                                rewrite(file, lines.subList(0, i));
                            }
                            break;
                        }
                        throw new IllegalStateException(file + " line " + (i + 1) + " has " + cells.length
                                + " fields, the header " + columns.size() + ": " + lines.get(i));
                    }
                    csv.rows.add(List.of(cells));
                }
            } else {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, header + "\n", StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + file + ": " + e.getMessage(), e);
        }
        return csv;
    }

    private static void rewrite(Path file, List<String> lines) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Appends rows and flushes them to the file before returning.
     *
     * @param newRows rows of one value per column; doubles are written with {@link ResultTable#fmt}
     */
    void append(List<List<Object>> newRows) {
        StringBuilder sb = new StringBuilder();
        List<List<String>> formatted = new ArrayList<>();
        for (List<Object> row : newRows) {
            if (row.size() != columns.size()) {
                throw new IllegalArgumentException(row.size() + " values for the " + columns.size() + " columns " + columns);
            }
            List<String> cells = new ArrayList<>();
            for (Object v : row) {
                String s = v instanceof Double d ? fmtExact(d) : String.valueOf(v);
                if (s.contains(",") || s.contains("\n")) {
                    throw new IllegalArgumentException("value '" + s + "' would need CSV quoting");
                }
                cells.add(s);
            }
            formatted.add(cells);
            sb.append(String.join(",", cells)).append('\n');
        }
        try {
            Files.writeString(file, sb.toString(), StandardCharsets.UTF_8, StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file + ": " + e.getMessage(), e);
        }
        rows.addAll(formatted);
    }

    /** Doubles to 6 significant digits: enough to tell learning rates and metrics apart, short to read. */
    private static String fmtExact(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(java.util.Locale.ROOT, "%.6g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2")
                .replaceFirst("\\.(e|$)", "$1");
    }

    /** @return the rows read and appended so far, as strings */
    List<List<String>> rows() {
        return rows;
    }

    /**
     * @param name a column name
     * @return its index
     */
    int column(String name) {
        int i = columns.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no column " + name + " in " + columns);
        }
        return i;
    }

    /** @return the file */
    Path file() {
        return file;
    }
}
