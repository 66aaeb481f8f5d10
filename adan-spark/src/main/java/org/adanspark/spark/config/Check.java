package org.adanspark.spark.config;

import java.io.Serializable;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What values a setting accepts, declared with it ({@link Setting#check}): the run plan validates a
 * configuration with it, the estimators' params validate a value set on them with it, and the generated docs
 * and Python params describe it. A check answers with what is wrong, so each front end puts it after the
 * setting's own name: {@code "param globalBatchSize must be >= 1, got 0"}.
 */
public interface Check extends Serializable {

    /** Accepts every value of the setting's type. */
    Check ANY = new Any();

    /**
     * @param value a value of the setting's type
     * @return null when the value is accepted, else what is wrong with it, to follow the setting's name:
     *     {@code "must be >= 1, got 0"}, or, for a value that does not parse, the parser's reason after a colon
     */
    String problem(Object value);

    /** @return what the check accepts, for docs: {@code ">= 1"}, {@code "in [0, 1)"}; empty for {@link #ANY} */
    String describe();

    /**
     * @param min the smallest value accepted
     * @return a check of a number, {@code >= min}
     */
    static Check atLeast(long min) {
        return new AtLeast(min);
    }

    /**
     * @param lo the lower bound
     * @param loInclusive whether {@code lo} itself is accepted
     * @param hi the upper bound
     * @param hiInclusive whether {@code hi} itself is accepted
     * @return a check of a number in the interval
     */
    static Check inRange(double lo, boolean loInclusive, double hi, boolean hiInclusive) {
        return new InRange(lo, loInclusive, hi, hiInclusive);
    }

    /**
     * @param bound the value every accepted number exceeds
     * @return a check of a number, {@code > bound}
     */
    static Check above(double bound) {
        return new InRange(bound, false, Double.POSITIVE_INFINITY, false);
    }

    /**
     * @param choices the names accepted, read in any case (trimmed); asked each time, so a list that is found
     *     at run time (the backends on the classpath) is current
     * @return a check of a string
     */
    static Check oneOf(Choices choices) {
        return new OneOf(choices);
    }

    /** The names a {@link #oneOf} check accepts, asked for each time; a check can carry it inside a Spark ML param. */
    @FunctionalInterface
    interface Choices extends Supplier<List<String>>, Serializable {
    }

    /**
     * @param element the check of every element
     * @return a check of an {@code int[]} or {@code double[]} whose elements all pass {@code element}
     */
    static Check each(Check element) {
        return new Each(element);
    }

    /**
     * @param what what the value must be, for docs ({@code "a model spec"})
     * @param parser parses the value, throwing {@link IllegalArgumentException} with the reason when it is bad
     * @return a check that the value parses
     */
    static Check parsedAs(String what, SerializableConsumer parser) {
        return new Parsed(what, parser);
    }

    /**
     * @param check the check of a non-blank value
     * @return a check of a string that accepts blank (the setting's "none") and checks anything else
     */
    static Check blankOr(Check check) {
        return new BlankOr(check);
    }

    /** A parser a check can carry inside a serialised Spark ML param. */
    @FunctionalInterface
    interface SerializableConsumer extends Consumer<String>, Serializable {
    }

    /** See {@link #ANY}. */
    record Any() implements Check {
        @Override
        public String problem(Object value) {
            return null;
        }

        @Override
        public String describe() {
            return "";
        }
    }

    /** See {@link #atLeast}. */
    record AtLeast(long min) implements Check {
        @Override
        public String problem(Object value) {
            return ((Number) value).doubleValue() >= min ? null : "must be >= " + min + ", got " + value;
        }

        @Override
        public String describe() {
            return ">= " + min;
        }
    }

    /** See {@link #inRange}. */
    record InRange(double lo, boolean loInclusive, double hi, boolean hiInclusive) implements Check {
        @Override
        public String problem(Object value) {
            double v = ((Number) value).doubleValue();
            boolean ok = (loInclusive ? v >= lo : v > lo) && (hiInclusive ? v <= hi : v < hi);
            return ok ? null : "must be " + describe() + ", got " + value;
        }

        @Override
        public String describe() {
            if (Double.isInfinite(hi)) {
                return (loInclusive ? ">= " : "> ") + number(lo);
            }
            return "in " + (loInclusive ? "[" : "(") + number(lo) + ", " + number(hi) + (hiInclusive ? "]" : ")");
        }

        private static String number(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }

    /** See {@link #oneOf}. */
    record OneOf(Choices choices) implements Check {
        @Override
        public String problem(Object value) {
            String v = value == null ? "" : value.toString().trim();
            return choices.get().stream().anyMatch(c -> c.equalsIgnoreCase(v)) ? null
                    : "must be " + describe() + ", got '" + value + "'";
        }

        @Override
        public String describe() {
            List<String> all = choices.get();
            List<String> c = new java.util.ArrayList<>(all.stream().filter(s -> !s.isBlank()).toList());
            if (c.size() < all.size()) {
                c.add("blank");
            }
            return c.size() == 1 ? c.get(0) : String.join(", ", c.subList(0, c.size() - 1)) + " or " + c.get(c.size() - 1);
        }
    }

    /** See {@link #each}. */
    record Each(Check element) implements Check {
        @Override
        public String problem(Object value) {
            int n = java.lang.reflect.Array.getLength(value);
            for (int i = 0; i < n; i++) {
                Object v = java.lang.reflect.Array.get(value, i);
                String p = element.problem(v);
                if (p != null) {
                    return "[" + i + "] " + p;
                }
            }
            return null;
        }

        @Override
        public String describe() {
            return "each " + element.describe();
        }
    }

    /** See {@link #parsedAs}. */
    record Parsed(String what, SerializableConsumer parser) implements Check {
        @Override
        public String problem(Object value) {
            String v = value == null ? "" : value.toString();
            try {
                parser.accept(v);
                return null;
            } catch (IllegalArgumentException e) {
                return ": " + e.getMessage();
            }
        }

        @Override
        public String describe() {
            return what;
        }
    }

    /** See {@link #blankOr}. */
    record BlankOr(Check check) implements Check {
        @Override
        public String problem(Object value) {
            return value == null || value.toString().isBlank() ? null : check.problem(value);
        }

        @Override
        public String describe() {
            return "blank or " + check.describe();
        }
    }
}
