package org.adanspark.optim;

/**
 * AdamW (Loshchilov and Hutter, <i>Decoupled Weight Decay Regularization</i>, arXiv 1711.05101,
 * Algorithm 2): Adam with the weight decay applied to the parameters, {@code θ ← θ(1 - lr·λ)}, apart from
 * the adaptive step, as {@code torch.optim.AdamW} does. Update equations in {@link AdamKernels}.
 *
 * <p>Builder defaults are PyTorch's: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 0.01.
 */
public final class AdamW extends AdamFamily {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "adamw";

    private AdamW(Builder b) {
        super(b, true);
    }

    /** @return a builder with PyTorch's defaults */
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
            super(1e-3, 0.01, 1e-8);
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
