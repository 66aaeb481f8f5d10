package org.adanspark.spark.train;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.adanspark.optim.Adam;
import org.adanspark.optim.AdamW;
import org.adanspark.optim.Adan;
import org.adanspark.optim.Lamb;
import org.adanspark.optim.Lookahead;
import org.adanspark.optim.NonFinitePolicy;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.RAdam;
import org.adanspark.optim.Sgd;

/**
 * An optimizer chosen by name with its hyperparameters from {@code adan.optimizer.*}. The learning rate
 * changes every step with the schedule, and adan-core optimizers are immutable, so the trainer builds one
 * per step with {@link #build(double)}; the state, kept apart, carries over.
 */
public final class OptimizerSpec implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Names accepted by {@code --optimizer}, besides {@code lookahead-<name>}. */
    public static final List<String> NAMES = List.of("adan", "adamw", "adam", "lamb", "sgd", "radam");

    private final String name;
    private final String base;
    private final double lr;
    private final double weightDecay;
    private final double[] betas;
    private final double eps;
    private final boolean noProx;
    private final double momentum;
    private final double dampening;
    private final boolean nesterov;
    private final boolean decoupledWeightDecay;
    private final int lookaheadK;
    private final double lookaheadAlpha;
    private final double maxGradNorm;
    private final NonFinitePolicy nonFinite;
    private final int shards;

    /**
     * Reads the spec from {@code adan.optimizer} and validates it by building the optimizer once.
     *
     * @param optimizer the {@code adan.optimizer} section
     * @throws IllegalArgumentException naming the key and value that are wrong
     */
    public OptimizerSpec(Config optimizer) {
        this.name = optimizer.getString("name").trim().toLowerCase(Locale.ROOT);
        this.base = baseName(name);
        Config c = optimizer.getConfig(base);
        String prefix = "adan.optimizer." + base + ".";
        this.lr = c.getDouble("lr");
        this.weightDecay = c.getDouble("weight-decay");
        this.betas = c.hasPath("betas") ? c.getDoubleList("betas").stream().mapToDouble(Double::doubleValue).toArray() : new double[0];
        this.eps = c.hasPath("eps") ? c.getDouble("eps") : 0;
        this.noProx = c.hasPath("no-prox") && c.getBoolean("no-prox");
        this.momentum = c.hasPath("momentum") ? c.getDouble("momentum") : 0;
        this.dampening = c.hasPath("dampening") ? c.getDouble("dampening") : 0;
        this.nesterov = c.hasPath("nesterov") && c.getBoolean("nesterov");
        this.decoupledWeightDecay = c.hasPath("decoupled-weight-decay") && c.getBoolean("decoupled-weight-decay");
        this.lookaheadK = optimizer.getInt("lookahead.k");
        this.lookaheadAlpha = optimizer.getDouble("lookahead.alpha");
        this.maxGradNorm = optimizer.getDouble("max-grad-norm");
        this.shards = optimizer.getInt("shards");
        String policy = optimizer.getString("non-finite").trim().toLowerCase(Locale.ROOT);
        if (!policy.equals("fail") && !policy.equals("skip")) {
            throw new IllegalArgumentException("adan.optimizer.non-finite must be fail or skip, got '" + policy + "'");
        }
        this.nonFinite = policy.equals("fail") ? NonFinitePolicy.FAIL : NonFinitePolicy.SKIP;
        if (shards < 1) {
            throw new IllegalArgumentException("adan.optimizer.shards must be >= 1, got " + shards);
        }
        int wantBetas = base.equals("adan") ? 3 : base.equals("sgd") ? 0 : 2;
        if (betas.length != wantBetas) {
            throw new IllegalArgumentException(prefix + "betas must have " + wantBetas + " values, got " + betas.length);
        }
        try {
            build(lr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("adan.optimizer (" + name + "): " + e.getMessage(), e);
        }
    }

    /**
     * @param name an optimizer name, possibly {@code lookahead-<inner>}
     * @return the name whose settings apply ({@code <inner>} for lookahead)
     * @throws IllegalArgumentException naming the value when it is not a known optimizer
     */
    public static String baseName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        String inner = n.startsWith("lookahead-") ? n.substring("lookahead-".length()) : n;
        if (!NAMES.contains(inner)) {
            throw new IllegalArgumentException("adan.optimizer.name must be one of " + String.join(", ", NAMES)
                    + " or lookahead-<one of them>, got '" + name + "'");
        }
        return inner;
    }

    /**
     * @param stepLr the learning rate for this step
     * @return the optimizer with every other hyperparameter as configured
     */
    public Optimizer build(double stepLr) {
        Optimizer inner = switch (base) {
            case "adan" -> Adan.builder().lr(stepLr).betas(betas[0], betas[1], betas[2]).eps(eps).noProx(noProx)
                    .weightDecay(weightDecay).maxGradNorm(maxGradNorm).nonFinitePolicy(nonFinite).build();
            case "adamw" -> AdamW.builder().lr(stepLr).betas(betas[0], betas[1]).eps(eps)
                    .weightDecay(weightDecay).maxGradNorm(maxGradNorm).nonFinitePolicy(nonFinite).build();
            case "adam" -> Adam.builder().lr(stepLr).betas(betas[0], betas[1]).eps(eps)
                    .weightDecay(weightDecay).maxGradNorm(maxGradNorm).nonFinitePolicy(nonFinite).build();
            case "lamb" -> Lamb.builder().lr(stepLr).betas(betas[0], betas[1]).eps(eps)
                    .weightDecay(weightDecay).maxGradNorm(maxGradNorm).nonFinitePolicy(nonFinite).build();
            case "sgd" -> Sgd.builder().lr(stepLr).momentum(momentum).dampening(dampening).nesterov(nesterov)
                    .weightDecay(weightDecay).maxGradNorm(maxGradNorm).nonFinitePolicy(nonFinite).build();
            case "radam" -> RAdam.builder().lr(stepLr).betas(betas[0], betas[1]).eps(eps)
                    .decoupledWeightDecay(decoupledWeightDecay)
                    .weightDecay(weightDecay).maxGradNorm(maxGradNorm).nonFinitePolicy(nonFinite).build();
            default -> throw new IllegalStateException(base);
        };
        return name.startsWith("lookahead-") ? Lookahead.wrap(inner, lookaheadK, lookaheadAlpha) : inner;
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

    /** @return what to do with a NaN/Inf gradient or loss */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinite;
    }

    /** @return the optimizer at its peak learning rate, e.g. for logs */
    @Override
    public String toString() {
        return build(lr).toString();
    }
}
