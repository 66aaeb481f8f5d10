package org.adanspark.spark.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How an enum-valued setting is spelled in configuration and read from it: its constants in lower case. */
final class EnumSetting {

    private EnumSetting() {
    }

    /**
     * @param type the enum
     * @param value a setting's value, in any case
     * @param key the setting's name, for the message
     * @param <E> the enum
     * @return the constant {@code value} names
     * @throws IllegalArgumentException "KEY must be a or b, got 'VALUE'"
     */
    static <E extends Enum<E>> E parse(Class<E> type, String value, String key) {
        String v = value == null ? "" : value.trim();
        for (E e : type.getEnumConstants()) {
            if (name(e).equalsIgnoreCase(v)) {
                return e;
            }
        }
        String[] names = Arrays.stream(type.getEnumConstants()).map(EnumSetting::name).toArray(String[]::new);
        String expected = names.length == 1 ? names[0] : Arrays.stream(names, 0, names.length - 1)
                .collect(Collectors.joining(", ")) + " or " + names[names.length - 1];
        throw new IllegalArgumentException(key + " must be " + expected + ", got '" + value + "'");
    }

    /** @return the constant's name in configuration: lower case */
    static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
