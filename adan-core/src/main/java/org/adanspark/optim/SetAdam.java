package org.adanspark.optim;

import java.util.List;
import java.util.Map;

/**
 * SET-Adam (G. Zhang, <i>On Suppressing Range of Adaptive Stepsizes of Adam to Improve Generalisation
 * Performance</i>, arXiv 2302.01029): Adam's moments, with three per-layer operations on the second
 * moment before it divides the step — <b>S</b>caling down, <b>E</b>psilon-embedding and
 * <b>T</b>ranslating down — which narrow the range of the per-coordinate step sizes:
 * <pre>
 *   m ← β1 m + (1-β1) g                    v ← β2 v + (1-β2) g²
 *   cos²_l = (Σ_l v)² / (d_l · Σ_l v²)     (squared cosine of the angle between tensor l's v and the all-one vector)
 *   w = sqrt(cos²_l · v / c2 + ε)          (down-scaling, then ε inside the root)
 *   w̃ = w - τ · min_l w                   (down-translating by a fraction τ of the tensor's smallest w)
 *   θ ← θ(1 - lr·λ) - (lr / c1) · m / w̃
 * </pre>
 * with {@code c1, c2} Adam's bias corrections and {@code l} the tensor holding the coordinate. Because
 * {@code w} grows with {@code v}, {@code min_l w} is {@code w} at the smallest {@code v} of the tensor, so
 * the per-tensor values the step needs are three reductions of the new {@code v}: its sum, its sum of
 * squares and its minimum. Weight decay, which the paper's update leaves out, is decoupled as in AdamW
 * (0 by default, so the default is the paper's update).
 *
 * <p>In the per-shard protocol SET-Adam takes a second round, as {@link Lamb} does: the reductions are of
 * {@code v} after this step's (clipped) gradient has moved it. {@link #prepare} moves m and v and reports
 * per-segment sums and minima, {@link #refine} turns them into each tensor's {@code cos²} and
 * {@code τ·min w}, {@link #apply} steps. Sums are added in segment order and the minimum is exact, so any
 * shard count gives the same bits.
 *
 * <p>Defaults ({@link #HYPERPARAMETERS}), the paper's: lr 1e-3, betas (0.9, 0.999), τ 0.5 (the paper's), ε 1e-16 inside
 * the root (the floor of Adam's ε = 1e-8 outside it), weight decay 0.
 */
public final class SetAdam extends AbstractOptimizer {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "setadam";

    /** The learning rate, default 1e-3. */
    public static final Hyperparameter<Double> LR = lr(1e-3);
    /** Eps, default 1e-16, inside the root. */
    public static final Hyperparameter<Double> EPS = TwoMomentBuilder.eps(1e-16,
            "inside the root (1e-16 there is Adam's 1e-8 outside it)");
    /** Weight decay, default 0. */
    public static final Hyperparameter<Double> WEIGHT_DECAY = weightDecay(0.0, "decoupled as in AdamW: θ(1 − lr·λ)");
    /** The translation fraction τ, default 0.5. */
    public static final Hyperparameter<Double> TAU = Hyperparameter.real("tau", 0.5,
            "per tensor, the denominators translated down by tau × their minimum, in [0, 1); 0 = off");
    /** SET-Adam's own hyperparameters with their defaults, in documentation order. */
    public static final List<Hyperparameter<?>> HYPERPARAMETERS = List.of(LR, TwoMomentBuilder.BETA1,
            TwoMomentBuilder.BETA2, EPS, WEIGHT_DECAY, TAU);

    private static final List<String> SLOTS = slots("m", "v");
    private static final int M = 0;
    private static final int V = 1;
    /** Indices of the second round's per-segment statistics. */
    private static final int V_SUM = 0;
    private static final int V_SUM_SQ = 1;
    private static final int V_MIN = 2;
    /** Per tensor in the refined decision: cos² at PER_TENSOR·l, τ·min w at PER_TENSOR·l + 1. */
    private static final int PER_TENSOR = 2;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double tau;

