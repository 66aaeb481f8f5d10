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

    /** First-moment decay, default 0.9, shared by the Adam family, LAMB, RAdam and SET-Adam. */
    static final Hyperparameter<Double> BETA1 = Hyperparameter.real("beta1", 0.9, "first-moment decay β1 in [0, 1)");
    /** Second-moment decay, default 0.999, likewise shared. */
    static final Hyperparameter<Double> BETA2 = Hyperparameter.real("beta2", 0.999, "second-moment decay β2 in [0, 1)");

    double beta1 = BETA1.defaultValue();
    double beta2 = BETA2.defaultValue();
    double eps;

    /**
     * @param lr the optimizer's learning rate, whose default the builder starts from
     * @param weightDecay its weight decay, likewise
     * @param eps its eps, likewise (the papers differ: 1e-8 for Adam and RAdam, 1e-6 for LAMB)
     */
    TwoMomentBuilder(Hyperparameter<Double> lr, Hyperparameter<Double> weightDecay, Hyperparameter<Double> eps) {
        super(lr, weightDecay);
        this.eps = eps.defaultValue();
    }

    /**
     * @param defaultValue the optimizer's default
     * @param where where eps enters the update
     * @return its eps
     */
    static Hyperparameter<Double> eps(double defaultValue, String where) {
        return Hyperparameter.real("eps", defaultValue, "added " + where + ", > 0");
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
