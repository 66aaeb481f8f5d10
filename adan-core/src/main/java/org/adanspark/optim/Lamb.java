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
 * <p>A step is two parallel passes: the first updates m and v and accumulates per-segment sums of θ² and
 * r²; the second recomputes r from the new moments (bit-identical, and no wider in memory traffic than
 * storing it) and applies the trust-scaled update.
 *
 * <p>Builder defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-6, weightDecay 0.01 (the paper's settings).
 */
public final class Lamb extends AbstractOptimizer {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "lamb";

    private static final List<String> SLOTS = slots("m", "v");
    private static final int M = 0;
    private static final int V = 1;
    private static final int PARAM_SUM_SQ = 1;
    private static final int UPDATE_SUM_SQ = 2;

    private final double beta1;
    private final double beta2;
    private final double eps;

    private Lamb(Builder b) {
        super(b);
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.eps = b.eps;
    }

    /** @return a builder with the paper's defaults */
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
    int segmentStatCount() {
        return 3;
    }

    @Override
    void describe(Map<String, Object> into) {
        into.put("beta1", beta1);
        into.put("beta2", beta2);
        into.put("eps", eps);
    }

    @Override
    void apply64(OptimizerState state, double[] p, double[] g, double clip) {
        long t = state.step();
        double bc1 = biasCorrection(beta1, t);
        double bc2 = biasCorrection(beta2, t);
        double[] m = state.slot64(M);
        double[] v = state.slot64(V);
        ShardPlan plan = state.plan();
        double[] pSq = state.segmentStats(PARAM_SUM_SQ);
        double[] rSq = state.segmentStats(UPDATE_SUM_SQ);
        ShardRunner.forEachShard(plan, shard -> {
            for (int k = plan.firstSegment(shard); k < plan.endSegment(shard); k++) {
                double sp = 0;
                double sr = 0;
                for (int i = plan.segmentStart(k); i < plan.segmentEnd(k); i++) {
                    double gi = g[i] * clip;
                    double mi = beta1 * m[i] + (1 - beta1) * gi;
                    double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
                    m[i] = mi;
                    v[i] = vi;
                    double r = (mi / bc1) / (Math.sqrt(vi / bc2) + eps) + weightDecay * p[i];
                    sp += p[i] * p[i];
                    sr += r * r;
                }
                pSq[k] = sp;
                rSq[k] = sr;
            }
        });
        double[] scale = trustScaledLr(plan, pSq, rSq);
        ShardRunner.forEachShard(plan, shard -> {
            for (int k = plan.firstSegment(shard); k < plan.endSegment(shard); k++) {
                double s = scale[plan.segmentTensor(k)];
                for (int i = plan.segmentStart(k); i < plan.segmentEnd(k); i++) {
                    double r = (m[i] / bc1) / (Math.sqrt(v[i] / bc2) + eps) + weightDecay * p[i];
                    p[i] = p[i] - s * r;
                }
            }
        });
    }

    @Override
    void apply32(OptimizerState state, float[] p, float[] g, double clip) {
        long t = state.step();
        float bc1 = (float) biasCorrection(beta1, t);
        float bc2 = (float) biasCorrection(beta2, t);
        float b1 = (float) beta1, b2 = (float) beta2, omb1 = (float) (1 - beta1), omb2 = (float) (1 - beta2);
        float e = (float) eps, wd = (float) weightDecay, c = (float) clip;
        float[] m = state.slot32(M);
        float[] v = state.slot32(V);
        ShardPlan plan = state.plan();
        double[] pSq = state.segmentStats(PARAM_SUM_SQ);
        double[] rSq = state.segmentStats(UPDATE_SUM_SQ);
        ShardRunner.forEachShard(plan, shard -> {
            for (int k = plan.firstSegment(shard); k < plan.endSegment(shard); k++) {
                double sp = 0;
                double sr = 0;
                for (int i = plan.segmentStart(k); i < plan.segmentEnd(k); i++) {
                    float gi = g[i] * c;
                    float mi = b1 * m[i] + omb1 * gi;
                    float vi = b2 * v[i] + omb2 * gi * gi;
                    m[i] = mi;
                    v[i] = vi;
                    float r = (mi / bc1) / ((float) Math.sqrt(vi / bc2) + e) + wd * p[i];
                    sp += (double) p[i] * p[i];
                    sr += (double) r * r;
                }
                pSq[k] = sp;
                rSq[k] = sr;
            }
        });
        double[] scale = trustScaledLr(plan, pSq, rSq);
        ShardRunner.forEachShard(plan, shard -> {
            for (int k = plan.firstSegment(shard); k < plan.endSegment(shard); k++) {
                float s = (float) scale[plan.segmentTensor(k)];
                for (int i = plan.segmentStart(k); i < plan.segmentEnd(k); i++) {
                    float r = (m[i] / bc1) / ((float) Math.sqrt(v[i] / bc2) + e) + wd * p[i];
                    p[i] = p[i] - s * r;
                }
            }
        });
    }

    /** lr · ‖θ^(l)‖ / ‖r^(l)‖ per tensor, the norms summed over segments in order; lr where a norm is 0. */
    private double[] trustScaledLr(ShardPlan plan, double[] pSq, double[] rSq) {
        int tensors = plan.layout().numTensors();
        double[] pNormSq = new double[tensors];
        double[] rNormSq = new double[tensors];
        for (int k = 0; k < plan.numSegments(); k++) {
            pNormSq[plan.segmentTensor(k)] += pSq[k];
            rNormSq[plan.segmentTensor(k)] += rSq[k];
        }
        double[] scale = new double[tensors];
        for (int l = 0; l < tensors; l++) {
            double pNorm = Math.sqrt(pNormSq[l]);
            double rNorm = Math.sqrt(rNormSq[l]);
            scale[l] = lr * (pNorm > 0 && rNorm > 0 ? pNorm / rNorm : 1.0);
        }
        return scale;
    }

    /** Builder for {@link Lamb}; values are checked in {@link #build()}. */
    public static final class Builder extends TwoMomentBuilder<Builder, Lamb> {
        Builder() {
            super(1e-3, 0.01, 1e-6);
        }

        @Override
        public Lamb build() {
            validateMoments();
            return new Lamb(this);
        }
    }
}
