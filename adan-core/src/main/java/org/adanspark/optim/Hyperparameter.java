package org.adanspark.optim;

import java.util.Locale;
import java.util.Objects;

/**
 * One hyperparameter of an optimizer, declared once: its key in {@link Optimizer#hyperparameters()} and in
 * checkpoints ({@code lr}, {@code weight_decay}, {@code beta1}, …), its default, and what it does. The
 * builders start from these defaults, {@link OptimizerRegistry} reads a value by them, and the command line,
 * the configuration reference and the Spark ML params take key, default and text from them; nothing else
 * states a default.
 *
 * <p>The defaults are the reference implementation's constructor defaults (for Adan sail-sg/Adan's: lr 1e-3,
 * weight decay 0), which the optimizer's class documentation names, so a script ported from PyTorch gets the
 * same optimizer from the same arguments. The trainer's large-batch recipe (for Adan lr 0.01 and weight decay
 * 0.02) is not a default of the library: the trainer declares it over these.
 *
 * @param <T> the value's type: {@link Double}, {@link Integer}, {@link Boolean} or an enum
 */
public final class Hyperparameter<T> {

    /** The key of the learning rate, which every optimizer has (its default is the optimizer's). */
    public static final String LR_KEY = "lr";
    /** The key of the weight decay, which every optimizer has (its default is the optimizer's). */
    public static final String WEIGHT_DECAY_KEY = "weight_decay";

    private final String key;
    private final Class<T> type;
    private final T defaultValue;
    private final String doc;

    private Hyperparameter(String key, Class<T> type, T defaultValue, String doc) {
        this.key = Objects.requireNonNull(key, "key");
        this.type = type;
        this.defaultValue = Objects.requireNonNull(defaultValue, key);
        this.doc = Objects.requireNonNull(doc, key);
    }

    /**
     * @param key the key, snake case
     * @param defaultValue the default
     * @param doc what it does and its range, one sentence
     * @return a real-valued hyperparameter
     */
    public static Hyperparameter<Double> real(String key, double defaultValue, String doc) {
        return new Hyperparameter<>(key, Double.class, defaultValue, doc);
    }

    /**
     * @param key the key, snake case
     * @param defaultValue the default
     * @param doc what it does and its range, one sentence
     * @return a whole-number hyperparameter
     */
    public static Hyperparameter<Integer> whole(String key, int defaultValue, String doc) {
        return new Hyperparameter<>(key, Integer.class, defaultValue, doc);
    }

    /**
     * @param key the key, snake case
     * @param defaultValue the default
     * @param doc what true means
     * @return a boolean hyperparameter
     */
    public static Hyperparameter<Boolean> flag(String key, boolean defaultValue, String doc) {
        return new Hyperparameter<>(key, Boolean.class, defaultValue, doc);
    }

    /**
     * @param key the key, snake case
     * @param defaultValue the default constant, whose class gives the choices
     * @param doc what the choices mean
     * @param <E> the enum
     * @return a hyperparameter that is one of an enum's constants, read by name in any case
     */
    public static <E extends Enum<E>> Hyperparameter<E> choice(String key, E defaultValue, String doc) {
        return new Hyperparameter<>(key, defaultValue.getDeclaringClass(), defaultValue, doc);
    }

    /** @return the key, snake case, as {@link Optimizer#hyperparameters()} and checkpoints write it */
    public String key() {
        return key;
    }

    /** @return the value's type */
    public Class<T> type() {
        return type;
    }

    /** @return the default */
    public T defaultValue() {
        return defaultValue;
    }

    /** @return what it does and its range */
    public String doc() {
        return doc;
    }

    /**
     * Reads a given value: one of the type itself, a number for a real or whole one, or its text.
     *
     * @param owner what to name in a message (the optimizer)
     * @param given the value, or null for the default
     * @return the value
     * @throws IllegalArgumentException naming the owner, the key and the value when it is not of this type
     */
    public T read(String owner, Object given) {
        if (given == null) {
            return defaultValue;
        }
        if (type.isInstance(given)) {
            return type.cast(given);
        }
        String text = given.toString().trim();
        if (type == Double.class) {
            return type.cast(given instanceof Number n ? n.doubleValue() : parseReal(owner, text));
        }
        if (type == Integer.class) {
            double d = given instanceof Number n ? n.doubleValue() : parseReal(owner, text);
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(owner + ": " + key + " must be a whole number, got " + given);
            }
            return type.cast((int) d);
        }
        if (type == Boolean.class) {
            String s = text.toLowerCase(Locale.ROOT);
            if (!s.equals("true") && !s.equals("false")) {
                throw new IllegalArgumentException(owner + ": " + key + " must be true or false, got '" + given + "'");
            }
            return type.cast(Boolean.parseBoolean(s));
        }
        for (T constant : type.getEnumConstants()) {
            if (((Enum<?>) constant).name().equalsIgnoreCase(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException(owner + ": " + key + " must be one of " + choices() + ", got '" + given + "'");
    }

    /** @return the constants' names, lower case, joined by " or ", for an enum; empty otherwise */
    public String choices() {
        if (!type.isEnum()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        T[] constants = type.getEnumConstants();
        for (int i = 0; i < constants.length; i++) {
            b.append(i == 0 ? "" : i == constants.length - 1 ? " or " : ", ")
                    .append(((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }

    private double parseReal(String owner, String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(owner + ": " + key + " must be a number, got '" + text + "'");
        }
    }

    /** @return {@code key = default} */
    @Override
    public String toString() {
        return key + " = " + defaultValue;
    }
}
