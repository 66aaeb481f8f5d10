package org.adanspark.optim;

import java.util.List;
import java.util.Map;

/**
 * What {@link Adam} and {@link AdamW} share: betas, eps, the m/v slots and the fused kernel of
 * {@link AdamKernels}. They differ only in how weight decay enters.
 */
abstract class AdamFamily extends AbstractOptimizer {

    private static final List<String> SLOTS = slots("m", "v");

    final double beta1;
    final double beta2;
    final double eps;
    /** Clipped Adam's per-coordinate bound on the normalised update, default 0 (off). */
    static final Hyperparameter<Double> UPDATE_CLIP = Hyperparameter.real("update_clip", 0.0,
            "D > 0 is clipped Adam (Ahn & Cutkosky): each coordinate of the normalised update clipped to [-D, D]"
                    + " (the paper analyses D = 1); 0 = off");

    final double updateClip;
    private final boolean decoupled;

    AdamFamily(Builder<?, ?> b, boolean decoupled) {
        super(b);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.updateClip = b.updateClip;
        this.decoupled = decoupled;
    }

    @Override
    public List<String> slotNames() {
        return SLOTS;
    }

    /** @return the first-moment decay β1 */
    public double beta1() {
        return beta1;
    }

    /** @return the second-moment decay β2 */
    public double beta2() {
        return beta2;
    }

    /** @return eps, added to the bias-corrected root of v */
    public double eps() {
        return eps;
    }

    /** @return the per-coordinate bound D on the normalised update (clipped Adam), 0 when off */
    public double updateClip() {
        return updateClip;
    }

    @Override
    void describe(Map<String, Object> into) {
        into.put(TwoMomentBuilder.BETA1.key(), beta1);
        into.put(TwoMomentBuilder.BETA2.key(), beta2);
        into.put("eps", eps);
        into.put(UPDATE_CLIP.key(), updateClip);
    }

    @Override
    void checkLr(double lr) {
        super.checkLr(lr);
        if (decoupled && lr * weightDecay >= 1) {
            throw new IllegalArgumentException(name() + ": lr * weightDecay must be < 1, got " + lr * weightDecay
                    + " at lr " + lr);
        }
    }

    @Override
    double[] scalars(long t, double lr) {
        return AdamKernels.scalars(t, lr, beta1, beta2, weightDecay, decoupled);
    }

    @Override
    public void apply(ShardState shard, double[] params, int paramsOffset, double[] grads, int gradsOffset,
                      StepDecision decision) {
        shard.aligned(params, paramsOffset, grads, gradsOffset, true, (p, g) -> AdamKernels.apply64(shard, p, g, decision,
                beta1, beta2, eps, weightDecay, decoupled, updateClip));
    }

    @Override
    public void apply(ShardState shard, float[] params, int paramsOffset, float[] grads, int gradsOffset,
                      StepDecision decision) {
        shard.aligned(params, paramsOffset, grads, gradsOffset, true, (p, g) -> AdamKernels.apply32(shard, p, g, decision,
                beta1, beta2, eps, weightDecay, decoupled, updateClip));
    }

    /**
     * The settings of {@link Adam} and {@link AdamW}: the two moments' and the per-coordinate update bound
     * of clipped Adam.
     *
     * @param <B> the concrete builder, for chaining
     * @param <O> the optimizer it builds
     */
    abstract static class Builder<B extends Builder<B, O>, O extends Optimizer> extends TwoMomentBuilder<B, O> {
        double updateClip = UPDATE_CLIP.defaultValue();

        Builder(Hyperparameter<Double> lr, Hyperparameter<Double> weightDecay, Hyperparameter<Double> eps) {
            super(lr, weightDecay, eps);
        }

        /**
         * Clipped Adam (Ahn and Cutkosky, <i>Adam with model exponential moving average is effective for
         * nonconvex optimization</i>, arXiv 2405.18199): each coordinate of the normalised update
         * {@code (m / c1) / (sqrt(v / c2) + eps)} is clipped to {@code [-D, D]} before the learning rate
         * scales it, so no coordinate moves more than {@code lr · D} in a step. The paper analyses
         * {@code D = 1}, together with a model EMA.
         *
         * @param bound D, &ge; 0; 0 turns clipping of the update off
         * @return this builder
         */
        public B updateClip(double bound) {
            this.updateClip = bound;
            return self();
        }

        @Override
        void validateMoments() {
            super.validateMoments();
            Hyperparameters.nonNegative("updateClip", updateClip);
        }
    }
}
