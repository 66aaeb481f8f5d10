package org.adanspark.optim;

import java.util.List;
import java.util.Map;

/**
 * LAMB, layer-wise adaptive moments (You et al., <i>Large Batch Optimization for Deep Learning: Training
 * BERT in 76 minutes</i>, arXiv 1904.00962, Algorithm 2), with the per-tensor trust ratio:
 * <pre>
 *   m ← β1 m + (1-β1) g          v ← β2 v + (1-β2) g²
 *   r = (m / c1) / (sqrt(v / c2) + eps) + λθ               (Adam direction plus decoupled decay)
 *   θ^(l) ← θ^(l) - lr · φ(‖θ^(l)‖) / ‖r^(l)‖ · r^(l)      for each tensor l, φ the identity
 * </pre>
 * The trust ratio is 1 where either norm is zero, as in the reference implementations.
 *
 * <p>In the per-shard protocol LAMB takes a second round: after {@code combine} has fixed the clip factor,
 * {@link #prepare} updates m and v and reports per-segment sums of θ² and r², {@link #refine} turns all
 * shards' sums into per-tensor trust-scaled learning rates, and {@link #apply} recomputes r from the new
 * moments (bit-identical, and no wider in memory traffic than storing it) and applies the update. The
 * norms of r cannot be screened with the gradient: r depends on the clipped gradient, and the clip factor
 * needs every shard's gradient norm first.
 *
 * <p>Defaults ({@link #HYPERPARAMETERS}) are {@code timm.optim.Lamb}'s: lr 1e-3, betas (0.9, 0.999), eps 1e-6,
 * weight decay 0.01 (the paper's).
 */
public final class Lamb extends AbstractOptimizer {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "lamb";

    /** The learning rate, default 1e-3. */
    public static final Hyperparameter<Double> LR = lr(1e-3);
    /** Eps, default 1e-6. */
    public static final Hyperparameter<Double> EPS = TwoMomentBuilder.eps(1e-6, "to the root of the bias-corrected v");
    /** Weight decay, default 0.01. */
    public static final Hyperparameter<Double> WEIGHT_DECAY = weightDecay(0.01,
            "added to the update before the trust ratio (as AdamW decouples it)");
    /** LAMB's own hyperparameters with their defaults, in documentation order. */
    public static final List<Hyperparameter<?>> HYPERPARAMETERS = List.of(LR, TwoMomentBuilder.BETA1,
            TwoMomentBuilder.BETA2, EPS, WEIGHT_DECAY);

    private static final List<String> SLOTS = slots("m", "v");
    private static final int M = 0;
    private static final int V = 1;
    /** Indices of the second round's per-segment statistics. */
    private static final int PARAM_SUM_SQ = 0;
    private static final int UPDATE_SUM_SQ = 1;

    private final double beta1;
    private final double beta2;
    private final double eps;

