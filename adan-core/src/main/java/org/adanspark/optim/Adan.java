package org.adanspark.optim;

import java.util.List;
import java.util.Map;

/**
 * Adan, the Adaptive Nesterov Momentum algorithm of Xie, Zhou, Li, Lin and Yan, <i>Adan: Adaptive Nesterov
 * Momentum Algorithm for Faster Optimizing Deep Models</i> (arXiv 2208.06677, Algorithm 1), exactly as
 * the official implementation (sail-sg/Adan {@code adan.py}) computes it.
 *
 * <p>With {@code g_k} the (clipped) gradient, betas in the <b>code's</b> convention
 * {@code (β1, β2, β3) = (0.98, 0.92, 0.99)} (the paper writes {@code 1-β}), and bias corrections
 * {@code c_i = 1 - β_i^k}:
 * <pre>
 *   m_k = β1 m_{k-1} + (1-β1) g_k                                   (eq. 1, first moment)
 *   v_k = β2 v_{k-1} + (1-β2) (g_k - g_{k-1})                       (eq. 1, gradient difference)
 *   n_k = β3 n_{k-1} + (1-β3) [g_k + β2 (g_k - g_{k-1})]²           (eq. 1, Nesterov second moment)
 *   η_k = lr / (sqrt(n_k) / sqrt(c3) + eps)                         (eps outside the root, after bias correction)
 *   θ'  = θ_k - η_k ∘ (m_k / c1 + β2 v_k / c2)
 *   θ_{k+1} = θ' / (1 + lr λ)                  proximal decay, noProx = false (Algorithm 1)
 *   θ_{k+1} = θ_k (1 - lr λ) - η_k ∘ (...)     decoupled decay, noProx = true
 * </pre>
 * On the first step (and the first after {@link #restart}) {@code g_{k-1} = g_k}, so the difference term
 * is zero. With {@code maxGradNorm > 0} every gradient is first scaled by
 * {@code min(maxGradNorm / (‖g‖₂ + eps), 1)}, the norm spanning all tensors.
 *
 * <p>The float64 path performs the reference's floating-point operations in the reference's order and
 * reproduces its trajectories to the last bit or so. The float32 path does the same in float32 arithmetic,
 * as the reference does for float32 tensors. Each step is one pass over memory per shard after the
 * screening pass, in cache-sized chunks: it reads θ, g, g_prev, m, v, n and writes θ, m, v, n, g_prev once
 * each (44 bytes per float32 parameter).
 *
 * <p>Defaults ({@link #HYPERPARAMETERS}) are the official implementation's ({@code Adan.__init__} of
 * sail-sg/Adan, as timm's and pytorch-optimizer's): lr 1e-3, betas (0.98, 0.92, 0.99), eps 1e-8, weight decay 0,
 * max grad norm 0 (off), proximal decay. The paper's large-batch recommendation (weight decay 0.02, a learning
 * rate 5–10× Adam's) is a recipe, and belongs to the trainer that runs it, not to the builder.
 */
public final class Adan extends AbstractOptimizer {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "adan";
    /** Slot of the first moment {@code m}. */
    public static final String SLOT_M = "m";
    /** Slot of the moving average of gradient differences {@code v}. */
    public static final String SLOT_V = "v";
    /** Slot of the second moment {@code n}. */
    public static final String SLOT_N = "n";
    /** Slot of the previous (clipped) gradient. */
    public static final String SLOT_PREV_GRAD = "g_prev";

