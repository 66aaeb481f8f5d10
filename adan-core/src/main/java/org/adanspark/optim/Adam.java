package org.adanspark.optim;

import java.util.List;

/**
 * Adam (Kingma and Ba, <i>Adam: A Method for Stochastic Optimization</i>, arXiv 1412.6980, Algorithm 1),
 * with optional L2 weight decay folded into the gradient ({@code g + λθ}) as {@code torch.optim.Adam}
 * does. Update equations in {@link AdamKernels}.
 *
 * <p>Defaults ({@link #HYPERPARAMETERS}): lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0, no update
 * clip, {@code torch.optim.Adam}'s.
 */
public final class Adam extends AdamFamily {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "adam";

    /** The learning rate, default 1e-3. */
    public static final Hyperparameter<Double> LR = lr(1e-3);
    /** Eps, default 1e-8. */
    public static final Hyperparameter<Double> EPS = TwoMomentBuilder.eps(1e-8, "to the root of the bias-corrected v");
    /** Weight decay, default 0. */
    public static final Hyperparameter<Double> WEIGHT_DECAY = weightDecay(0.0, "added to the gradient (L2): g + λθ");
    /** Adam's own hyperparameters with their defaults, in documentation order. */
    public static final List<Hyperparameter<?>> HYPERPARAMETERS = List.of(LR, TwoMomentBuilder.BETA1,
            TwoMomentBuilder.BETA2, EPS, WEIGHT_DECAY, UPDATE_CLIP);

    private Adam(Builder b) {
        super(b, false);
    }

    /** @return a builder starting from {@link #HYPERPARAMETERS}' defaults */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Builder for {@link Adam}. */
    public static final class Builder extends AdamFamily.Builder<Builder, Adam> {
        Builder() {
            super(LR, WEIGHT_DECAY, EPS);
        }

        @Override
        public Adam build() {
            validateMoments();
            return new Adam(this);
        }
    }
}
