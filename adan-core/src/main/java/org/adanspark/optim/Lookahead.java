package org.adanspark.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lookahead (Zhang, Lucas, Hinton and Ba, <i>Lookahead Optimizer: k steps forward, 1 step back</i>,
 * arXiv 1907.08610, Algorithm 1), a decorator over any optimizer of this package. The inner ("fast")
 * optimizer steps as usual; every {@code k} of its steps the slow weights move toward the fast ones and
 * the fast weights restart from them (decorating the inner optimizer's per-shard protocol: screening,
 * combining and the inner update are the inner optimizer's; Lookahead adds its slot and the sync):
 * <pre>
 *   φ ← φ + α (θ - φ)        θ ← φ          (every k inner steps; φ starts at the first step's θ)
 * </pre>
 * The slow weights are one more slot, {@value #SLOW_SLOT}, of the inner optimizer's state, so they are
 * sharded, checkpointed and resharded with it. A step the inner optimizer skips (non-finite gradient)
 * does not count toward {@code k}.
 */
public final class Lookahead extends DelegatingOptimizer {

    /** Slot of the slow weights φ. */
    public static final String SLOW_SLOT = "slow_weights";
    /** The synchronisation period k, default 5 (the paper's). */
    public static final Hyperparameter<Integer> K = Hyperparameter.whole("lookahead_k", 5,
            "every k inner steps the slow weights move toward the fast ones, k >= 1");
    /** The slow-weight step α, default 0.5 (the paper's). */
    public static final Hyperparameter<Double> ALPHA = Hyperparameter.real("lookahead_alpha", 0.5,
            "how far of the way the slow weights move, in (0, 1]");
    /** Lookahead's own hyperparameters, added to the inner optimizer's. */
    public static final List<Hyperparameter<?>> HYPERPARAMETERS = List.of(K, ALPHA);

    private final int k;
    private final double alpha;

    private Lookahead(Optimizer inner, int k, double alpha) {
        super(inner);
        this.k = k;
        this.alpha = alpha;
    }

    /**
     * Wraps {@code inner}.
     *
     * @param inner the fast optimizer: any optimizer but another Lookahead
     * @param k synchronisation period in inner steps, &ge; 1 (the paper uses 5)
     * @param alpha slow-weight step size, in (0, 1] (the paper uses 0.5)
     * @return the wrapped optimizer
     */
    public static Lookahead wrap(Optimizer inner, int k, double alpha) {
        if (inner == null || inner instanceof Lookahead) {
            throw new IllegalArgumentException("Lookahead wraps one optimizer that is not itself a Lookahead, got "
                    + (inner == null ? "null" : inner));
        }
        if (inner instanceof ModelEma) {
            throw new IllegalArgumentException("a model EMA goes outside Lookahead, so that it averages the weights "
                    + "Lookahead leaves: ModelEma.wrap(Lookahead.wrap(optimizer, k, alpha), decay), got " + inner);
        }
        Hyperparameters.atLeast("k", k, 1);
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        return new Lookahead(inner, k, alpha);
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
        map.put(K.key(), k);
        map.put(ALPHA.key(), alpha);
        return Collections.unmodifiableMap(map);
    }

    /**
     * The inner step on the shard's slice; on the first step φ starts from the slice's θ, and every k-th
     * step φ ← φ + α (θ − φ), θ ← φ on the slice. The slow weights sit after the inner optimizer's slots,
     * so the inner kernel finds its own slots where it expects them.
     */
    @Override
    public void apply(ShardState shard, double[] params, int po, double[] grads, int go, StepDecision d) {
        shard.aligned(params, po, grads, go, true, (p, g) -> {
            double[] slow = shard.slot64(slot);
            int o = shard.base(), end = o + shard.length();
            if (d.step() == 1) {
                System.arraycopy(p, o, slow, o, end - o);
            }
            inner.apply(shard, p, o, g, o, d);
            if (d.step() % k == 0) {
                for (int i = o; i < end; i++) {
                    double s = slow[i] + alpha * (p[i] - slow[i]);
                    slow[i] = s;
                    p[i] = s;
                }
            }
        });
    }

    @Override
    public void apply(ShardState shard, float[] params, int po, float[] grads, int go, StepDecision d) {
        shard.aligned(params, po, grads, go, true, (p, g) -> {
            float[] slow = shard.slot32(slot);
            int o = shard.base(), end = o + shard.length();
            if (d.step() == 1) {
                System.arraycopy(p, o, slow, o, end - o);
            }
            inner.apply(shard, p, o, g, o, d);
            float a = (float) alpha;
            if (d.step() % k == 0) {
                for (int i = o; i < end; i++) {
                    float s = slow[i] + a * (p[i] - slow[i]);
                    slow[i] = s;
                    p[i] = s;
                }
            }
        });
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
