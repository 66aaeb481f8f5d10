package org.adanspark.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.adanspark.optim.Hyperparameter;
import org.adanspark.optim.Lookahead;
import org.adanspark.optim.ModelEma;
import org.adanspark.optim.NonFinitePolicy;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerRegistry;

/**
 * An optimizer chosen by name with its hyperparameters, typed: the registry's keys
 * ({@link Optimizer#hyperparameters()}: {@code lr}, {@code weight_decay}, {@code beta1}, …) with values,
 * built through {@link OptimizerRegistry}, read by {@link #from} from the {@code adan.optimizer} section of a
 * run's merged configuration, whether the command line made it or an estimator's params (an overlay on
 * {@code reference.conf}). Each optimizer's library defaults are the
 * reference implementation's, as it declares them ({@link OptimizerRegistry#hyperparameters}); the trainer's
 * recipe ({@link #recipe}: Adan's lr 0.01 and weight decay 0.02, …) is declared once, in reference.conf's
 * subsection {@code adan.optimizer.<name>}, which holds only what the trainer or a run changes, under the
 * registry key in kebab case ({@code weight_decay} → {@code weight-decay}), except {@code beta1…3}, which are
 * the list {@code betas}. The learning rate the
 * schedule gives changes every step and goes to each step; the optimizer itself is built once per process
 * ({@link #build}).
 */
