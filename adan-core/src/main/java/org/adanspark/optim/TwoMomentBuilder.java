package org.adanspark.optim;

/**
 * Builder settings of the optimizers with two moment estimates (Adam, AdamW, LAMB, RAdam): betas and eps,
 * checked in one place. Values are checked in {@code build()} through {@link #validateMoments()}.
 *
 * @param <B> the concrete builder, for chaining
 * @param <O> the optimizer it builds
 */
abstract class TwoMomentBuilder<B extends TwoMomentBuilder<B, O>, O extends Optimizer>
        extends AbstractOptimizer.Builder<B, O> {

    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps;

    /**
     * @param lr default learning rate
     * @param weightDecay default weight decay
     * @param eps default eps (the papers differ: 1e-8 for Adam and RAdam, 1e-6 for LAMB)
     */
    TwoMomentBuilder(double lr, double weightDecay, double eps) {
        super(lr, weightDecay);
        this.eps = eps;
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
     * @param eps added to the root of the bias-corrected second moment, &gt; 0
     * @return this builder
     */
    public B eps(double eps) {
        this.eps = eps;
        return self();
    }

    /** Checks the common settings, the betas and eps. */
    void validateMoments() {
        validateCommon();
        Hyperparameters.unitInterval("betas[0]", beta1);
        Hyperparameters.unitInterval("betas[1]", beta2);
        Hyperparameters.positive("eps", eps);
    }
}
