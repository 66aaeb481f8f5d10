package org.adanspark.spark.config;

import java.util.function.Function;

/**
 * How a front end names a setting in its messages: the command line and configuration files by key, the Spark
 * ML estimators by param. One run plan and one optimizer reader serve both; only the names differ.
 */
public enum SettingNames implements Function<Setting, String> {
    /** {@code adan.train.global-batch}: the command line's and configuration files' names. */
    KEYS,
    /** {@code param globalBatchSize}: the estimators' names. */
    PARAMS;

    @Override
    public String apply(Setting setting) {
        return this == KEYS ? setting.key() : setting.asParam();
    }

    /**
     * @param optimizer the optimizer's configured name, e.g. {@code lookahead-adan}
     * @param base its base name, e.g. {@code adan}
     * @return what to call the optimizer's own settings in a message: {@code adan.optimizer.adan (lookahead-adan)}
     *     or {@code param optimizer (lookahead-adan)}
     */
    String optimizerSection(String optimizer, String base) {
        return (this == KEYS ? OptimizerSpec.SECTION + "." + base : Settings.OPTIMIZER.asParam()) + " (" + optimizer + ")";
    }

    /**
     * @param setting a per-optimizer setting
     * @param base the chosen optimizer's base name
     * @return its name: {@code adan.optimizer.adan.betas} or {@code param betas}
     */
    String perOptimizer(Setting setting, String base) {
        return this == KEYS ? setting.keyFor(base) : setting.asParam();
    }
}