public final class OptimizerSpec implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Names accepted by {@code --optimizer}, besides {@code lookahead-<name>}: the registry's. */
    public static final List<String> NAMES = OptimizerRegistry.names();

    /** The configuration section of the optimizer's settings. */
    public static final String SECTION = "adan.optimizer";
    /** The configuration key of an optimizer's betas, one list for its {@code beta1…3}. */
    public static final String BETAS = "betas";
    private static final String BETA = "beta";
    private static final String LOOKAHEAD = "lookahead";

    private final String name;
    /** The values a run gives, by registry key: what differs from the optimizer's declared defaults. */
    private final LinkedHashMap<String, Object> hyperparameters;
    private final int shards;
    private transient Optimizer built;

    /**
     * @param names how the source names a setting (by key, or by the estimator's param)
     */
    private OptimizerSpec(String name, LinkedHashMap<String, Object> hyperparameters, int shards, SettingNames names) {
        this.name = name;
        this.hyperparameters = hyperparameters;
        this.shards = shards;
        Settings.SHARDS.validate(names, shards);
        Settings.EMA_DECAY.validate(names, emaDecay());
        try {
            build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(names.optimizerSection(name, baseName(name)) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the spec from a run's {@code adan.optimizer} section and validates it by building the optimizer
     * once. The command line's section and an estimator's (its params over reference.conf) are read alike.
     *
     * @param optimizer the {@code adan.optimizer} section, reference.conf's defaults included
     * @param names how the source names a setting in messages
     * @return the spec
     * @throws IllegalArgumentException naming the setting and value that are wrong
     */
    public static OptimizerSpec from(Config optimizer, SettingNames names) {
        String given = optimizer.getString(local(Settings.OPTIMIZER));
        Settings.OPTIMIZER.validate(names, given);
        String name = OptimizerRegistry.canonical(given);
        try {
            return new OptimizerSpec(name, hyperparameters(optimizer, name, names), optimizer.getInt(local(Settings.SHARDS)),
                    names);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bad configuration value under adan.optimizer: " + e.getMessage(), e);
        }
    }

    /**
     * The registry's hyperparameters of {@code name} from an {@code adan.optimizer} section. The optimizer's own subsection holds only what differs from
     * its declared defaults ({@link OptimizerRegistry#hyperparameters}); a key there that the optimizer
     * does not have is refused by name.
     */
    private static LinkedHashMap<String, Object> hyperparameters(Config optimizer, String name, SettingNames names) {
        String base = baseName(name);
        Config own = optimizer.hasPath(base) ? optimizer.getConfig(base) : ConfigFactory.empty();
        String prefix = SECTION + "." + base + ".";
        List<String> keys = configKeys(base);
        for (String key : own.root().keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException(prefix + key + " is not a setting of " + base + "; its settings are "
                        + String.join(", ", keys));
            }
        }
        LinkedHashMap<String, Object> h = new LinkedHashMap<>();
        int wantBetas = betaCount(base);
        List<Double> betas = own.hasPath(BETAS) ? own.getDoubleList(BETAS) : null;
        if (betas != null && betas.size() != wantBetas) {
            throw new IllegalArgumentException(names.perOptimizer(Settings.BETAS, base) + " must have " + wantBetas
                    + " values for " + base + ", got " + betas.size());
        }
        for (Hyperparameter<?> p : OptimizerRegistry.hyperparameters(base)) {
            String key = configKey(p);
            if (isBeta(p)) {
                if (betas != null) {
                    h.put(p.key(), betas.get(Integer.parseInt(p.key().substring(BETA.length())) - 1));
                }
            } else if (own.hasPath(key)) {
                h.put(p.key(), read(own, prefix, key, p.type()));
            }
        }
        h.put(OptimizerRegistry.MAX_GRAD_NORM.key(), optimizer.getDouble(local(Settings.MAX_GRAD_NORM)));
        h.put(OptimizerRegistry.NON_FINITE.key(), nonFinite(optimizer.getString(local(Settings.NON_FINITE))).name());
        if (name.startsWith(OptimizerRegistry.LOOKAHEAD_PREFIX)) {
            Config lookahead = optimizer.hasPath(LOOKAHEAD) ? optimizer.getConfig(LOOKAHEAD) : ConfigFactory.empty();
            for (String key : lookahead.root().keySet()) {
                if (Lookahead.HYPERPARAMETERS.stream().noneMatch(p -> lookaheadKey(p).equals(key))) {
                    throw new IllegalArgumentException(SECTION + "." + LOOKAHEAD + "." + key + " is not a setting of "
                            + "lookahead; its settings are k, alpha");
                }
            }
            for (Hyperparameter<?> p : Lookahead.HYPERPARAMETERS) {
                if (lookahead.hasPath(lookaheadKey(p))) {
                    h.put(p.key(), read(lookahead, SECTION + "." + LOOKAHEAD + ".", lookaheadKey(p), p.type()));
                }
            }
        }
        h.put(ModelEma.DECAY_KEY, optimizer.getDouble(local(Settings.EMA_DECAY)));
        if (((Number) h.get(ModelEma.DECAY_KEY)).doubleValue() == 0) {
            h.remove(ModelEma.DECAY_KEY); // no model EMA: the optimizer alone, as its checkpoints record it
        }
        return h;
    }

    /** @return a setting's key within the {@code adan.optimizer} section */
    private static String local(Setting setting) {
        return setting.key().substring(SECTION.length() + 1);
    }

    /** Reads {@code key} of a subsection as {@code type}, a wrong type named by the key's full path. */
    private static Object read(Config c, String path, String key, Class<?> type) {
        try {
            if (type == Boolean.class) {
                return c.getBoolean(key);
            }
            if (type == Integer.class) {
                return c.getInt(key);
            }
            if (type == Double.class) {
                return c.getDouble(key);
            }
            return c.getString(key);
        } catch (ConfigException.WrongType e) {
            String want = type == Boolean.class ? "true or false" : type == Integer.class ? "a whole number"
                    : type == Double.class ? "a number" : "a string";
            throw new IllegalArgumentException(path + key + " must be " + want + ", got "
                    + c.getValue(key).render(ConfigRenderOptions.concise()), e);
        }
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<inner>}
     * @return the keys its own configuration subsection may hold, in documentation order: its hyperparameters'
     *     keys in kebab case, the betas as one list {@code betas}
     */
    public static List<String> configKeys(String name) {
        List<String> keys = new ArrayList<>();
        for (Hyperparameter<?> p : OptimizerRegistry.hyperparameters(baseName(name))) {
            String key = configKey(p);
            if (!keys.contains(key)) {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * @param p a hyperparameter of an optimizer
     * @return its configuration key: its registry key in kebab case ({@code weight_decay} → {@code weight-decay}),
     *     {@code betas} for {@code beta1…3}
     */
    public static String configKey(Hyperparameter<?> p) {
        return isBeta(p) ? BETAS : p.key().replace('_', '-');
    }

    /**
     * @param p one of {@link Lookahead#HYPERPARAMETERS}
     * @return its key under {@code adan.optimizer.lookahead}: {@code k}, {@code alpha}
     */
    public static String lookaheadKey(Hyperparameter<?> p) {
        return p.key().substring("lookahead_".length());
    }

    /**
     * @param key a key under {@code adan.optimizer}, e.g. {@code adan.optimizer.adan.lr}
     * @return whether it names a setting of one optimizer's own subsection or of Lookahead's
     */
    public static boolean isOptimizerKey(String key) {
        if (!key.startsWith(SECTION + ".")) {
            return false;
        }
        String[] parts = key.substring(SECTION.length() + 1).split("\\.", -1);
        if (parts.length != 2) {
            return false;
        }
        if (parts[0].equals(LOOKAHEAD)) {
            return Lookahead.HYPERPARAMETERS.stream().anyMatch(p -> lookaheadKey(p).equals(parts[1]));
        }
        return OptimizerRegistry.names().contains(parts[0]) && configKeys(parts[0]).contains(parts[1]);
    }

    /**
     * The trainer's recipe for an optimizer: its library defaults (the reference implementation's) with
     * reference.conf's {@code adan.optimizer.<name>} section over them, what a run gets when it sets nothing.
     *
     * @param name an optimizer name, possibly {@code lookahead-<inner>}
     * @return every hyperparameter of the base optimizer by registry key, in {@link Optimizer#hyperparameters()}
     *     order (the common ones included, the model EMA's not)
     */
    public static Map<String, Object> recipe(String name) {
        String base = baseName(name);
        LinkedHashMap<String, Object> h = hyperparameters(referenceSection(), base, SettingNames.KEYS);
        return OptimizerRegistry.create(base, h).hyperparameters();
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<inner>}
     * @return the trainer's default learning rate for it ({@link #recipe})
     */
    public static double defaultLr(String name) {
        return ((Number) recipe(name).get(Hyperparameter.LR_KEY)).doubleValue();
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<inner>}
     * @return the trainer's default weight decay for it ({@link #recipe})
     */
    public static double defaultWeightDecay(String name) {
        return ((Number) recipe(name).get(Hyperparameter.WEIGHT_DECAY_KEY)).doubleValue();
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<inner>}
     * @return the trainer's default betas for it ({@link #recipe}), empty for SGD
     */
    public static double[] defaultBetas(String name) {
        Map<String, Object> recipe = recipe(name);
        return OptimizerRegistry.hyperparameters(baseName(name)).stream().filter(OptimizerSpec::isBeta)
                .mapToDouble(p -> ((Number) recipe.get(p.key())).doubleValue()).toArray();
    }

    /** @return reference.conf's {@code adan.optimizer} section, where the trainer's recipe is declared */
    private static Config referenceSection() {
        return ConfigFactory.defaultReference(OptimizerSpec.class.getClassLoader()).getConfig(SECTION);
    }

    private static boolean isBeta(Hyperparameter<?> p) {
        return p.key().matches(BETA + "\\d");
    }

    private static NonFinitePolicy nonFinite(String value) {
        String policy = value.trim().toLowerCase(Locale.ROOT);
        if (!policy.equals("fail") && !policy.equals("skip")) {
            throw new IllegalArgumentException(Settings.NON_FINITE.key() + " must be fail or skip, got '" + policy + "'");
        }
        return policy.equals("fail") ? NonFinitePolicy.FAIL : NonFinitePolicy.SKIP;
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<inner>}
     * @return how many betas it takes (Adan 3, SGD none, the others 2), as its hyperparameters list them
     */
    public static int betaCount(String name) {
        return (int) OptimizerRegistry.hyperparameters(baseName(name)).stream().filter(OptimizerSpec::isBeta).count();
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<inner>}
     * @return the name whose settings apply ({@code <inner>} for lookahead)
     * @throws IllegalArgumentException naming the value when it is not a known optimizer
     */
    public static String baseName(String name) {
        try {
            return OptimizerRegistry.baseName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(Settings.OPTIMIZER.key() + " must be one of " + String.join(", ", NAMES)
                    + " or lookahead-<one of them>, got '" + name + "'");
        }
    }

    /**
     * @return the optimizer, built once per process: its learning rate is the peak the schedule scales, and
     *     each step is given the schedule's rate
     */
    public Optimizer build() {
        if (built == null) {
            built = OptimizerRegistry.create(name, hyperparameters);
        }
        return built;
    }

    /** @return the configured name, e.g. {@code adan} or {@code lookahead-adan} */
    public String name() {
        return name;
    }

    /** @return the peak learning rate */
    public double lr() {
        return build().lr();
    }

    /** @return state shards */
    public int shards() {
        return shards;
    }

    /** @return the model EMA's decay, 0 when the run keeps none */
    public double emaDecay() {
        Object decay = hyperparameters.get(ModelEma.DECAY_KEY);
        return decay == null ? 0 : ((Number) decay).doubleValue();
    }

    /** @return what to do with a NaN/Inf gradient or loss */
    public NonFinitePolicy nonFinitePolicy() {
        return NonFinitePolicy.valueOf(hyperparameters.get(OptimizerRegistry.NON_FINITE.key()).toString());
    }

    /** @return the optimizer at its peak learning rate, e.g. for logs */
    @Override
    public String toString() {
        return build().toString();
    }
}
