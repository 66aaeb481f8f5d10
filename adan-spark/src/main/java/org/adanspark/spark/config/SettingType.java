package org.adanspark.spark.config;

import com.typesafe.config.Config;
import java.util.List;

/**
 * The type of a setting's value, one for each kind of value reference.conf holds and a Spark ML param can
 * carry: what {@link Setting#read} returns, which Spark ML param class an estimator's param is, and (next to
 * the estimators) which Python type a PySpark param converts to.
 */
public enum SettingType {
    /** A whole number that fits an {@code int}: {@code Integer}. */
    INT,
    /** A whole number: {@code Long}. */
    LONG,
    /** A real number: {@code Double}. */
    DOUBLE,
    /** {@code true} or {@code false}: {@code Boolean}. */
    BOOLEAN,
    /** Text: {@code String}. */
    STRING,
    /** A duration such as {@code 10m}: {@code java.time.Duration}. */
    DURATION,
    /** A list of whole numbers: {@code int[]}. */
    INT_ARRAY,
    /** A list of real numbers: {@code double[]}. */
    DOUBLE_ARRAY,
    /** A list of whole numbers: {@code List<Long>}. */
    LONG_LIST,
    /** A section of named values: {@code Config}. */
    OBJECT;

    /**
     * @param c a configuration
     * @param key the full key
     * @return the value at {@code key}, of this type
     * @throws com.typesafe.config.ConfigException.WrongType naming the key when it is of another
     */
    public Object read(Config c, String key) {
        return switch (this) {
            case INT -> c.getInt(key);
            case LONG -> c.getLong(key);
            case DOUBLE -> c.getDouble(key);
            case BOOLEAN -> c.getBoolean(key);
            case STRING -> c.getString(key);
            case DURATION -> c.getDuration(key);
            case INT_ARRAY -> c.getIntList(key).stream().mapToInt(Integer::intValue).toArray();
            case DOUBLE_ARRAY -> c.getDoubleList(key).stream().mapToDouble(Double::doubleValue).toArray();
            case LONG_LIST -> List.copyOf(c.getLongList(key));
            case OBJECT -> c.getConfig(key);
        };
    }
}
