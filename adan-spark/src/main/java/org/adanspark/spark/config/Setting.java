package org.adanspark.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.util.Objects;

/**
 * One setting of a run, declared once ({@link Settings}): its configuration key, the {@code adan-train} flag
 * that sets it, the Spark ML param that sets it, its type, what values it accepts, and one line on what it
 * does; its default is reference.conf's value at the key (one home for the trainer's defaults), or, for a
 * setting only an estimator has or whose estimator param means "none" by another value, the one declared here. The flag table and {@code --help}, the run plan's
 * checks, the estimators' params and {@code explainParams}, the generated reference docs and the Python params
 * all read it from here.
 *
 * @param key the configuration key, e.g. {@code adan.train.global-batch}; {@code <name>} in it stands for the
 *     chosen optimizer's base name ({@code adan.optimizer.<name>.lr}); empty for a setting only an estimator has
 * @param flag the flag, e.g. {@code --global-batch}; empty when no flag sets it
 * @param value the flag value's placeholder, e.g. {@code N}; empty for a switch or a setting without a flag
 * @param param the estimators' param that sets it, e.g. {@code globalBatchSize}; empty when none does
 * @param type the value's type
 * @param check what values it accepts
 * @param declaredDefault the param's default where it is not reference.conf's: a setting without a key, or an
 *     estimator's {@code modelSpec}, blank because {@code hiddenLayers} then gives the CLI's {@code mlp:256}; null
 *     for reference.conf's
 * @param help one line on what it does
 */
public record Setting(String key, String flag, String value, String param, SettingType type, Check check,
                      Object declaredDefault, String help) implements Serializable {

    /** The segment of a per-optimizer key that the chosen optimizer's base name fills. */
    public static final String OPTIMIZER = "<name>";

    /** Validates the declaration. */
    public Setting {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(check, "check");
        if (key.isEmpty() && declaredDefault == null) {
            throw new IllegalArgumentException("setting " + param + ": a setting without a key declares its default");
        }
    }

    /**
     * @param key the configuration key
     * @param type the value's type
     * @param help one line on what it does
     * @return a setting of reference.conf, with no flag and no param, accepting any value of its type
     */
    public static Setting of(String key, SettingType type, String help) {
        return new Setting(key, "", "", "", type, Check.ANY, null, help);
    }

    /**
     * @param param the estimators' param
     * @param type the value's type
     * @param defaultValue its default
     * @param help one line on what it does
     * @return a setting only an estimator has (no key, no flag)
     */
    public static Setting estimatorOnly(String param, SettingType type, Object defaultValue, String help) {
        return new Setting("", "", "", param, type, Check.ANY, defaultValue, help);
    }

    /**
     * @param name the flag, e.g. {@code --epochs}
     * @param placeholder its value's placeholder ({@code N}), empty for a switch
     * @return this setting, set by that flag
     */
    public Setting flag(String name, String placeholder) {
        return new Setting(key, name, placeholder, param, type, check, declaredDefault, help);
    }

    /**
     * @param name the estimators' param
     * @return this setting, set by that param
     */
    public Setting param(String name) {
        return new Setting(key, flag, value, name, type, check, declaredDefault, help);
    }

    /**
     * @param value the estimators' param default, where it is not reference.conf's
     * @return this setting, with that param default
     */
    public Setting paramDefault(Object value) {
        return new Setting(key, flag, this.value, param, type, check, value, help);
    }

    /**
     * @param accepts what values it accepts
     * @return this setting, checked
     */
    public Setting check(Check accepts) {
        return new Setting(key, flag, value, param, type, accepts, declaredDefault, help);
    }

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

    /** @return whether the key belongs to the chosen optimizer ({@code adan.optimizer.<name>.lr}) */
    public boolean perOptimizer() {
        return key.contains(OPTIMIZER);
    }

    /**
     * @param optimizer an optimizer's base name, e.g. {@code adan}
     * @return the key when that optimizer is chosen
     */
    public String keyFor(String optimizer) {
        return key.replace(OPTIMIZER, optimizer);
    }

    /**
     * @return the default of the estimators' param: the declared one, else reference.conf's value at the key;
     *     null for a per-optimizer setting (whose default is the chosen optimizer's, {@link OptimizerSpec#recipe})
     */
    public Object defaultValue() {
        if (declaredDefault != null) {
            return declaredDefault;
        }
        if (perOptimizer()) {
            return null;
        }
        return read(Reference.CONFIG);
    }

    /**
     * @param c a configuration that holds the key (reference.conf's defaults included)
     * @return the value at the key, of the setting's type
     */
    public Object read(Config c) {
        return type.read(c, key);
    }

    /**
     * @param name how the front end names a setting ({@link #named}, {@link #asParam})
     * @param v a value of the setting's type
     * @throws IllegalArgumentException {@code "<name> must be >= 1, got 0"} when the check refuses it
     */
    public void validate(java.util.function.Function<Setting, String> name, Object v) {
        String problem = check.problem(v);
        if (problem != null) {
            throw new IllegalArgumentException(name.apply(this) + (problem.startsWith(":") ? "" : " ") + problem);
        }
    }

    /** reference.conf, read once. */
    private static final class Reference {
        static final Config CONFIG = ConfigFactory.defaultReference(Setting.class.getClassLoader()).resolve();
    }
}
