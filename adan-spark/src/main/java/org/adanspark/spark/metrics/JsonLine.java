package org.adanspark.spark.metrics;

import java.util.Locale;

/** Builds one JSON object on one line; non-finite numbers become {@code null}. */
final class JsonLine {

    private final StringBuilder sb = new StringBuilder("{");

    JsonLine put(String key, String value) {
        key(key);
        if (value == null) {
            sb.append("null");
            return this;
        }
        sb.append('"');
        for (char ch : value.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
        return this;
    }

    JsonLine put(String key, long value) {
        key(key);
        sb.append(value);
        return this;
    }

    JsonLine put(String key, double value) {
        key(key);
        sb.append(Double.isFinite(value) ? Double.toString(value) : "null");
        return this;
    }

    JsonLine put(String key, boolean value) {
        key(key);
        sb.append(value);
        return this;
    }

    private void key(String key) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        sb.append('"').append(key).append("\":");
    }

    @Override
    public String toString() {
        return sb + "}";
    }
}
