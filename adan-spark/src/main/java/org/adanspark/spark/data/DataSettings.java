package org.adanspark.spark.data;

import java.io.Serializable;

/**
 * Where the data is and how to read it ({@code adan.data.*} in the configuration).
 *
 * @param spec the source ({@code --data})
 * @param dataDir where to look for IDX data sets first ({@code --data-dir}), or null
 * @param testPath the test split for file sources, or null (LIBSVM then tries {@code PATH.t})
 * @param featuresColumn the features column of DataFrame sources
 * @param labelColumn the label column of DataFrame sources
 * @param partitions partitions (= packed blocks) to train on, at least 1
 * @param trainLimit read at most this many training rows; 0 reads all
 * @param testLimit read at most this many test rows; 0 reads all
 * @param window characters per window of a {@code text:} corpus, at least 1
 */
public record DataSettings(DataSpec spec, String dataDir, String testPath, String featuresColumn, String labelColumn,
                           int partitions, int trainLimit, int testLimit, int window) implements Serializable {

    /** Checks the values. */
    public DataSettings {
        if (partitions < 1) {
            throw new IllegalArgumentException("adan.data.partitions must be >= 1, got " + partitions);
        }
        if (trainLimit < 0 || testLimit < 0) {
            throw new IllegalArgumentException("adan.data.train-limit and test-limit must be >= 0, got "
                    + trainLimit + " and " + testLimit);
        }
        if (window < 1) {
            throw new IllegalArgumentException("adan.data.window must be >= 1, got " + window);
        }
    }
}