    /** The learning rate, default 1e-3. */
    public static final Hyperparameter<Double> LR = lr(1e-3);
    /** First-moment decay β1, default 0.98. */
    public static final Hyperparameter<Double> BETA1 = Hyperparameter.real("beta1", 0.98,
            "first-moment decay β1 in [0, 1), the code's convention: 1 − the paper's β1 (0.02)");
    /** Gradient-difference decay β2, default 0.92. */
    public static final Hyperparameter<Double> BETA2 = Hyperparameter.real("beta2", 0.92,
            "gradient-difference decay β2 in [0, 1): 1 − the paper's β2 (0.08)");
    /** Second-moment decay β3, default 0.99. */
    public static final Hyperparameter<Double> BETA3 = Hyperparameter.real("beta3", 0.99,
            "second-moment decay β3 in [0, 1): 1 − the paper's β3 (0.01)");
    /** Eps, default 1e-8. */
    public static final Hyperparameter<Double> EPS = Hyperparameter.real("eps", 1e-8,
            "added to the bias-corrected root of the second moment, > 0");
    /** Weight decay, default 0. */
    public static final Hyperparameter<Double> WEIGHT_DECAY = weightDecay(0.0,
            "the paper's proximal decay θ/(1 + lr·λ), or θ(1 − lr·λ) with no_prox");
    /** Decoupled instead of proximal weight decay, default false. */
    public static final Hyperparameter<Boolean> NO_PROX = Hyperparameter.flag("no_prox", false,
            "true: AdamW-style decoupled decay θ(1 − lr·λ); false: Algorithm 1's proximal decay θ/(1 + lr·λ)");
    /** Adan's own hyperparameters with their defaults, in documentation order. */
    public static final List<Hyperparameter<?>> HYPERPARAMETERS = List.of(LR, BETA1, BETA2, BETA3, EPS, WEIGHT_DECAY,
            NO_PROX);

    private static final List<String> SLOTS = slots(SLOT_M, SLOT_V, SLOT_N, SLOT_PREV_GRAD);
    private static final int M = 0;
    private static final int V = 1;
    private static final int N = 2;
    private static final int PREV = 3;

    private final double beta1;
    private final double beta2;
    private final double beta3;
    private final double eps;
    private final boolean noProx;

    private Adan(Builder b) {
        super(b);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.beta3 = b.beta3;
        this.eps = b.eps;
        this.noProx = b.noProx;
    }

    /** @return a builder starting from {@link #HYPERPARAMETERS}' defaults */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> slotNames() {
        return SLOTS;
    }

    /** @return β1, the first-moment decay (code convention) */
    public double beta1() {
        return beta1;
    }

    /** @return β2, the gradient-difference decay (code convention) */
    public double beta2() {
        return beta2;
    }

    /** @return β3, the second-moment decay (code convention) */
    public double beta3() {
        return beta3;
    }

    /** @return eps, added outside the square root */
    public double eps() {
        return eps;
    }

    /** @return true for decoupled (AdamW-style) weight decay, false for the paper's proximal decay */
    public boolean noProx() {
        return noProx;
    }

    @Override
    double clipEpsilon() {
        return eps;
    }

    @Override
    void describe(Map<String, Object> into) {
        into.put(BETA1.key(), beta1);
        into.put(BETA2.key(), beta2);
        into.put(BETA3.key(), beta3);
        into.put(EPS.key(), eps);
        into.put(NO_PROX.key(), noProx);
    }

    @Override
    void checkLr(double lr) {
        super.checkLr(lr);
        if (noProx && lr * weightDecay >= 1) {
            throw new IllegalArgumentException("adan: lr * weightDecay must be < 1 with noProx, got " + lr * weightDecay
                    + " at lr " + lr);
        }
    }

    /** Indices of the per-step scalars: computed in float64 as Python does, once per step. */
    private static final int BC3_SQRT = 0;
    private static final int NEG_STEP = 1;
    private static final int NEG_STEP_DIFF = 2;
    private static final int DECAY = 3;
    private static final int PROX = 4;

    @Override
    double[] scalars(long t, double lr) {
        double bc1 = biasCorrection(beta1, t);
        double bc2 = biasCorrection(beta2, t);
        return new double[] {
            Math.sqrt(biasCorrection(beta3, t)), // sqrt(c3)
            -(lr / bc1),                         // -lr / c1
            -(lr * beta2 / bc2),                 // -lr β2 / c2
            1 - lr * weightDecay,                // decoupled decay factor
            1 + lr * weightDecay                 // proximal divisor
        };
    }

    @Override
    public void apply(ShardState shard, double[] p, int po, double[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> {
            double clip = d.clip();
            double[] prev = shard.slot64(PREV);
            int o = shard.base(), end = o + shard.length();
            if (d.step() == 1) { // g_{k-1} = g_k: the first difference is zero
                for (int i = o; i < end; i++) {
                    prev[i] = gg[i] * clip;
                }
            }
            step64(pp, gg, shard.slot64(M), shard.slot64(V), shard.slot64(N), prev, o, end, clip, d);
        });
    }

