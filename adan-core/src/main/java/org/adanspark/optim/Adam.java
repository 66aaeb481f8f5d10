package org.adanspark.optim;

/**
 * Adam (Kingma and Ba, <i>Adam: A Method for Stochastic Optimization</i>, arXiv 1412.6980, Algorithm 1),
 * with optional L2 weight decay folded into the gradient ({@code g + λθ}) as {@code torch.optim.Adam}
 * does. Update equations in {@link AdamKernels}.
 *
 * <p>Builder defaults are PyTorch's: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weightDecay 0.
 */
public final class Adam extends AdamFamily {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "adam";

    private Adam(Builder b) {
        super(b, false);
    }

    /** @return a builder with PyTorch's defaults */
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
            super(1e-3, 0.0, 1e-8);
        }

        @Override
        public Adam build() {
            validateMoments();
            return new Adam(this);
        }
    }
}
