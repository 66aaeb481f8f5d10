package org.adanspark.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.adanspark.optim.ModelEma;
import org.adanspark.optim.NonFinitePolicy;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerRegistry;

/**
 * An optimizer chosen by name with its hyperparameters, typed: the registry's keys
 * ({@link Optimizer#hyperparameters()}: {@code lr}, {@code weight_decay}, {@code beta1}, …) with values,
 * built through {@link OptimizerRegistry}. Two sources make it, one reader each and the same checks: the
 * {@code adan.optimizer} section of a run's configuration ({@link #from}) and an estimator's typed params
 * ({@link #of}, over the same section of {@code reference.conf}). A hyperparameter's configuration key is
 * its registry key in kebab case ({@code weight_decay} → {@code weight-decay}), except {@code beta1…3},
 * which are the list {@code betas}. The learning rate the schedule gives changes every step and goes to each
 * step; the optimizer itself is built once per process ({@link #build}).
 */
public final class OptimizerSpec implements Serializable {

    private static final long serialVersionUID = 2L;

    /** Names accepted by {@code --optimizer}, besides {@code lookahead-<name>}: the registry's. */
    public static final List<String> NAMES = OptimizerRegistry.names();

    private final String name;
    private final LinkedHashMap<String, Object> hyperparameters;
    private final int shards;
    private transient Optimizer built;