    @Override
    public void apply(ShardState shard, float[] p, int po, float[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> {
            float clip = (float) d.clip();
            float[] prev = shard.slot32(PREV);
            int o = shard.base(), end = o + shard.length();
            if (d.step() == 1) {
                for (int i = o; i < end; i++) {
                    prev[i] = gg[i] * clip;
                }
            }
            step32(pp, gg, shard.slot32(M), shard.slot32(V), shard.slot32(N), prev, o, end, clip, d);
        });
    }

    /*
     * The fused steps run each shard in chunks of CHUNK elements, three loops per chunk, with g_prev doubling as
     * the chunk's scratch for u = g_k + β2 (g_k − g_{k−1}). One loop over all six arrays is the obvious form,
     * but HotSpot's C2 (measured on JDK 17.0.15, x86-64) does not vectorise a loop body that touches six
     * arrays, and such a loop ran 4–5× slower than these loops of at most five (docs/BENCHMARKS.md, "Optimizer
     * kernels"). A chunk's six slices (24 KiB in float32) stay in cache between its loops, so main memory
     * still sees one read and one write per array. Every value comes from the same operations in the same order
     * as in the reference (Java never contracts a*b+c into an FMA), so the result is bit-for-bit the same.
     *
     * Every array is indexed by the loop variable alone, never "p[i]" beside "m[i]": C2 cannot tell that
     * arrays indexed with different offsets do not overlap, assumes a dependence and leaves the loop scalar
     * (measured 5x slower on JDK 17 and 25). ShardState.aligned gives θ and g the slots' indexing, which a
     * process that holds all shards has already (docs/BENCHMARKS.md, "Optimizer kernels").
     */
    private static final int CHUNK = 1024;

    private void step64(double[] p, double[] g, double[] m, double[] v, double[] n, double[] prev,
                        int from, int to, double clip, StepDecision c) {
        final double b1 = beta1, b2 = beta2, b3 = beta3;
        final double omb1 = 1 - beta1, omb2 = 1 - beta2, omb3 = 1 - beta3;
        final double bc3s = c.scalar(BC3_SQRT), e = eps, ss = c.scalar(NEG_STEP), ssd = c.scalar(NEG_STEP_DIFF);
        final double decay = c.scalar(DECAY), prox = c.scalar(PROX);
        final boolean decoupled = noProx;
        for (int start = from; start < to; start += CHUNK) {
            int end = Math.min(to, start + CHUNK);
            // eq. 1: m_k and v_k; u = g_k + β2 (g_k − g_{k−1}) parked in g_prev
            for (int i = start; i < end; i++) {
                double gi = g[i] * clip;
                double d = gi - prev[i];
                m[i] = m[i] * b1 + omb1 * gi;
                v[i] = v[i] * b2 + omb2 * d;
                prev[i] = d * b2 + gi;
            }
            // eq. 1: n_k = β3 n_{k−1} + (1−β3) u²; then θ's step and its decay (Algorithm 1)
            if (decoupled) { // θ ← θ (1 − lr λ) − η_k ∘ (m_k + β2 v_k)
                for (int i = start; i < end; i++) {
                    double u = prev[i];
                    double ni = n[i] * b3 + (omb3 * u) * u;
                    double denom = Math.sqrt(ni) / bc3s + e;
                    double pi = p[i] * decay;
                    pi = pi + (ss * m[i]) / denom;
                    p[i] = pi + (ssd * v[i]) / denom;
                    n[i] = ni;
                }
            } else { // θ ← (θ − η_k ∘ (m_k + β2 v_k)) / (1 + lr λ)
                for (int i = start; i < end; i++) {
                    double u = prev[i];
                    double ni = n[i] * b3 + (omb3 * u) * u;
                    double denom = Math.sqrt(ni) / bc3s + e;
                    double pi = p[i] + (ss * m[i]) / denom;
                    pi = pi + (ssd * v[i]) / denom;
                    p[i] = pi / prox;
                    n[i] = ni;
                }
            }
            for (int i = start; i < end; i++) {
                prev[i] = g[i] * clip;
            }
        }
    }

