package org.adanspark.optim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model exponential moving average beside any optimizer of this package: the optimizer steps θ as
 * usual, and after each applied step the average of the iterates moves toward the new θ
 * (Ahn and Cutkosky, <i>Adam with model exponential moving average is effective for nonconvex
 * optimization</i>, arXiv 2405.18199, analyse it with clipped Adam). The average is bias-corrected, so it
 * weighs only the iterates the run has made and not the initial θ:
 * <pre>
 *   θ̄_t = (1-d) Σ_{s≤t} d^(t-s) θ_s / (1 - d^t),   kept as   θ̄_t = θ̄_{t-1} + (θ_t - θ̄_{t-1}) · (1-d) / (1 - d^t)
 * </pre>
 * (at the first step the weight is 1 and θ̄ is θ_1). θ̄ is what a run evaluates and saves when the average
 * is on; the optimizer's own trajectory is unchanged by it.
 *
 * <p>θ̄ is one more slot, {@value #SLOT}, after the inner optimizer's (and Lookahead's) slots, so it is
 * sharded, checkpointed, resharded and restored with them, and a resumed run continues it bit for bit.
 * Screening, combining and refining are the inner optimizer's. A skipped step (non-finite gradient) does
 * not move θ̄.
 */
public final class ModelEma extends DelegatingOptimizer {

    /** Slot of the averaged parameters θ̄. */
    public static final String SLOT = "ema";
    /** The hyperparameter key of the decay in {@link #hyperparameters()} and the registry. */
    public static final String DECAY_KEY = "ema_decay";
    /** The decay, default 0: no model EMA is kept. */
    public static final Hyperparameter<Double> DECAY = Hyperparameter.real(DECAY_KEY, 0.0,
            "the decay of the bias-corrected moving average of the parameters, in [0, 1); 0 = none");

    private final double decay;

    private ModelEma(Optimizer inner, double decay) {
        super(inner);
        this.decay = decay;
    }

    /**
     * Keeps a model EMA beside {@code inner}.
     *
     * @param inner any optimizer but another {@code ModelEma}
     * @param decay d, in (0, 1): the weight of the past per step (0.999 averages over about 1,000 steps)
     * @return the optimizer with the average
     * @throws IllegalArgumentException naming the value
     */
    public static ModelEma wrap(Optimizer inner, double decay) {
        if (inner == null || inner instanceof ModelEma) {
            throw new IllegalArgumentException("ModelEma keeps one average beside an optimizer that keeps none, got "
                    + (inner == null ? "null" : inner));
        }
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("ema_decay must be in (0, 1), got " + decay);
        }
        return new ModelEma(inner, decay);
    }

    /** @return the optimizer whose iterates are averaged */
    public Optimizer inner() {
        return inner;
    }

    /** @return the decay d */
    public double decay() {
        return decay;
    }

    /** @return the inner optimizer's name: the average is a setting of the run, not another optimizer */
    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public List<String> slotNames() {
        List<String> all = new ArrayList<>(inner.slotNames());
        all.add(SLOT);
        return Collections.unmodifiableList(all);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> map = new LinkedHashMap<>(inner.hyperparameters());
        map.put(DECAY_KEY, decay);
        return Collections.unmodifiableMap(map);
    }

    /**
     * The weight of step {@code t}'s θ in the bias-corrected average: {@code (1-d) / (1-d^t)}, 1 at t = 1.
     *
     * @param t the step, counted from 1
     * @return the weight
     */
    public double weight(long t) {
        return (1 - decay) / AbstractOptimizer.biasCorrection(decay, t);
    }

    /** The inner step on the shard's slice, then θ̄ ← θ̄ + (θ − θ̄)·w_t on it. */
    @Override
    public void apply(ShardState shard, double[] params, int po, double[] grads, int go, StepDecision d) {
        shard.aligned(params, po, grads, go, true, (p, g) -> {
            int o = shard.base(), end = o + shard.length();
            inner.apply(shard, p, o, g, o, d);
            double w = weight(d.step());
            double[] ema = shard.slot64(slot);
            for (int i = o; i < end; i++) {
                ema[i] += (p[i] - ema[i]) * w;
            }
        });
    }

    @Override
    public void apply(ShardState shard, float[] params, int po, float[] grads, int go, StepDecision d) {
        shard.aligned(params, po, grads, go, true, (p, g) -> {
            int o = shard.base(), end = o + shard.length();
            inner.apply(shard, p, o, g, o, d);
            float w = (float) weight(d.step());
            float[] ema = shard.slot32(slot);
            for (int i = o; i < end; i++) {
                ema[i] += (p[i] - ema[i]) * w;
            }
        });
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelEma other && decay == other.decay && inner.equals(other.inner);
    }

    @Override
    public int hashCode() {
        return inner.hashCode() * 31 + Double.hashCode(decay);
    }

    @Override
    public String toString() {
        return inner + " with model EMA(decay=" + decay + ")";
    }
}
