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

    AdamFamily(TwoMomentBuilder<?, ?> b, boolean decoupled) {
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
        AdamKernels.apply64(shard, params, paramsOffset, grads, gradsOffset, decision, beta1, beta2, eps, weightDecay,
                decoupled);
    }

    @Override
    public void apply(ShardState shard, float[] params, int paramsOffset, float[] grads, int gradsOffset,
                      StepDecision decision) {
        AdamKernels.apply32(shard, params, paramsOffset, grads, gradsOffset, decision, beta1, beta2, eps, weightDecay,
                decoupled);
    }
}
