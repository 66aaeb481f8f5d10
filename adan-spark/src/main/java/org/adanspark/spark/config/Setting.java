package org.adanspark.spark.config;

/**
 * One setting of a run, declared once ({@link Settings}): its configuration key, the {@code adan-train} flag
 * that sets it, the Spark ML param that sets it, and one line on what it does. The flag table and
 * {@code --help}, the messages that name a setting, and the generated reference docs all read it from here.
 *
 * @param key the configuration key, e.g. {@code adan.train.global-batch}; {@code <name>} in it stands for the
 *     chosen optimizer's base name ({@code adan.optimizer.<name>.lr})
 * @param flag the flag, e.g. {@code --global-batch}; empty when no flag sets it
 * @param value the flag value's placeholder, e.g. {@code N}; empty for a switch or a setting without a flag
 * @param param the estimators' param that sets it, e.g. {@code globalBatchSize}; empty when none does
 * @param help one line on what it does
 */
public record Setting(String key, String flag, String value, String param, String help) {

    /**
     * @return how the command line's messages name it: the key, with the flag when there is one, e.g.
     *     {@code adan.train.global-batch (--global-batch)}
     */
    public String named() {
        return flag.isEmpty() ? key : key + " (" + flag + ")";
    }

    /**
     * @return how an estimator's messages name it: {@code param globalBatchSize}, or the key when no param sets
     *     it
     */
    public String asParam() {
        return param.isEmpty() ? key : "param " + param;
    }
}