    private Lamb(Builder b) {
        super(b);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
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

    @Override
    void describe(Map<String, Object> into) {
        into.put(TwoMomentBuilder.BETA1.key(), beta1);
        into.put(TwoMomentBuilder.BETA2.key(), beta2);
        into.put(EPS.key(), eps);
    }

    /** The bias corrections {@code c1}, {@code c2} of step t. */
    @Override
    double[] scalars(long t, double lr) {
        return new double[] {biasCorrection(beta1, t), biasCorrection(beta2, t)};
    }

    /** LAMB's trust ratios need the norms of the update, which depends on the clipped gradient: a second round. */
    @Override
    public boolean refines() {
        return true;
    }

    /** Pass 1: moves m and v, and sums θ² and r² per segment (θ is not touched yet). */
    @Override
    public ShardStatistics prepare(ShardState shard, double[] p, int po, double[] g, int go, StepDecision d) {
        ShardStatistics[] out = new ShardStatistics[1];
        shard.aligned(p, po, g, go, false, (pp, gg) -> out[0] = prepare64(shard, pp, gg, d));
        return out[0];
    }

    /** The 64-bit first pass over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private ShardStatistics prepare64(ShardState shard, double[] p, double[] g, StepDecision d) {
        double bc1 = d.scalar(0);
        double bc2 = d.scalar(1);
        double clip = d.clip();
        double[] m = shard.slot64(M);
        double[] v = shard.slot64(V);
        ShardPlan plan = shard.plan();
        int s = shard.shard();
        int first = plan.firstSegment(s);
        int rebase = shard.base() - plan.shardOffset(s);
        double[] pSq = new double[plan.endSegment(s) - first];
        double[] rSq = new double[pSq.length];
        for (int k = first; k < plan.endSegment(s); k++) {
            double sp = 0;
            double sr = 0;
            int from = plan.segmentStart(k) + rebase;
            int to = plan.segmentEnd(k) + rebase;
            // the moments in a loop of their own, which HotSpot vectorises; the sums, whose order is fixed,
            // in a scalar loop over the segment while it is still in cache
            AdamKernels.moments(m, v, g, from, to, clip, beta1, beta2);
            for (int i = from; i < to; i++) {
                double pi = p[i];
                double r = (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + eps) + weightDecay * pi;
                sp += pi * pi;
                sr += r * r;
            }
            pSq[k - first] = sp;
            rSq[k - first] = sr;
        }
        return new ShardStatistics(s, shard.step(), new double[][] {pSq, rSq}, -1, Double.NaN);
    }

    @Override
    public ShardStatistics prepare(ShardState shard, float[] p, int po, float[] g, int go, StepDecision d) {
        ShardStatistics[] out = new ShardStatistics[1];
        shard.aligned(p, po, g, go, false, (pp, gg) -> out[0] = prepare32(shard, pp, gg, d));
        return out[0];
    }

    /** The 32-bit first pass over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private ShardStatistics prepare32(ShardState shard, float[] p, float[] g, StepDecision d) {
        float bc1 = (float) d.scalar(0);
        float bc2 = (float) d.scalar(1);
        float b1 = (float) beta1, b2 = (float) beta2, omb1 = (float) (1 - beta1), omb2 = (float) (1 - beta2);
        float e = (float) eps, wd = (float) weightDecay, c = (float) d.clip();
        float[] m = shard.slot32(M);
        float[] v = shard.slot32(V);
        ShardPlan plan = shard.plan();
        int s = shard.shard();
        int first = plan.firstSegment(s);
        int rebase = shard.base() - plan.shardOffset(s);
        double[] pSq = new double[plan.endSegment(s) - first];
        double[] rSq = new double[pSq.length];
        for (int k = first; k < plan.endSegment(s); k++) {
            double sp = 0;
            double sr = 0;
            int from = plan.segmentStart(k) + rebase;
            int to = plan.segmentEnd(k) + rebase;
            AdamKernels.moments(m, v, g, from, to, c, b1, b2, omb1, omb2);
            for (int i = from; i < to; i++) {
                float pi = p[i];
                float r = (m[i] / bc1) / ((float) Math.sqrt(v[i] / bc2) + e) + wd * pi;
                sp += (double) pi * pi;
                sr += (double) r * r;
            }
            pSq[k - first] = sp;
            rSq[k - first] = sr;
        }
        return new ShardStatistics(s, shard.step(), new double[][] {pSq, rSq}, -1, Double.NaN);
    }

    /**
     * lr · ‖θ^(l)‖ / ‖r^(l)‖ per tensor, the norms summed over segments in segment order; lr where a norm
     * is 0.
     */
    @Override
    public StepDecision refine(ShardPlan plan, StepDecision d, ShardStatistics[] stats) {
        agreedStep(plan, stats);
        int tensors = plan.layout().numTensors();
        double[] pNormSq = perTensorSums(plan, stats, PARAM_SUM_SQ);
        double[] rNormSq = perTensorSums(plan, stats, UPDATE_SUM_SQ);
        double[] scale = new double[tensors];
        for (int l = 0; l < tensors; l++) {
            double pNorm = Math.sqrt(pNormSq[l]);
            double rNorm = Math.sqrt(rNormSq[l]);
            scale[l] = d.lr() * (pNorm > 0 && rNorm > 0 ? pNorm / rNorm : 1.0);
        }
        return d.withPerTensor(scale);
    }

    /** Pass 2: recomputes r from the new moments (bit-identical to pass 1's) and applies the trust-scaled step. */
    @Override
    public void apply(ShardState shard, double[] p, int po, double[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> step64(shard, pp, gg, d));
    }

    /** The 64-bit kernel over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private void step64(ShardState shard, double[] p, double[] g, StepDecision d) {
        double bc1 = d.scalar(0);
        double bc2 = d.scalar(1);
        double[] m = shard.slot64(M);
        double[] v = shard.slot64(V);
        ShardPlan plan = shard.plan();
        int s = shard.shard();
        int rebase = shard.base() - plan.shardOffset(s);
        for (int k = plan.firstSegment(s); k < plan.endSegment(s); k++) {
            double scale = d.perTensor(plan.segmentTensor(k));
            for (int i = plan.segmentStart(k) + rebase; i < plan.segmentEnd(k) + rebase; i++) {
                double r = (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + eps) + weightDecay * p[i];
                p[i] = p[i] - scale * r;
            }
        }
    }

    @Override
    public void apply(ShardState shard, float[] p, int po, float[] g, int go, StepDecision d) {
        shard.aligned(p, po, g, go, true, (pp, gg) -> step32(shard, pp, gg, d));
    }

    /** The 32-bit kernel over θ, g and the slots indexed alike ({@link ShardState#base()}). */
    private void step32(ShardState shard, float[] p, float[] g, StepDecision d) {
        float bc1 = (float) d.scalar(0);
        float bc2 = (float) d.scalar(1);
        float e = (float) eps, wd = (float) weightDecay;
        float[] m = shard.slot32(M);
        float[] v = shard.slot32(V);
        ShardPlan plan = shard.plan();
        int s = shard.shard();
        int rebase = shard.base() - plan.shardOffset(s);
        for (int k = plan.firstSegment(s); k < plan.endSegment(s); k++) {
            float scale = (float) d.perTensor(plan.segmentTensor(k));
            for (int i = plan.segmentStart(k) + rebase; i < plan.segmentEnd(k) + rebase; i++) {
                float r = (m[i] / bc1) / ((float) Math.sqrt(v[i] / bc2) + e) + wd * p[i];
                p[i] = p[i] - scale * r;
            }
        }
    }

    /** Builder for {@link Lamb}; values are checked in {@link #build()}. */
    public static final class Builder extends TwoMomentBuilder<Builder, Lamb> {
        Builder() {
            super(LR, WEIGHT_DECAY, EPS);
        }

        @Override
        public Lamb build() {
            validateMoments();
            return new Lamb(this);
        }
    }
}
