package org.adanspark.optim;

import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with heavy-ball or Nesterov momentum (Sutskever et al., <i>On the importance
 * of initialization and momentum in deep learning</i>, ICML 2013), in the form of {@code torch.optim.SGD}:
 * <pre>
 *   g' = g·clip + λθ
 *   b ← g'  on the first step,  b ← μ b + (1 - dampening) g'  after
 *   d = g' + μ b  (Nesterov)   or   d = b  (heavy ball)   or   d = g'  (μ = 0)
 *   θ ← θ - lr · d
 * </pre>
 * Defaults ({@link #HYPERPARAMETERS}) are {@code torch.optim.SGD}'s (PyTorch 2.2 and later): lr 1e-3, momentum 0,
 * dampening 0, Nesterov off, weight decay 0. The trainer's large-batch recipe (Nesterov momentum 0.9, lr 0.1) is
 * the trainer's.
 */
public final class Sgd extends AbstractOptimizer {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "sgd";

    /** The learning rate, default 1e-3. */
    public static final Hyperparameter<Double> LR = lr(1e-3);
    /** Momentum μ, default 0. */
    public static final Hyperparameter<Double> MOMENTUM = Hyperparameter.real("momentum", 0.0,
            "momentum factor μ in [0, 1); 0 = plain SGD");
    /** Dampening, default 0. */
    public static final Hyperparameter<Double> DAMPENING = Hyperparameter.real("dampening", 0.0,
            "dampening of new gradients in the momentum buffer, in [0, 1]");
    /** Nesterov momentum, default off. */
    public static final Hyperparameter<Boolean> NESTEROV = Hyperparameter.flag("nesterov", false,
            "Nesterov momentum (needs momentum > 0 and dampening 0); false = heavy ball");
    /** Weight decay, default 0. */
    public static final Hyperparameter<Double> WEIGHT_DECAY = weightDecay(0.0, "added to the gradient (L2): g + λθ");
    /** SGD's own hyperparameters with their defaults, in documentation order. */
    public static final List<Hyperparameter<?>> HYPERPARAMETERS = List.of(LR, MOMENTUM, DAMPENING, NESTEROV,
            WEIGHT_DECAY);

    private static final List<String> SLOTS = slots("momentum_buffer");

    private final double momentum;
    private final double dampening;
    private final boolean nesterov;

    private Sgd(Builder b) {
        super(b);
        this.momentum = b.momentum;
        this.dampening = b.dampening;
        this.nesterov = b.nesterov;
    }

    /** @return a builder starting from {@link #HYPERPARAMETERS}' defaults */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> slotNames() {
        return SLOTS;
    }

    @Override
    void describe(Map<String, Object> into) {
        into.put(MOMENTUM.key(), momentum);
        into.put(DAMPENING.key(), dampening);
        into.put(NESTEROV.key(), nesterov);
    }

    @Override
    public void apply(ShardState shard, double[] p, int po, double[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> step64(shard, pp, gg, d));
    }

    /** The 64-bit kernel over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private void step64(ShardState shard, double[] p, double[] g, StepDecision d) {
        boolean first = d.step() == 1;
        double[] buf = shard.slot64(0);
        double mu = momentum;
        double keep = 1 - dampening;
        double wd = weightDecay;
        double clip = d.clip();
        double rate = d.lr();
        int o = shard.base(), end = o + shard.length();
        for (int i = o; i < end; i++) {
            double gi = g[i] * clip + wd * p[i];
            double dir = gi;
            if (mu != 0) {
                double b = first ? gi : mu * buf[i] + keep * gi;
                buf[i] = b;
                dir = nesterov ? gi + mu * b : b;
            }
            p[i] = p[i] - rate * dir;
        }
    }

    @Override
    public void apply(ShardState shard, float[] p, int po, float[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> step32(shard, pp, gg, d));
    }

    /** The 32-bit kernel over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private void step32(ShardState shard, float[] p, float[] g, StepDecision d) {
        boolean first = d.step() == 1;
        float[] buf = shard.slot32(0);
        float mu = (float) momentum, keep = (float) (1 - dampening), wd = (float) weightDecay;
        float rate = (float) d.lr(), c = (float) d.clip();
        int o = shard.base(), end = o + shard.length();
        for (int i = o; i < end; i++) {
            float gi = g[i] * c + wd * p[i];
            float dir = gi;
            if (mu != 0) {
                float b = first ? gi : mu * buf[i] + keep * gi;
                buf[i] = b;
                dir = nesterov ? gi + mu * b : b;
            }
            p[i] = p[i] - rate * dir;
        }
    }

    /** Builder for {@link Sgd}; values are checked in {@link #build()}. */
    public static final class Builder extends AbstractOptimizer.Builder<Builder, Sgd> {
        private double momentum = MOMENTUM.defaultValue();
        private double dampening = DAMPENING.defaultValue();
        private boolean nesterov = NESTEROV.defaultValue();

        Builder() {
            super(LR, WEIGHT_DECAY);
        }

        /**
         * @param momentum momentum factor μ, in [0, 1)
         * @return this builder
         */
        public Builder momentum(double momentum) {
            this.momentum = momentum;
            return this;
        }

        /**
         * @param dampening dampening of new gradients in the momentum buffer, in [0, 1]
         * @return this builder
         */
        public Builder dampening(double dampening) {
            this.dampening = dampening;
            return this;
        }

        /**
         * @param nesterov use Nesterov momentum; needs momentum &gt; 0 and dampening 0
         * @return this builder
         */
        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        @Override
        public Sgd build() {
            validateCommon();
            Hyperparameters.unitInterval("momentum", momentum);
            Hyperparameters.closedUnitInterval("dampening", dampening);
            if (nesterov && (momentum == 0 || dampening != 0)) {
                throw new IllegalArgumentException("nesterov needs momentum > 0 and dampening 0, got momentum="
                        + momentum + ", dampening=" + dampening);
            }
            return new Sgd(this);
        }
    }
}
