package org.adanspark.optim;

import java.util.List;

/**
 * AdamW (Loshchilov and Hutter, <i>Decoupled Weight Decay Regularization</i>, arXiv 1711.05101,
 * Algorithm 2): Adam with the weight decay applied to the parameters, {@code θ ← θ(1 - lr·λ)}, apart from
 * the adaptive step, as {@code torch.optim.AdamW} does. Update equations in {@link AdamKernels}.
 *
 * <p>Defaults ({@link #HYPERPARAMETERS}): lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.01, no
 * update clip, {@code torch.optim.AdamW}'s.
 */
public final class AdamW extends AdamFamily {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "adamw";

    /** The learning rate, default 1e-3. */
    public static final Hyperparameter<Double> LR = lr(1e-3);
    /** Eps, default 1e-8. */
    public static final Hyperparameter<Double> EPS = TwoMomentBuilder.eps(1e-8, "to the root of the bias-corrected v");
    /** Weight decay, default 0.01. */
    public static final Hyperparameter<Double> WEIGHT_DECAY = weightDecay(0.01,
            "decoupled from the adaptive step: θ(1 − lr·λ)");
    /** AdamW's own hyperparameters with their defaults, in documentation order. */
    public static final List<Hyperparameter<?>> HYPERPARAMETERS = List.of(LR, TwoMomentBuilder.BETA1,
            TwoMomentBuilder.BETA2, EPS, WEIGHT_DECAY, UPDATE_CLIP);

    private AdamW(Builder b) {
        super(b, true);
    }

    /** @return a builder starting from {@link #HYPERPARAMETERS}' defaults */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Builder for {@link AdamW}. */
    public static final class Builder extends AdamFamily.Builder<Builder, AdamW> {
        Builder() {
            super(LR, WEIGHT_DECAY, EPS);
        }

        @Override
        public AdamW build() {
            validateMoments();
            if (lr * weightDecay >= 1) {
                throw new IllegalArgumentException("lr * weightDecay must be < 1, got " + lr * weightDecay);
            }
            return new AdamW(this);
        }
    }
}
