package org.adanspark.spark.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The strict grammar of the text formats adan-train reads, one line at a time: what a LIBSVM line or a
 * CSV row must look like, and, when it does not, which column, which value and what was expected. Spark's
 * own readers are lenient where training must not be (a CSV row with an extra column loses it, a missing
 * value becomes null, {@code nan} fails a task four times without a line number); every text input is
 * checked against this grammar first ({@link TextCheck}), so a bad line is reported as
 * {@code FILE:LINE: …} before any step.
 *
 * <p>Numbers are what Java's {@code Double.parseDouble} reads — as Spark's readers do — and must be finite:
 * {@code nan}, {@code NaN}, {@code inf}, {@code Infinity} and the like are refused in any spelling.
 */
final class TextRecords implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The text formats. */
    enum Format {
        /** {@code label index:value …}, indices from 1, ascending; {@code #} starts a comment line. */
        LIBSVM,
        /** comma-separated, a header line first, the label one of the columns. */
        CSV
    }

    private final Format format;
    private final List<String> header;
    private final int labelIndex;
    private final int numClasses;

    /**
     * @param format the format
     * @param header CSV: the column names from the header line; LIBSVM: ignored
     * @param labelColumn CSV: the label column's name, which must be in the header
     * @param numClasses labels must lie below this, or 0 when unknown
     */
    TextRecords(Format format, List<String> header, String labelColumn, int numClasses) {
        this.format = format;
        this.header = header == null ? List.of() : List.copyOf(header);
        this.labelIndex = format == Format.CSV ? this.header.indexOf(labelColumn) : 0;
        this.numClasses = numClasses;
    }

    /** @return whether the line holds a record (LIBSVM skips blank and {@code #} lines; CSV blank ones) */
    boolean isRecord(String line) {
        String t = line.strip();
        return !t.isEmpty() && !(format == Format.LIBSVM && t.startsWith("#"));
    }

    /**
     * @param line a record line ({@link #isRecord})
     * @return what is wrong with it, naming the column and the value, or null when it is valid
     */
    String problem(String line) {
        return format == Format.LIBSVM ? libsvmProblem(line.strip()) : csvProblem(line);
    }

    private String libsvmProblem(String line) {
        String[] tokens = line.split("\\s+");
        String labelProblem = labelProblem("the label", tokens[0]);
        if (labelProblem != null) {
            return labelProblem;
        }
        long previous = 0;
        for (int i = 1; i < tokens.length; i++) {
            String t = tokens[i];
            int colon = t.indexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                return "feature '" + t + "' is not index:value";
            }
            long index;
            try {
                index = Long.parseLong(t.substring(0, colon));
            } catch (NumberFormatException e) {
                return "feature '" + t + "': index '" + t.substring(0, colon) + "' is not an integer";
            }
            if (index < 1) {
                return "feature '" + t + "': index " + index + " is below 1, where LIBSVM indices start";
            }
            if (index <= previous) {
                return "feature '" + t + "': index " + index + " follows index " + previous
                        + "; indices must ascend";
            }
            previous = index;
            String valueProblem = numberProblem(t.substring(colon + 1));
            if (valueProblem != null) {
                return "the value of feature " + index + " " + valueProblem;
            }
        }
        return null;
    }

    private String csvProblem(String line) {
        List<String> fields = splitCsv(line);
        if (fields.size() != header.size()) {
            return fields.size() + " values where the header has " + header.size() + " columns";
        }
        for (int c = 0; c < fields.size(); c++) {
            String v = fields.get(c).strip();
            String column = "column '" + header.get(c) + "'";
            if (c == labelIndex) {
                String p = labelProblem(column, v);
                if (p != null) {
                    return p;
                }
            } else if (v.isEmpty()) {
                return column + " has no value; expected a number";
            } else {
                String p = numberProblem(v);
                if (p != null) {
                    return column + " " + p;
                }
            }
        }
        return null;
    }

    private String labelProblem(String what, String v) {
        if (v.isEmpty()) {
            return what + " has no value; expected a class index 0, 1, …";
        }
        String p = numberProblem(v);
        if (p != null) {
            return what + " " + p + "; expected a class index 0, 1, …";
        }
        double label = Double.parseDouble(v);
        boolean plusMinusOne = format == Format.LIBSVM && label == -1.0;
        if (!plusMinusOne && (label < 0 || label != Math.rint(label))) {
            return what + " is '" + v + "', not a class index 0, 1, …";
        }
        if (numClasses > 0 && label >= numClasses) {
            return what + " is '" + v + "', not a class index in [0, " + numClasses + ") as the model's output has "
                    + numClasses + " classes";
        }
        return null;
    }

    /** @return null for a finite number, else what is wrong with the text as a number */
    private static String numberProblem(String v) {
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return "holds '" + v + "', not a number";
        }
        return Double.isFinite(d) ? null : "holds '" + v + "', not a finite number";
    }

    /**
     * Splits a CSV line on commas outside double quotes ({@code ""} inside quotes is a quote), as Spark's
     * CSV reader does with its defaults.
     *
     * @param line the line
     * @return its fields, unquoted
     */
    static List<String> splitCsv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (ch == '"') {
                    quoted = false;
                } else {
                    field.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(ch);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
