package org.adanspark.spark.data;

import java.util.Locale;

/**
 * What {@code --data} names: a built-in IDX data set ({@code fashion-mnist}, {@code mnist}) or a file
 * source with a path ({@code libsvm:PATH}, {@code csv:PATH}, {@code parquet:PATH}, {@code text:PATH}).
 *
 * @param format the source format
 * @param path the path for file sources (any Hadoop file system URI), or the data-set name for IDX
 */
public record DataSpec(Format format, String path) {

    /** Source formats. */
    public enum Format {
        /** IDX files of a built-in data set, gzipped or not. */
        IDX,
        /** LIBSVM text, through Spark's {@code libsvm} source. */
        LIBSVM,
        /** CSV with a header row; a {@code label} column and numeric feature columns. */
        CSV,
        /** Parquet with a {@code features} vector column, or numeric columns, and a {@code label} column. */
        PARQUET,
        /** A UTF-8 text corpus, read as windows of character ids for a language model ({@link TextCorpus}). */
        TEXT
    }

    /**
     * @param spec {@code fashion-mnist}, {@code mnist}, {@code libsvm:PATH}, {@code csv:PATH}, {@code parquet:PATH}
     *     or {@code text:PATH}
     * @return the parsed spec
     * @throws IllegalArgumentException naming the spec when it is none of these
     */
    public static DataSpec parse(String spec) {
        String s = spec.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("fashion-mnist") || lower.equals("mnist")) {
            return new DataSpec(Format.IDX, lower);
        }
        int colon = s.indexOf(':');
        if (colon > 0 && colon < s.length() - 1) {
            String prefix = lower.substring(0, colon);
            String path = s.substring(colon + 1);
            switch (prefix) {
                case "libsvm":
                    return new DataSpec(Format.LIBSVM, path);
                case "csv":
                    return new DataSpec(Format.CSV, path);
                case "parquet":
                    return new DataSpec(Format.PARQUET, path);
                case "text":
                    return new DataSpec(Format.TEXT, path);
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("data '" + spec
                + "' is not one of fashion-mnist, mnist, libsvm:PATH, csv:PATH, parquet:PATH, text:PATH");
    }

    /** @return the spec as the user would write it */
    @Override
    public String toString() {
        return format == Format.IDX ? path : format.name().toLowerCase(Locale.ROOT) + ":" + path;
    }
}
