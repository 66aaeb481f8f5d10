package org.adanspark.spark.cli;

import org.adanspark.spark.config.Setting;

/**
 * One {@code adan-train} flag, as {@link CommandLine} parses it and as {@code --help} and
 * {@code docs/CLI.md} describe it: both are generated from {@link CommandLine#FLAGS}, made from the settings'
 * one declaration ({@link Setting}).
 *
 * @param name the flag, e.g. {@code --global-batch}
 * @param value the value's placeholder, e.g. {@code N}; empty for a switch that takes none
 * @param key the configuration key it sets, e.g. {@code adan.train.global-batch}; empty when the flag
 *     sets no single key ({@code --config}, {@code --conf}, {@code --help}); {@value #OPTIMIZER} stands
 *     for the chosen optimizer's base name
 * @param help one line on what it does
 */
public record Flag(String name, String value, String key, String help) {

    /** The segment of a per-optimizer key that the chosen optimizer's base name fills. */
    public static final String OPTIMIZER = Setting.OPTIMIZER;

    /**
     * @param setting a setting a flag sets
     * @return its flag
     */
    public static Flag of(Setting setting) {
        return new Flag(setting.flag(), setting.value(), setting.key(), setting.help());
    }

    /** @return whether the flag takes a value */
    public boolean takesValue() {
        return !value.isEmpty();
    }

    /** @return whether the flag sets exactly one fixed configuration key */
    public boolean setsFixedKey() {
        return !key.isEmpty() && !perOptimizer();
    }

    /** @return whether the key it sets belongs to the chosen optimizer ({@code --lr}, {@code --weight-decay}) */
    public boolean perOptimizer() {
        return key.contains(OPTIMIZER);
    }

    /**
     * @param optimizer an optimizer's base name, e.g. {@code adan}
     * @return the key this flag sets when that optimizer is chosen
     */
    public String keyFor(String optimizer) {
        return key.replace(OPTIMIZER, optimizer);
    }

    /**
     * @param configKey a configuration key
     * @return whether this flag sets it, for some optimizer if the flag is per-optimizer
     */
    public boolean sets(String configKey) {
        String[] mine = key.split("\\.");
        String[] theirs = configKey.split("\\.");
        if (key.isEmpty() || mine.length != theirs.length) {
            return false;
        }
        for (int i = 0; i < mine.length; i++) {
            if (!mine[i].equals(OPTIMIZER) && !mine[i].equals(theirs[i])) {
                return false;
            }
        }
        return true;
    }

    /** @return the flag with its placeholder, e.g. {@code --global-batch N} */
    public String synopsis() {
        return takesValue() ? name + " " + value : name;
    }
}
