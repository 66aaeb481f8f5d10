package org.adanspark.spark.config;

/**
 * How a run's steps are executed ({@code adan.train.execution}, {@code --execution}, the estimators'
 * {@code execution} param); both give the same bits (docs/TRAINING.md, "Two executions").
 */
public enum ExecutionMode {
    /** A Spark job per step, the optimizer state on the driver. */
    JOBS,
    /** One long-lived barrier stage whose tasks own the optimizer's shards; no driver in the data path. */
    BARRIER;

    /**
     * @param value a setting's value, in any case
     * @param key the setting's name, for the message
     * @return the mode
     * @throws IllegalArgumentException naming the key and the value when it names no mode
     */
    public static ExecutionMode parse(String value, String key) {
        return EnumSetting.parse(ExecutionMode.class, value, key);
    }

    /** @return the name settings use: {@code jobs}, {@code barrier} */
    public String configName() {
        return EnumSetting.name(this);
    }

    @Override
    public String toString() {
        return configName();
    }
}
