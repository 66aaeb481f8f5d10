package org.adanspark.spark.cli;

/**
 * One {@code adan-train} flag, as {@link CommandLine} parses it and as {@code --help} and
 * {@code docs/CLI.md} describe it: both are generated from {@link CommandLine#FLAGS}.
 *
 * @param name the flag, e.g. {@code --global-batch}
 * @param value the value's placeholder, e.g. {@code N}; empty for a switch that takes none
 * @param key the configuration key it sets, e.g. {@code adan.train.global-batch}; empty when the flag
 *     sets no single key ({@code --config}, {@code --conf}, {@code --help}); {@code <name>} stands for
 *     the chosen optimizer's name
 * @param help one line on what it does
 */
public record Flag(String name, String value, String key, String help) {

    /** @return whether the flag takes a value */
    public boolean takesValue() {
        return !value.isEmpty();
    }

    /** @return whether the flag sets exactly one fixed configuration key */
    public boolean setsFixedKey() {
        return !key.isEmpty() && !key.contains("<");
    }

    /** @return the flag with its placeholder, e.g. {@code --global-batch N} */
    public String synopsis() {
        return takesValue() ? name + " " + value : name;
    }
}
