package org.adanspark.optim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every optimizer by name, built from a map of hyperparameters keyed as {@link Optimizer#hyperparameters()}
 * names them ({@code lr}, {@code weight_decay}, {@code beta1}, …): the one list the command line, the
 * Spark ML params, the checkpoint reader and the reference docs share. A name {@code lookahead-<name>}
 * wraps {@code <name>} in {@link Lookahead}, with {@code lookahead_k} and {@code lookahead_alpha}. Any
 * optimizer takes {@code ema_decay}: when it is not 0 a {@link ModelEma} is kept beside it.
 *
 * <p>A key the optimizer does not have is refused by name; a key that is absent keeps the builder's
 * default (the reference implementation's), so {@code create(name, Map.of())} is the optimizer with its
 * defaults and {@link #defaults} lists them.
 */
public final class OptimizerRegistry {

    /** The prefix of a Lookahead-wrapped optimizer's name. */
    public static final String LOOKAHEAD_PREFIX = "lookahead-";

    /** Lookahead's defaults, the paper's: k = 5, α = 0.5. */
    public static final int DEFAULT_LOOKAHEAD_K = 5;
    /** See {@link #DEFAULT_LOOKAHEAD_K}. */
    public static final double DEFAULT_LOOKAHEAD_ALPHA = 0.5;

    private static final List<String> NAMES = List.of(Adan.NAME, AdamW.NAME, Adam.NAME, Lamb.NAME, Sgd.NAME, RAdam.NAME,
            SetAdam.NAME, Adafactor.NAME);

    private OptimizerRegistry() {
    }

    /** @return the base optimizers' names, in documentation order: adan, adamw, adam, lamb, sgd, radam, setadam,
     *     adafactor */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * @param name an optimizer name, any case, possibly {@code lookahead-<name>}
     * @return the lower-case name, checked
     * @throws IllegalArgumentException naming the value and the names there are
     */
    public static String canonical(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        String base = n.startsWith(LOOKAHEAD_PREFIX) ? n.substring(LOOKAHEAD_PREFIX.length()) : n;
        if (!NAMES.contains(base)) {
            throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected one of "
                    + String.join(", ", NAMES) + ", or lookahead-<one of them>");
        }
        return n;
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<name>}
     * @return the name of the optimizer whose update it runs ({@code <name>} for Lookahead)
     */
    public static String baseName(String name) {
        String n = canonical(name);
        return n.startsWith(LOOKAHEAD_PREFIX) ? n.substring(LOOKAHEAD_PREFIX.length()) : n;
    }

    /**
     * Builds an optimizer.
     *
     * @param name its name, possibly {@code lookahead-<name>}
     * @param hyperparameters values by {@link Optimizer#hyperparameters()} key: numbers, booleans, and for
     *     {@code non_finite} the policy's name; absent keys keep the defaults
     * @return the optimizer
     * @throws IllegalArgumentException naming an unknown name, an unknown key, or an invalid value
     */
    public static Optimizer create(String name, Map<String, ?> hyperparameters) {
        String n = canonical(name);
        Values v = new Values(n, hyperparameters);
        boolean lookahead = n.startsWith(LOOKAHEAD_PREFIX);
        String base = lookahead ? n.substring(LOOKAHEAD_PREFIX.length()) : n;
        Optimizer inner = switch (base) {
            case Adan.NAME -> {
                v.defaults(Adan.builder().build());
                yield common(Adan.builder(), v).betas(v.number("beta1"), v.number("beta2"), v.number("beta3"))
                        .eps(v.number("eps")).noProx(v.bool("no_prox")).build();
            }
            case AdamW.NAME -> {
                v.defaults(AdamW.builder().build());
                yield common(AdamW.builder(), v).betas(v.number("beta1"), v.number("beta2")).eps(v.number("eps"))
                        .updateClip(v.number("update_clip")).build();
            }
            case Adam.NAME -> {
                v.defaults(Adam.builder().build());
                yield common(Adam.builder(), v).betas(v.number("beta1"), v.number("beta2")).eps(v.number("eps"))
                        .updateClip(v.number("update_clip")).build();
            }
            case Lamb.NAME -> {
                v.defaults(Lamb.builder().build());
                yield common(Lamb.builder(), v).betas(v.number("beta1"), v.number("beta2")).eps(v.number("eps")).build();
            }
            case Sgd.NAME -> {
                v.defaults(Sgd.builder().build());
                yield common(Sgd.builder(), v).momentum(v.number("momentum")).dampening(v.number("dampening"))
                        .nesterov(v.bool("nesterov")).build();
            }
            case RAdam.NAME -> {
                v.defaults(RAdam.builder().build());
                yield common(RAdam.builder(), v).betas(v.number("beta1"), v.number("beta2")).eps(v.number("eps"))
                        .decoupledWeightDecay(v.bool("decoupled_weight_decay")).build();
            }
            case SetAdam.NAME -> {
                v.defaults(SetAdam.builder().build());
                yield common(SetAdam.builder(), v).betas(v.number("beta1"), v.number("beta2")).eps(v.number("eps"))
                        .tau(v.number("tau")).build();
            }
            case Adafactor.NAME -> {
                v.defaults(Adafactor.builder().build());
                yield common(Adafactor.builder(), v).beta1(v.number("beta1")).eps(v.number("eps1"), v.number("eps2"))
                        .clipThreshold(v.number("clip_threshold")).decayExponent(v.number("decay_exponent"))
                        .relativeStep(v.bool("relative_step")).scaleParameter(v.bool("scale_parameter")).build();
            }
            default -> throw new IllegalStateException(base);
        };
        Optimizer built = lookahead
                ? Lookahead.wrap(inner, v.integer("lookahead_k", DEFAULT_LOOKAHEAD_K),
                        v.number("lookahead_alpha", DEFAULT_LOOKAHEAD_ALPHA))
                : inner;
        double emaDecay = v.number(ModelEma.DECAY_KEY, 0.0);
        if (emaDecay != 0) {
            built = ModelEma.wrap(built, emaDecay);
        }
        v.refuseUnused(built);
        return built;
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<name>}
     * @return its hyperparameters with every default, in {@link Optimizer#hyperparameters()} order
     */
    public static Map<String, Object> defaults(String name) {
        return create(name, Map.of()).hyperparameters();
    }

    private static <B extends AbstractOptimizer.Builder<B, ?>> B common(B b, Values v) {
        b.lr(v.number("lr")).weightDecay(v.number("weight_decay")).maxGradNorm(v.number("max_grad_norm"));
        String policy = v.string("non_finite");
        try {
            b.nonFinitePolicy(NonFinitePolicy.valueOf(policy.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(v.name + ": non_finite must be FAIL or SKIP, got '" + policy + "'");
        }
        return b;
    }

    /** The given values, each read once; what is left over names a key the optimizer does not have. */
    private static final class Values {
        final String name;
        final Map<String, ?> given;
        final Set<String> read = new TreeSet<>();
        Map<String, Object> defaults = Map.of();

        Values(String name, Map<String, ?> given) {
            this.name = name;
            this.given = given == null ? Map.of() : new HashMap<>(given);
        }

        /** Takes the defaults from {@code optimizer}'s hyperparameters. */
        void defaults(Optimizer optimizer) {
            defaults = optimizer.hyperparameters();
        }

        double number(String key) {
            return number(key, ((Number) defaults.get(key)).doubleValue());
        }

        boolean bool(String key) {
            return bool(key, (Boolean) defaults.get(key));
        }

        String string(String key) {
            return string(key, defaults.get(key).toString());
        }

        int integer(String key, int fallback) {
            double d = number(key, fallback);
            if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + ": " + key + " must be a whole number, got " + given.get(key));
            }
            return (int) d;
        }

        double number(String key, double fallback) {
            read.add(key);
            Object o = given.get(key);
            if (o == null) {
                return fallback;
            }
            if (o instanceof Number num) {
                return num.doubleValue();
            }
            try {
                return Double.parseDouble(o.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": " + key + " must be a number, got '" + o + "'");
            }
        }

        boolean bool(String key, boolean fallback) {
            read.add(key);
            Object o = given.get(key);
            if (o == null) {
                return fallback;
            }
            if (o instanceof Boolean b) {
                return b;
            }
            String s = o.toString().trim().toLowerCase(Locale.ROOT);
            if (!s.equals("true") && !s.equals("false")) {
                throw new IllegalArgumentException(name + ": " + key + " must be true or false, got '" + o + "'");
            }
            return Boolean.parseBoolean(s);
        }

        String string(String key, String fallback) {
            read.add(key);
            Object o = given.get(key);
            return o == null ? fallback : o.toString();
        }

        void refuseUnused(Optimizer built) {
            List<String> unknown = new ArrayList<>();
            for (String key : given.keySet()) {
                if (!read.contains(key)) {
                    unknown.add(key);
                }
            }
            if (!unknown.isEmpty()) {
                Map<String, Object> known = new LinkedHashMap<>(built.hyperparameters());
                throw new IllegalArgumentException(name + " has no hyperparameter " + String.join(", ", unknown)
                        + "; its hyperparameters are " + String.join(", ", known.keySet()));
            }
        }
    }
}