    private void step32(float[] p, float[] g, float[] m, float[] v, float[] n, float[] prev,
                        int from, int to, float clip, StepDecision c) {
        final float b1 = (float) beta1, b2 = (float) beta2, b3 = (float) beta3;
        final float omb1 = (float) (1 - beta1), omb2 = (float) (1 - beta2), omb3 = (float) (1 - beta3);
        final float bc3s = (float) c.scalar(BC3_SQRT), e = (float) eps;
        final float ss = (float) c.scalar(NEG_STEP), ssd = (float) c.scalar(NEG_STEP_DIFF);
        final float decay = (float) c.scalar(DECAY), prox = (float) c.scalar(PROX);
        final boolean decoupled = noProx;
        for (int start = from; start < to; start += CHUNK) {
            int end = Math.min(to, start + CHUNK);
            for (int i = start; i < end; i++) {
                float gi = g[i] * clip;
                float d = gi - prev[i];
                m[i] = m[i] * b1 + omb1 * gi;
                v[i] = v[i] * b2 + omb2 * d;
                prev[i] = d * b2 + gi;
            }
            if (decoupled) { // θ ← θ (1 − lr λ) − η_k ∘ (m_k + β2 v_k)
                for (int i = start; i < end; i++) {
                    float u = prev[i];
                    float ni = n[i] * b3 + (omb3 * u) * u;
                    float denom = (float) Math.sqrt(ni) / bc3s + e;
                    float pi = p[i] * decay;
                    pi = pi + (ss * m[i]) / denom;
                    p[i] = pi + (ssd * v[i]) / denom;
                    n[i] = ni;
                }
            } else { // θ ← (θ − η_k ∘ (m_k + β2 v_k)) / (1 + lr λ)
                for (int i = start; i < end; i++) {
                    float u = prev[i];
                    float ni = n[i] * b3 + (omb3 * u) * u;
                    float denom = (float) Math.sqrt(ni) / bc3s + e;
                    float pi = p[i] + (ss * m[i]) / denom;
                    pi = pi + (ssd * v[i]) / denom;
                    p[i] = pi / prox;
                    n[i] = ni;
                }
            }
            for (int i = start; i < end; i++) {
                prev[i] = g[i] * clip;
            }
        }
    }

    /** Builder for {@link Adan}; every setter's value is checked in {@link #build()}. */
    public static final class Builder extends AbstractOptimizer.Builder<Builder, Adan> {
        private double beta1 = BETA1.defaultValue();
        private double beta2 = BETA2.defaultValue();
        private double beta3 = BETA3.defaultValue();
        private double eps = EPS.defaultValue();
        private boolean noProx = NO_PROX.defaultValue();

        Builder() {
            super(LR, WEIGHT_DECAY);
        }

        /**
         * @param beta1 first-moment decay, in [0, 1) (code convention: 0.98)
         * @param beta2 gradient-difference decay, in [0, 1) (0.92)
         * @param beta3 second-moment decay, in [0, 1) (0.99)
         * @return this builder
         */
        public Builder betas(double beta1, double beta2, double beta3) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            this.beta3 = beta3;
            return this;
        }

        /**
         * @param eps added to the bias-corrected root of {@code n}, &gt; 0
         * @return this builder
         */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /**
         * @param noProx true for decoupled weight decay, false for the proximal decay of Algorithm 1
         * @return this builder
         */
        public Builder noProx(boolean noProx) {
            this.noProx = noProx;
            return this;
        }

        @Override
        public Adan build() {
            validateCommon();
            Hyperparameters.unitInterval("betas[0]", beta1);
            Hyperparameters.unitInterval("betas[1]", beta2);
            Hyperparameters.unitInterval("betas[2]", beta3);
            Hyperparameters.positive("eps", eps);
            if (noProx && lr * weightDecay >= 1) {
                throw new IllegalArgumentException("lr * weightDecay must be < 1 with noProx, got " + lr * weightDecay);
            }
            return new Adan(this);
        }
    }
}
