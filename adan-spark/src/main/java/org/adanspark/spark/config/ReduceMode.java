package org.adanspark.spark.config;

/**
 * How the {@code jobs} execution sums a step's gradients ({@code adan.train.allreduce},
 * {@code --allreduce}, the estimators' {@code allReduce} param); the same order, so the same bits, either way.
 */
public enum ReduceMode {
    /** Reduce-scatter by optimizer shard in one shuffle, then gather the shards' sums. */
    SHARDED,
    /** Spark's {@code treeAggregate} of whole gradients. */
    TREE;

    /**
     * @param value a setting's value, in any case
     * @param key the setting's name, for the message
     * @return the mode
     * @throws IllegalArgumentException naming the key and the value when it names no mode
     */
    public static ReduceMode parse(String value, String key) {
        return EnumSetting.parse(ReduceMode.class, value, key);
    }

    /** @return the name settings use: {@code sharded}, {@code tree} */
    public String configName() {
        return EnumSetting.name(this);
    }

    @Override
    public String toString() {
        return configName();
    }
}
