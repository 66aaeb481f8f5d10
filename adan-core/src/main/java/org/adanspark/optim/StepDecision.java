package org.adanspark.optim;

import java.io.Serializable;

/**
 * The one small decision every shard's owner computes identically from all shards' statistics in
 * {@link Optimizer#combine}: which step this is, its learning rate, whether it is skipped, the gradient
 * clip factor, and the optimizer's own per-step scalars (bias corrections, RAdam's rectification) and
 * per-tensor values (LAMB's trust-scaled learning rates).
 */
public final class StepDecision implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long step;
    private final double lr;
    private final boolean skip;
    private final double clip;
    private final double[] scalars;
    private final double[] perTensor;

    /**
     * @param step the step being taken, counted from 1
     * @param lr its learning rate
     * @param skip true when the step is skipped (a non-finite gradient under {@link NonFinitePolicy#SKIP})
     * @param clip the factor every gradient element is multiplied by, in (0, 1]
     * @param scalars the optimizer's per-step scalars (owned by the decision)
     * @param perTensor the optimizer's per-tensor values, or an empty array (owned by the decision)
     */
    public StepDecision(long step, double lr, boolean skip, double clip, double[] scalars, double[] perTensor) {
        this.step = step;
        this.lr = lr;
        this.skip = skip;
        this.clip = clip;
        this.scalars = scalars;
        this.perTensor = perTensor;
    }

    /** @return a skip of {@code step} */
    static StepDecision skipped(long step, double lr) {
        return new StepDecision(step, lr, true, Double.NaN, new double[0], new double[0]);
    }

    /** @return the same decision with per-tensor values (a second round's result) */
    StepDecision withPerTensor(double[] values) {
        return new StepDecision(step, lr, skip, clip, scalars, values);
    }

    /** @return the step being taken, counted from 1 */
    public long step() {
        return step;
    }

    /** @return the learning rate of this step */
    public double lr() {
        return lr;
    }

    /** @return whether the step is skipped: no shard changes its parameters or slots */
    public boolean skip() {
        return skip;
    }

    /** @return the gradient clip factor, 1 when clipping is off or the norm is within bounds */
    public double clip() {
        return clip;
    }

    /** @return per-step scalar {@code i} of the optimizer */
    double scalar(int i) {
        return scalars[i];
    }

    /** @return per-tensor value {@code tensor} of the optimizer */
    double perTensor(int tensor) {
        return perTensor[tensor];
    }

    /** @return every per-tensor value (live; do not modify) */
    double[] perTensorValues() {
        return perTensor;
    }

    @Override
    public String toString() {
        return skip ? "StepDecision[step " + step + ": skip]"
                : "StepDecision[step " + step + ", lr " + lr + ", clip " + clip + "]";
    }
}
