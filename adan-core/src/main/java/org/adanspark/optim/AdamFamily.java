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
    private final boolean decoupled;

    AdamFamily(Builder<?, ?> b, boolean decoupled) {
        super(b);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
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

    @Override
    void describe(Map<String, Object> into) {
        into.put("beta1", beta1);
        into.put("beta2", beta2);
        into.put("eps", eps);
    }

    @Override
    void apply64(OptimizerState state, double[] params, double[] grads, double clip) {
        AdamKernels.apply64(this, state, params, grads, clip, beta1, beta2, eps, decoupled);
    }

    @Override
    void apply32(OptimizerState state, float[] params, float[] grads, double clip) {
        AdamKernels.apply32(this, state, params, grads, clip, beta1, beta2, eps, decoupled);
    }

    /**
     * Builder settings shared by Adam and AdamW; values are checked in {@code build()}.
     *
     * @param <B> the concrete builder
     * @param <O> the optimizer it builds
     */
    public abstract static class Builder<B extends Builder<B, O>, O extends AdamFamily>
            extends AbstractOptimizer.Builder<B, O> {
        double beta1 = 0.9;
        double beta2 = 0.999;
        double eps = 1e-8;

        Builder(double lr, double weightDecay) {
            super(lr, weightDecay);
        }

        /**
         * @param beta1 first-moment decay, in [0, 1)
         * @param beta2 second-moment decay, in [0, 1)
         * @return this builder
         */
        public B betas(double beta1, double beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return self();
        }

        /**
         * @param eps added to the bias-corrected root of v, &gt; 0
         * @return this builder
         */
        public B eps(double eps) {
            this.eps = eps;
            return self();
        }

        void validate() {
            validateCommon();
            Hyperparameters.unitInterval("betas[0]", beta1);
            Hyperparameters.unitInterval("betas[1]", beta2);
            Hyperparameters.positive("eps", eps);
        }
    }
}