    private SetAdam(Builder b) {
        super(b);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
        this.tau = b.tau;
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

    /** @return the fraction τ of each tensor's smallest denominator that is subtracted from all of them */
    public double tau() {
        return tau;
    }

    @Override
    void describe(Map<String, Object> into) {
        into.put(TwoMomentBuilder.BETA1.key(), beta1);
        into.put(TwoMomentBuilder.BETA2.key(), beta2);
        into.put(EPS.key(), eps);
        into.put(TAU.key(), tau);
    }

    @Override
    void checkLr(double lr) {
        super.checkLr(lr);
        if (lr * weightDecay >= 1) {
            throw new IllegalArgumentException(name() + ": lr * weightDecay must be < 1, got " + lr * weightDecay
                    + " at lr " + lr);
        }
    }

    /** The bias corrections {@code c1}, {@code c2} of step t. */
    @Override
    double[] scalars(long t, double lr) {
        return new double[] {biasCorrection(beta1, t), biasCorrection(beta2, t)};
    }

    /** The per-tensor reductions are of v after this step's gradient moved it: a second round. */
    @Override
    public boolean refines() {
        return true;
    }

    /** Pass 1: moves m and v, and reports per segment Σv, Σv² and min v (θ is not touched yet). */
    @Override
    public ShardStatistics prepare(ShardState shard, double[] p, int po, double[] g, int go, StepDecision d) {
        ShardStatistics[] out = new ShardStatistics[1];
        shard.aligned(p, po, g, go, false, (pp, gg) -> out[0] = prepare64(shard, pp, gg, d));
        return out[0];
    }

    /** The 64-bit first pass over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private ShardStatistics prepare64(ShardState shard, double[] p, double[] g, StepDecision d) {
        double clip = d.clip();
        double[] m = shard.slot64(M);
        double[] v = shard.slot64(V);
        ShardPlan plan = shard.plan();
        int s = shard.shard();
        int first = plan.firstSegment(s);
        int rebase = shard.base() - plan.shardOffset(s);
        double[][] stats = new double[3][plan.endSegment(s) - first];
        for (int k = first; k < plan.endSegment(s); k++) {
            double sum = 0;
            double sumSq = 0;
            double min = Double.POSITIVE_INFINITY;
            int from = plan.segmentStart(k) + rebase;
            int to = plan.segmentEnd(k) + rebase;
            // the moments in a loop of their own, which HotSpot vectorises; the sums, whose order is fixed,
            // in a scalar loop over the segment while it is still in cache
            AdamKernels.moments(m, v, g, from, to, clip, beta1, beta2);
            for (int i = from; i < to; i++) {
                double vi = v[i];
                sum += vi;
                sumSq += vi * vi;
                min = Math.min(min, vi);
            }
            stats[V_SUM][k - first] = sum;
            stats[V_SUM_SQ][k - first] = sumSq;
            stats[V_MIN][k - first] = min;
        }
        return new ShardStatistics(s, shard.step(), stats, -1, Double.NaN);
    }

    @Override
    public ShardStatistics prepare(ShardState shard, float[] p, int po, float[] g, int go, StepDecision d) {
        ShardStatistics[] out = new ShardStatistics[1];
        shard.aligned(p, po, g, go, false, (pp, gg) -> out[0] = prepare32(shard, pp, gg, d));
        return out[0];
    }

    /** The 32-bit first pass over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private ShardStatistics prepare32(ShardState shard, float[] p, float[] g, StepDecision d) {
        float b1 = (float) beta1, b2 = (float) beta2, omb1 = (float) (1 - beta1), omb2 = (float) (1 - beta2);
        float c = (float) d.clip();
        float[] m = shard.slot32(M);
        float[] v = shard.slot32(V);
        ShardPlan plan = shard.plan();
        int s = shard.shard();
        int first = plan.firstSegment(s);
        int rebase = shard.base() - plan.shardOffset(s);
        double[][] stats = new double[3][plan.endSegment(s) - first];
        for (int k = first; k < plan.endSegment(s); k++) {
            double sum = 0;
            double sumSq = 0;
            float min = Float.POSITIVE_INFINITY;
            int from = plan.segmentStart(k) + rebase;
            int to = plan.segmentEnd(k) + rebase;
            AdamKernels.moments(m, v, g, from, to, c, b1, b2, omb1, omb2);
            for (int i = from; i < to; i++) {
                float vi = v[i];
                sum += vi;
                sumSq += (double) vi * vi;
                min = Math.min(min, vi);
            }
            stats[V_SUM][k - first] = sum;
            stats[V_SUM_SQ][k - first] = sumSq;
            stats[V_MIN][k - first] = min;
        }
        return new ShardStatistics(s, shard.step(), stats, -1, Double.NaN);
    }

    /**
     * Per tensor: {@code cos² = (Σv)² / (d·Σv²)} (1 when v is all zero) and {@code τ·min w} with
     * {@code min w = sqrt(cos²·min v / c2 + ε)}, the sums added in segment order.
     */
    @Override
    public StepDecision refine(ShardPlan plan, StepDecision d, ShardStatistics[] stats) {
        agreedStep(plan, stats);
        ParamLayout layout = plan.layout();
        int tensors = layout.numTensors();
        double[] sum = perTensorSums(plan, stats, V_SUM);
        double[] sumSq = perTensorSums(plan, stats, V_SUM_SQ);
        double[] min = new double[tensors];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        for (ShardStatistics st : stats) {
            int first = plan.firstSegment(st.shard());
            double[] segMin = st.perSegment(V_MIN);
            for (int j = 0; j < segMin.length; j++) {
                int l = plan.segmentTensor(first + j);
                min[l] = Math.min(min[l], segMin[j]);
            }
        }
        double bc2 = d.scalar(1);
        double[] perTensor = new double[PER_TENSOR * tensors];
        for (int l = 0; l < tensors; l++) {
            double cos2 = sumSq[l] > 0 ? sum[l] * sum[l] / (layout.length(l) * sumSq[l]) : 1.0;
            perTensor[PER_TENSOR * l] = cos2;
            perTensor[PER_TENSOR * l + 1] = tau * Math.sqrt(cos2 * min[l] / bc2 + eps);
        }
        return d.withPerTensor(perTensor);
    }

    /** Pass 2: the translated denominator from the new v and the step, with decoupled decay. */
    @Override
    public void apply(ShardState shard, double[] p, int po, double[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> step64(shard, pp, gg, d));
    }

    /** The 64-bit kernel over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private void step64(ShardState shard, double[] p, double[] g, StepDecision d) {
        double negStep = -d.lr() / d.scalar(0);
        double bc2 = d.scalar(1);
        double decay = 1 - d.lr() * weightDecay;
        double[] m = shard.slot64(M);
        double[] v = shard.slot64(V);
        ShardPlan plan = shard.plan();
        int s = shard.shard();
        int rebase = shard.base() - plan.shardOffset(s);
        for (int k = plan.firstSegment(s); k < plan.endSegment(s); k++) {
            int l = plan.segmentTensor(k);
            double cos2 = d.perTensor(PER_TENSOR * l);
            double shift = d.perTensor(PER_TENSOR * l + 1);
            for (int i = plan.segmentStart(k) + rebase; i < plan.segmentEnd(k) + rebase; i++) {
                double w = Math.sqrt(cos2 * v[i] / bc2 + eps) - shift;
                p[i] = p[i] * decay + negStep * m[i] / w;
            }
        }
    }

    @Override
    public void apply(ShardState shard, float[] p, int po, float[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> step32(shard, pp, gg, d));
    }

    /** The 32-bit kernel over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private void step32(ShardState shard, float[] p, float[] g, StepDecision d) {
        float negStep = (float) (-d.lr() / d.scalar(0));
        float bc2 = (float) d.scalar(1);
        float decay = (float) (1 - d.lr() * weightDecay);
        float e = (float) eps;
        float[] m = shard.slot32(M);
        float[] v = shard.slot32(V);
        ShardPlan plan = shard.plan();
        int s = shard.shard();
        int rebase = shard.base() - plan.shardOffset(s);
        for (int k = plan.firstSegment(s); k < plan.endSegment(s); k++) {
            int l = plan.segmentTensor(k);
            float cos2 = (float) d.perTensor(PER_TENSOR * l);
            float shift = (float) d.perTensor(PER_TENSOR * l + 1);
            for (int i = plan.segmentStart(k) + rebase; i < plan.segmentEnd(k) + rebase; i++) {
                float w = (float) Math.sqrt(cos2 * v[i] / bc2 + e) - shift;
                p[i] = p[i] * decay + negStep * m[i] / w;
            }
        }
    }

    /** Builder for {@link SetAdam}; values are checked in {@link #build()}. */
    public static final class Builder extends TwoMomentBuilder<Builder, SetAdam> {
        double tau = TAU.defaultValue();

        Builder() {
            super(LR, WEIGHT_DECAY, EPS);
        }

        /**
         * @param tau the fraction of each tensor's smallest denominator subtracted from all of them, in
         *     [0, 1); 0 turns the translation off
         * @return this builder
         */
        public Builder tau(double tau) {
            this.tau = tau;
            return this;
        }

        @Override
        public SetAdam build() {
            validateMoments();
            Hyperparameters.unitInterval("tau", tau);
            if (lr * weightDecay >= 1) {
                throw new IllegalArgumentException("lr * weightDecay must be < 1, got " + lr * weightDecay);
            }
            return new SetAdam(this);
        }
    }
}
