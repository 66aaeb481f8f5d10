package org.adanspark.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark's result rows: printed as an aligned table while the benchmark runs, written as CSV at the
 * end, with a sidecar {@code .txt} that records the machine, the mode and when it ran.
 */
public final class ResultTable {

    private final List<String> columns;
    private final List<List<String>> rows = new ArrayList<>();
    private final int[] widths;

    /**
     * @param columns the CSV header
     */
    public ResultTable(String... columns) {
        this.columns = List.of(columns);
        this.widths = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            widths[i] = Math.max(8, columns[i].length());
        }
    }

    /** @return the header, to print before the first row */
    public String header() {
        return line(columns);
    }

    /**
     * Adds a row and returns it as a printable line. Doubles are formatted with {@link #fmt}; other values
     * with {@code toString}.
     *
     * @param values one per column
     * @return the row, aligned to the header
     * @throws IllegalArgumentException when the count of values does not match the columns
     */
    public String add(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(values.length + " values for " + columns.size() + " columns " + columns);
        }
        List<String> row = new ArrayList<>();
        for (Object v : values) {
            String s = v instanceof Double d ? fmt(d) : String.valueOf(v);
            if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
                throw new IllegalArgumentException("value '" + s + "' would need CSV quoting; use another separator");
            }
            row.add(s);
        }
        rows.add(row);
        return line(row);
    }

    /** @return the rows added so far */
    public List<List<String>> rows() {
        return rows;
    }

    /**
     * Writes {@code file} as CSV and {@code file.txt}-style machine facts next to it.
     *
     * @param options the run's options (name, mode)
     * @param file the CSV file
     * @param machine the machine it ran on
     * @param notes free text about the run (settings, what a column means)
     */
    public void write(BenchOptions options, Path file, Machine machine, String notes) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
                w.println(String.join(",", columns));
                for (List<String> row : rows) {
                    w.println(String.join(",", row));
                }
            }
            String stem = file.getFileName().toString().replaceFirst("\\.csv$", "");
            Path about = file.resolveSibling(stem + ".txt");
            Files.writeString(about, "benchmark: " + options.name() + " (" + options.mode() + " mode)\n"
                    + "finished: " + Instant.now() + "\n"
                    + "machine: " + machine + "\n"
                    + notes.strip() + "\n");
            System.out.println("wrote " + file + " and " + about);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param v a measurement
     * @return four significant digits, no exponent for ordinary magnitudes, {@code NaN} as {@code nan}
     */
    public static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        double a = Math.abs(v);
        if (a >= 1e-3 && a < 1e7) {
            int decimals = Math.max(0, 3 - (int) Math.floor(Math.log10(a)));
            return String.format(Locale.ROOT, "%." + decimals + "f", v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private String line(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            String s = values.get(i);
            widths[i] = Math.max(widths[i], s.length());
            sb.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%" + widths[i] + "s", s));
        }
        return sb.toString();
    }
}
