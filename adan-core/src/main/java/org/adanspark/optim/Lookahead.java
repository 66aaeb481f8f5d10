package org.adanspark.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lookahead (Zhang, Lucas, Hinton and Ba, <i>Lookahead Optimizer: k steps forward, 1 step back</i>,
 * arXiv 1907.08610, Algorithm 1), a decorator over any optimizer of this package. The inner ("fast")
 * optimizer steps as usual; every {@code k} of its steps the slow weights move toward the fast ones and
 * the fast weights restart from them:
 * <pre>
 *   φ ← φ + α (θ - φ)        θ ← φ          (every k inner steps; φ starts at the first step's θ)
 * </pre>
 * The slow weights are one more slot, {@value #SLOW_SLOT}, of the inner optimizer's state, so they are
 * sharded, checkpointed and resharded with it. A step the inner optimizer skips (non-finite gradient)
 * does not count toward {@code k}.
 */
public final class Lookahead implements Optimizer {

    /** Slot of the slow weights φ. */
    public static final String SLOW_SLOT = "slow_weights";

    private final AbstractOptimizer inner;
    private final int k;
    private final double alpha;
    private final int slowSlot;

    private Lookahead(AbstractOptimizer inner, int k, double alpha) {
        this.inner = inner;
        this.k = k;
        this.alpha = alpha;
        this.slowSlot = inner.slotNames().size();
    }

    /**
     * Wraps {@code inner}.
     *
     * @param inner the fast optimizer: one of this package's, not itself a Lookahead
     * @param k synchronisation period in inner steps, &ge; 1 (the paper uses 5)
     * @param alpha slow-weight step size, in (0, 1] (the paper uses 0.5)
     * @return the wrapped optimizer
     */
    public static Lookahead wrap(Optimizer inner, int k, double alpha) {
        if (!(inner instanceof AbstractOptimizer base)) {
            throw new IllegalArgumentException("Lookahead wraps Adan, AdamW, Adam, Lamb, Sgd or RAdam, got "
                    + (inner == null ? "null" : inner.getClass().getName()));
        }
        Hyperparameters.atLeast("k", k, 1);
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        return new Lookahead(base, k, alpha);
    }

    /** @return the inner (fast) optimizer */
    public Optimizer inner() {
        return inner;
    }

    /** @return the synchronisation period k */
    public int k() {
        return k;
    }

    /** @return the slow-weight step size α */
    public double alpha() {
        return alpha;
    }

    /** @return {@code "lookahead-"} followed by the inner optimizer's name */
    @Override
    public String name() {
        return "lookahead-" + inner.name();
    }

    @Override
    public List<String> slotNames() {
        List<String> all = new java.util.ArrayList<>(inner.slotNames());
        all.add(SLOW_SLOT);
        return Collections.unmodifiableList(all);
    }

    @Override
    public Map<String, Object> hyperparameters() {
        Map<String, Object> map = new LinkedHashMap<>(inner.hyperparameters());
        map.put("lookahead_k", k);
        map.put("lookahead_alpha", alpha);
        return Collections.unmodifiableMap(map);
    }

    @Override
    public OptimizerState init(ParamLayout layout, Precision precision, int shards) {
        return inner.newState(name(), List.of(SLOW_SLOT), layout, precision, shards);
    }

    @Override
    public void step(OptimizerState state, double[] params, double[] grads) {
        checkOwner(state);
        AbstractOptimizer.checkArrays(state, Precision.FLOAT64, params.length, grads.length);
        double[] slow = state.slot64(slowSlot);
        if (state.step() == 0) {
            System.arraycopy(params, 0, slow, 0, params.length);
        }
        if (inner.advance(state, params, grads) && state.step() % k == 0) {
            ShardPlan plan = state.plan();
            ShardRunner.forEachShard(plan, shard -> {
                int to = plan.shardOffset(shard) + plan.shardLength(shard);
                for (int i = plan.shardOffset(shard); i < to; i++) {
                    double s = slow[i] + alpha * (params[i] - slow[i]);
                    slow[i] = s;
                    params[i] = s;
                }
            });
        }
    }

    @Override
    public void step(OptimizerState state, float[] params, float[] grads) {
        checkOwner(state);
        AbstractOptimizer.checkArrays(state, Precision.FLOAT32, params.length, grads.length);
        float[] slow = state.slot32(slowSlot);
        if (state.step() == 0) {
            System.arraycopy(params, 0, slow, 0, params.length);
        }
        float a = (float) alpha;
        if (inner.advance(state, params, grads) && state.step() % k == 0) {
            ShardPlan plan = state.plan();
            ShardRunner.forEachShard(plan, shard -> {
                int to = plan.shardOffset(shard) + plan.shardLength(shard);
                for (int i = plan.shardOffset(shard); i < to; i++) {
                    float s = slow[i] + a * (params[i] - slow[i]);
                    slow[i] = s;
                    params[i] = s;
                }
            });
        }
    }

    /** Zeroes every slot, the slow weights included, and the step; the next step restarts φ from θ. */
    @Override
    public void restart(OptimizerState state) {
        checkOwner(state);
        state.zeroSlotsAndStep();
    }

    private void checkOwner(OptimizerState state) {
        if (!state.optimizerName().equals(name())) {
            throw new IllegalArgumentException("state was made by '" + state.optimizerName() + "', not by '" + name() + "'");
        }
        state.ensureCurrent();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lookahead other && hyperparameters().equals(other.hyperparameters())
                && inner.getClass() == other.inner.getClass();
    }

    @Override
    public int hashCode() {
        return hyperparameters().hashCode();
    }

    @Override
    public String toString() {
        return "Lookahead(k=" + k + ", alpha=" + alpha + ", inner=" + inner + ")";
    }
}