    /**
     * @param settingName how the source names a setting (the key, or the estimator's param)
     * @param section how the source names the optimizer's own settings, for a hyperparameter the optimizer refuses
     */
    private OptimizerSpec(String name, LinkedHashMap<String, Object> hyperparameters, int shards,
                          Function<Setting, String> settingName, String section) {
        this.name = name;
        this.hyperparameters = hyperparameters;
        this.shards = shards;
        if (shards < 1) {
            throw new IllegalArgumentException(settingName.apply(Settings.SHARDS) + " must be >= 1, got "
                    + shards);
        }
        double emaDecay = emaDecay();
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException(settingName.apply(Settings.EMA_DECAY) + " must be in [0, 1) "
                    + "(0 = no model EMA), got " + emaDecay);
        }
        try {
            build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(section + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the spec from a run's {@code adan.optimizer} section and validates it by building the optimizer
     * once.
     *
     * @param optimizer the {@code adan.optimizer} section, reference.conf's defaults included
     * @return the spec
     * @throws IllegalArgumentException naming the key and value that are wrong
     */
    public static OptimizerSpec from(Config optimizer) {
        String name = optimizer.getString("name").trim().toLowerCase(Locale.ROOT);
        try {
            return new OptimizerSpec(name, hyperparameters(optimizer, name, null), optimizer.getInt("shards"),
                    Setting::key, "adan.optimizer." + baseName(name) + " (" + name + ")");
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bad configuration value under adan.optimizer: " + e.getMessage(), e);
        }
    }

    /**
     * An optimizer from typed values, as the Spark ML estimators give them: reference.conf's settings for
     * {@code name} with the given ones over them, validated as {@link #from} validates, the messages naming
     * the params.
     *
     * @param source what to call the values' owner in messages (an estimator's uid)
     * @param name the optimizer, possibly {@code lookahead-<name>}
     * @param lr the peak learning rate, or null for the optimizer's default
     * @param weightDecay the weight decay, or null for the optimizer's default
     * @param betas the betas, or null for the optimizer's defaults
     * @param maxGradNorm the clipping threshold, 0 for none
     * @param shards optimizer state shards
     * @param emaDecay the model EMA's decay, 0 for none
     * @return the spec
     * @throws IllegalArgumentException naming the source, the param and the value
     */
    public static OptimizerSpec of(String source, String name, Double lr, Double weightDecay, double[] betas,
                                   double maxGradNorm, int shards, double emaDecay) {
        String canonical;
        String base;
        try {
            canonical = OptimizerRegistry.canonical(name);
            base = baseName(canonical);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": param optimizer: " + e.getMessage(), e);
        }
        Config reference = ConfigFactory.defaultReference(OptimizerSpec.class.getClassLoader()).getConfig("adan.optimizer");
        Map<String, Object> given = new LinkedHashMap<>();
        if (lr != null) {
            given.put("lr", lr);
        }
        if (weightDecay != null) {
            given.put("weight_decay", weightDecay);
        }
        given.put("max_grad_norm", maxGradNorm);
        given.put(ModelEma.DECAY_KEY, emaDecay);
        if (betas != null) {
            if (betas.length != betaCount(base)) {
                throw new IllegalArgumentException(source + ": param betas has " + betas.length + " values; optimizer "
                        + name + " takes " + betaCount(base));
            }
            for (int i = 0; i < betas.length; i++) {
                given.put("beta" + (i + 1), betas[i]);
            }
        }
        try {
            return new OptimizerSpec(canonical, hyperparameters(reference, canonical, given), shards,
                    Setting::asParam, Settings.OPTIMIZER.asParam() + " (" + canonical + ")");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The registry's hyperparameters of {@code name} from an {@code adan.optimizer} section, with
     * {@code given} (registry keys) over them.
     */
    private static LinkedHashMap<String, Object> hyperparameters(Config optimizer, String name, Map<String, Object> given) {
        String base = baseName(name);
        Config c = optimizer.getConfig(base);
        String prefix = "adan.optimizer." + base + ".";
        LinkedHashMap<String, Object> h = new LinkedHashMap<>();
        List<Double> betas = c.hasPath("betas") ? c.getDoubleList("betas") : List.of();
        int wantBetas = betaCount(base);
        if (betas.size() != wantBetas) {
            throw new IllegalArgumentException(prefix + "betas must have " + wantBetas + " values, got " + betas.size());
        }
        for (Map.Entry<String, Object> d : OptimizerRegistry.defaults(base).entrySet()) {
            String key = d.getKey();
            if (key.matches("beta\\d")) {
                h.put(key, betas.get(Integer.parseInt(key.substring(4)) - 1));
            } else if (key.equals("max_grad_norm")) {
                h.put(key, optimizer.getDouble("max-grad-norm"));
            } else if (key.equals("non_finite")) {
                h.put(key, nonFinite(optimizer.getString("non-finite")).name());
            } else if (d.getValue() instanceof Boolean) { // typed as the default is: a flag's value is a string
                h.put(key, c.getBoolean(configKey(key)));
            } else if (d.getValue() instanceof Number) {
                h.put(key, c.getDouble(configKey(key)));
            } else {
                h.put(key, c.getString(configKey(key)));
            }
        }
        if (name.startsWith(OptimizerRegistry.LOOKAHEAD_PREFIX)) {
            h.put("lookahead_k", optimizer.getInt("lookahead.k"));
            h.put("lookahead_alpha", optimizer.getDouble("lookahead.alpha"));
        }
        h.put(ModelEma.DECAY_KEY, optimizer.getDouble("ema-decay"));
        if (given != null) {
            h.putAll(given);
        }
        if (((Number) h.get(ModelEma.DECAY_KEY)).doubleValue() == 0) {
            h.remove(ModelEma.DECAY_KEY); // no model EMA: the optimizer alone, as its checkpoints record it
        }
        return h;
    }

    /** @return the configuration key of a registry key: kebab case ({@code weight_decay} → {@code weight-decay}) */
    private static String configKey(String registryKey) {
        return registryKey.replace('_', '-');
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
        return (int) OptimizerRegistry.defaults(baseName(name)).keySet().stream()
                .filter(key -> key.matches("beta\\d")).count();
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
        return ((Number) hyperparameters.get("lr")).doubleValue();
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
        return NonFinitePolicy.valueOf(hyperparameters.get("non_finite").toString());
    }

    /** @return the optimizer at its peak learning rate, e.g. for logs */
    @Override
    public String toString() {
        return build().toString();
    }
}
