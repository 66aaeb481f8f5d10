package org.adanspark.optim;

import java.util.List;
import java.util.Map;

/**
 * Rectified Adam (Liu et al., <i>On the Variance of the Adaptive Learning Rate and Beyond</i>,
 * arXiv 1908.03265, Algorithm 2), in the form of {@code torch.optim.RAdam}:
 * <pre>
 *   g' = g·clip (+ λθ for L2 decay)       θ ← θ(1 - lr·λ) for decoupled decay
 *   m ← β1 m + (1-β1) g'                  v ← β2 v + (1-β2) g'²
 *   ρ∞ = 2/(1-β2) - 1                     ρ_t = ρ∞ - 2 t β2^t / (1 - β2^t)
 *   ρ_t &gt; 5:  r_t = sqrt((ρ_t-4)(ρ_t-2)ρ∞ / ((ρ∞-4)(ρ∞-2)ρ_t))
 *            θ ← θ - lr · (m / c1) · r_t · sqrt(c2) / (sqrt(v) + eps)
 *   else:    θ ← θ - lr · (m / c1)                                  (un-adapted momentum SGD)
 * </pre>
 * Defaults ({@link #HYPERPARAMETERS}): lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0, L2 decay,
 * {@code torch.optim.RAdam}'s.
 */
public final class RAdam extends AbstractOptimizer {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "radam";

    /** The learning rate, default 1e-3. */
    public static final Hyperparameter<Double> LR = lr(1e-3);
    /** Eps, default 1e-8. */
    public static final Hyperparameter<Double> EPS = TwoMomentBuilder.eps(1e-8, "to the root of v");
    /** Weight decay, default 0. */
    public static final Hyperparameter<Double> WEIGHT_DECAY = weightDecay(0.0,
            "L2 in the gradient, or θ(1 − lr·λ) with decoupled_weight_decay");
    /** AdamW-style instead of L2 decay, default false. */
    public static final Hyperparameter<Boolean> DECOUPLED_WEIGHT_DECAY = Hyperparameter.flag("decoupled_weight_decay",
            false, "true: decay the parameters as AdamW does; false: L2, λθ added to the gradient");
    /** RAdam's own hyperparameters with their defaults, in documentation order. */
    public static final List<Hyperparameter<?>> HYPERPARAMETERS = List.of(LR, TwoMomentBuilder.BETA1,
            TwoMomentBuilder.BETA2, EPS, WEIGHT_DECAY, DECOUPLED_WEIGHT_DECAY);

    private static final List<String> SLOTS = slots("m", "v");

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final boolean decoupledWeightDecay;

    private RAdam(Builder b) {
        super(b);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.decoupledWeightDecay = b.decoupledWeightDecay;
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
        into.put(TwoMomentBuilder.BETA1.key(), beta1);
        into.put(TwoMomentBuilder.BETA2.key(), beta2);
        into.put(EPS.key(), eps);
        into.put(DECOUPLED_WEIGHT_DECAY.key(), decoupledWeightDecay);
    }

    /**
     * The step's scalars and RAdam's rectification, decided once per step: the signed step size, whether
     * the variance is tractable ({@code ρ_t > 5}, Algorithm 2) and the adaptive term applies, and the
     * decoupled decay factor.
     */
    @Override
    double[] scalars(long t, double lr) {
        double bc1 = biasCorrection(beta1, t);
        double bc2 = biasCorrection(beta2, t);
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * t * Math.pow(beta2, (double) t) / bc2;
        double decay = decoupledWeightDecay ? 1 - lr * weightDecay : 1;
        if (rhoT > 5) {
            double rect = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
            return new double[] {-lr / bc1 * rect * Math.sqrt(bc2), 1, decay};
        }
        return new double[] {-lr / bc1, 0, decay};
    }

    @Override
    public void apply(ShardState shard, double[] p, int po, double[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> step64(shard, pp, gg, d));
    }

    /** The 64-bit kernel over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private void step64(ShardState shard, double[] p, double[] g, StepDecision d) {
        double step = d.scalar(0);
        boolean rectified = d.scalar(1) != 0;
        double clip = d.clip();
        double l2 = decoupledWeightDecay ? 0 : weightDecay;
        double decay = d.scalar(2);
        double[] m = shard.slot64(0);
        double[] v = shard.slot64(1);
        int o = shard.base(), end = o + shard.length();
        for (int i = o; i < end; i++) {
            double pi = p[i];
            double gi = g[i] * clip + l2 * pi;
            double mi = beta1 * m[i] + (1 - beta1) * gi;
            double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            double adaptive = rectified ? 1 / (Math.sqrt(vi) + eps) : 1;
            p[i] = pi * decay + step * mi * adaptive;
            m[i] = mi;
            v[i] = vi;
        }
    }

    @Override
    public void apply(ShardState shard, float[] p, int po, float[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> step32(shard, pp, gg, d));
    }

    /** The 32-bit kernel over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private void step32(ShardState shard, float[] p, float[] g, StepDecision d) {
        float step = (float) d.scalar(0);
        boolean rectified = d.scalar(1) != 0;
        float l2 = (float) (decoupledWeightDecay ? 0 : weightDecay);
        float decay = (float) d.scalar(2);
        float b1 = (float) beta1, b2 = (float) beta2, omb1 = (float) (1 - beta1), omb2 = (float) (1 - beta2);
        float e = (float) eps, c = (float) d.clip();
        float[] m = shard.slot32(0);
        float[] v = shard.slot32(1);
        int o = shard.base(), end = o + shard.length();
        for (int i = o; i < end; i++) {
            float pi = p[i];
            float gi = g[i] * c + l2 * pi;
            float mi = b1 * m[i] + omb1 * gi;
            float vi = b2 * v[i] + omb2 * gi * gi;
            float adaptive = rectified ? 1 / ((float) Math.sqrt(vi) + e) : 1;
            p[i] = pi * decay + step * mi * adaptive;
            m[i] = mi;
            v[i] = vi;
        }
    }

    /** Builder for {@link RAdam}; values are checked in {@link #build()}. */
    public static final class Builder extends TwoMomentBuilder<Builder, RAdam> {
        private boolean decoupledWeightDecay = DECOUPLED_WEIGHT_DECAY.defaultValue();

        Builder() {
            super(LR, WEIGHT_DECAY, EPS);
        }

        /**
         * @param decoupled true for AdamW-style decay of the parameters, false for L2 in the gradient
         * @return this builder
         */
        public Builder decoupledWeightDecay(boolean decoupled) {
            this.decoupledWeightDecay = decoupled;
            return this;
        }

        @Override
        public RAdam build() {
            validateMoments();
            return new RAdam(this);
        }
    }
}
