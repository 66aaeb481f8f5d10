package org.adanspark.spark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.adanspark.optim.ModelEma;
import org.adanspark.optim.NonFinitePolicy;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerRegistry;

/**
 * An optimizer chosen by name with its hyperparameters from {@code adan.optimizer.*}, built once through
 * {@link OptimizerRegistry}. The learning rate the schedule gives changes every step and goes to each
 * step ({@link org.adanspark.optim.ShardLoop}); the optimizer itself is built once per run.
 */
public final class OptimizerSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Names accepted by {@code --optimizer}, besides {@code lookahead-<name>}: the registry's. */
    public static final List<String> NAMES = OptimizerRegistry.names();

    private final String name;
    private final LinkedHashMap<String, Object> hyperparameters;
    private final double lr;
    private final NonFinitePolicy nonFinite;
    private final int shards;
    private transient Optimizer built;

    /**
     * Reads the spec from {@code adan.optimizer} and validates it by building the optimizer once.
     *
     * @param optimizer the {@code adan.optimizer} section
     * @throws IllegalArgumentException naming the key and value that are wrong
     */
    public OptimizerSpec(Config optimizer) {
        this.name = optimizer.getString("name").trim().toLowerCase(Locale.ROOT);
        String base = baseName(name);
        Config c = optimizer.getConfig(base);
        String prefix = "adan.optimizer." + base + ".";
        this.lr = c.getDouble("lr");
        LinkedHashMap<String, Object> h = new LinkedHashMap<>();
        h.put("lr", lr);
        h.put("weight_decay", c.getDouble("weight-decay"));
        h.put("max_grad_norm", optimizer.getDouble("max-grad-norm"));
        double[] betas = c.hasPath("betas")
                ? c.getDoubleList("betas").stream().mapToDouble(Double::doubleValue).toArray() : new double[0];
        int wantBetas = betaCount(base);
        if (betas.length != wantBetas) {
            throw new IllegalArgumentException(prefix + "betas must have " + wantBetas + " values, got " + betas.length);
        }
        for (int i = 0; i < betas.length; i++) {
            h.put("beta" + (i + 1), betas[i]);
        }
        for (String key : List.of("eps", "momentum", "dampening", "tau", "update-clip", "eps1", "eps2", "clip-threshold",
                "decay-exponent")) {
            if (c.hasPath(key)) {
                h.put(key.replace('-', '_'), c.getDouble(key));
            }
        }
        for (String key : List.of("no-prox", "nesterov", "decoupled-weight-decay", "relative-step", "scale-parameter")) {
            if (c.hasPath(key)) {
                h.put(key.replace('-', '_'), c.getBoolean(key));
            }
        }
        this.shards = optimizer.getInt("shards");
        String policy = optimizer.getString("non-finite").trim().toLowerCase(Locale.ROOT);
        if (!policy.equals("fail") && !policy.equals("skip")) {
            throw new IllegalArgumentException("adan.optimizer.non-finite must be fail or skip, got '" + policy + "'");
        }
        this.nonFinite = policy.equals("fail") ? NonFinitePolicy.FAIL : NonFinitePolicy.SKIP;
        h.put("non_finite", nonFinite.name());
        if (name.startsWith(OptimizerRegistry.LOOKAHEAD_PREFIX)) {
            h.put("lookahead_k", optimizer.getInt("lookahead.k"));
            h.put("lookahead_alpha", optimizer.getDouble("lookahead.alpha"));
        }
        double emaDecay = optimizer.getDouble("ema-decay");
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("adan.optimizer.ema-decay must be in [0, 1) (0 = no model EMA), got "
                    + emaDecay);
        }
        if (emaDecay > 0) {
            h.put(ModelEma.DECAY_KEY, emaDecay);
        }
        this.hyperparameters = h;
        if (shards < 1) {
            throw new IllegalArgumentException("adan.optimizer.shards must be >= 1, got " + shards);
        }
        try {
            build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("adan.optimizer (" + name + "): " + e.getMessage(), e);
        }
    }

    /**
     * An optimizer from typed values, as the Spark ML estimators give them: reference.conf's settings for
     * {@code name} with the given ones over them, validated by building the optimizer once.
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
     * @throws IllegalArgumentException naming the source, the setting and the value
     */
    public static OptimizerSpec of(String source, String name, Double lr, Double weightDecay, double[] betas,
                                   double maxGradNorm, int shards, double emaDecay) {
        String base;
        try {
            base = baseName(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": param optimizer: " + e.getMessage(), e);
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("name", name);
        section.put("shards", shards);
        section.put("max-grad-norm", maxGradNorm);
        section.put("ema-decay", emaDecay);
        if (lr != null) {
            section.put(base + ".lr", lr);
        }
        if (weightDecay != null) {
            section.put(base + ".weight-decay", weightDecay);
        }
        if (betas != null) {
            section.put(base + ".betas", java.util.Arrays.stream(betas).boxed().toList());
        }
        Config reference = ConfigFactory.defaultReference(OptimizerSpec.class.getClassLoader()).getConfig("adan.optimizer");
        try {
            return new OptimizerSpec(ConfigFactory.parseMap(section).withFallback(reference).resolve());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage()
                    .replace("adan.optimizer." + base + ".betas", "param betas")
                    .replace("adan.optimizer.shards", "param numShards")
                    .replace("adan.optimizer.ema-decay", "param emaDecay"), e);
        }
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
            throw new IllegalArgumentException("adan.optimizer.name must be one of " + String.join(", ", NAMES)
                    + " or lookahead-<one of them>, got '" + name + "'");
        }
    }

    /**
     * @return the optimizer, built once: its learning rate is the peak the schedule scales, and each step
     *     is given the schedule's rate
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
        return lr;
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
        return nonFinite;
    }

    /** @return the optimizer at its peak learning rate, e.g. for logs */
    @Override
    public String toString() {
        return build().toString();
    }
}
