package org.adanspark.optim;

/**
 * The fused Adam step shared by {@link Adam} (L2 decay folded into the gradient) and {@link AdamW}
 * (decoupled decay), in the reference order of {@code torch.optim.Adam}/{@code AdamW}:
 * <pre>
 *   g' = g·clip (+ λθ for L2)      θ ← θ(1 - lr·λ) for decoupled
 *   m ← β1 m + (1-β1) g'           v ← β2 v + (1-β2) g'²
 *   θ ← θ - (lr / c1) · m / (sqrt(v) / sqrt(c2) + eps)
 * </pre>
 * With a per-coordinate update bound {@code D > 0} (clipped Adam, Ahn and Cutkosky, arXiv 2405.18199)
 * the normalised update is clipped before the learning rate scales it:
 * <pre>
 *   θ ← θ - lr · clip_D((m / c1) / (sqrt(v) / sqrt(c2) + eps)),   clip_D(u) = min(D / |u|, 1) · u
 * </pre>
 */
final class AdamKernels {

    static final int M = 0;
    static final int V = 1;

    private AdamKernels() {
    }

    /** Indices of the per-step scalars in a decision. */
    static final int NEG_STEP = 0;
    static final int BC2_SQRT = 1;
    static final int DECAY = 2;
    static final int BC1 = 3;

    /** The per-step scalars: {@code -lr / c1}, {@code sqrt(c2)}, the decoupled decay factor and {@code c1}. */
    static double[] scalars(long t, double lr, double beta1, double beta2, double weightDecay, boolean decoupled) {
        double bc1 = AbstractOptimizer.biasCorrection(beta1, t);
        return new double[] {
            -(lr / bc1),
            Math.sqrt(AbstractOptimizer.biasCorrection(beta2, t)),
            decoupled ? 1 - lr * weightDecay : 1.0,
            bc1
        };
    }

    /**
     * Adam's moments over {@code [from, to)} of m, v and g indexed alike, in a loop of their own that HotSpot
     * vectorises: m ← β1 m + (1−β1) ĝ, v ← β2 v + (1−β2) ĝ², ĝ = g · clip (LAMB's and SET-Adam's first pass,
     * whose ordered sums follow in a scalar loop).
     */
    static void moments(double[] m, double[] v, double[] g, int from, int to, double clip, double beta1,
                        double beta2) {
        double omb1 = 1 - beta1;
        double omb2 = 1 - beta2;
        for (int i = from; i < to; i++) {
            double gi = g[i] * clip;
            m[i] = beta1 * m[i] + omb1 * gi;
            v[i] = beta2 * v[i] + omb2 * gi * gi;
        }
    }

    /** Float32 twin of {@link #moments(double[], double[], double[], int, int, double, double, double)}. */
    static void moments(float[] m, float[] v, float[] g, int from, int to, float clip, float b1, float b2,
                        float omb1, float omb2) {
        for (int i = from; i < to; i++) {
            float gi = g[i] * clip;
            m[i] = b1 * m[i] + omb1 * gi;
            v[i] = b2 * v[i] + omb2 * gi * gi;
        }
    }

    static void apply64(ShardState shard, double[] p, double[] g, StepDecision d,
                        double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                        double updateClip) {
        if (updateClip > 0) {
            applyClipped64(shard, p, g, d, beta1, beta2, eps, weightDecay, decoupled, updateClip);
            return;
        }
        double clip = d.clip();
        double negStepSize = d.scalar(NEG_STEP);
        double bc2Sqrt = d.scalar(BC2_SQRT);
        double l2 = decoupled ? 0.0 : weightDecay;
        double decay = d.scalar(DECAY);
        double omb1 = 1 - beta1;
        double omb2 = 1 - beta2;
        double[] m = shard.slot64(M);
        double[] v = shard.slot64(V);
        int o = shard.base(), end = o + shard.length();
        for (int i = o; i < end; i++) {
            double pi = p[i];
            double gi = g[i] * clip + l2 * pi;
            double mi = beta1 * m[i] + omb1 * gi;
            double vi = beta2 * v[i] + omb2 * gi * gi;
            double denom = Math.sqrt(vi) / bc2Sqrt + eps;
            p[i] = pi * decay + negStepSize * mi / denom;
            m[i] = mi;
            v[i] = vi;
        }
    }

    static void apply32(ShardState shard, float[] p, float[] g, StepDecision d,
                        double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                        double updateClip) {
        if (updateClip > 0) {
            applyClipped32(shard, p, g, d, beta1, beta2, eps, weightDecay, decoupled, updateClip);
            return;
        }
        float negStepSize = (float) d.scalar(NEG_STEP);
        float bc2Sqrt = (float) d.scalar(BC2_SQRT);
        float l2 = (float) (decoupled ? 0.0 : weightDecay);
        float decay = (float) d.scalar(DECAY);
        float b1 = (float) beta1, b2 = (float) beta2, e = (float) eps;
        float omb1 = (float) (1 - beta1), omb2 = (float) (1 - beta2), c = (float) d.clip();
        float[] m = shard.slot32(M);
        float[] v = shard.slot32(V);
        int o = shard.base(), end = o + shard.length();
        for (int i = o; i < end; i++) {
            float pi = p[i];
            float gi = g[i] * c + l2 * pi;
            float mi = b1 * m[i] + omb1 * gi;
            float vi = b2 * v[i] + omb2 * gi * gi;
            float denom = (float) Math.sqrt(vi) / bc2Sqrt + e;
            p[i] = pi * decay + negStepSize * mi / denom;
            m[i] = mi;
            v[i] = vi;
        }
    }

    /** Clipped Adam: the normalised update {@code u = (m / c1) / denom}, each coordinate clipped to [-D, D]. */
    private static void applyClipped64(ShardState shard, double[] p, double[] g, StepDecision d,
                                       double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                                       double bound) {
        double clip = d.clip();
        double negLr = -d.lr();
        double bc1 = d.scalar(BC1);
        double bc2Sqrt = d.scalar(BC2_SQRT);
        double l2 = decoupled ? 0.0 : weightDecay;
        double decay = d.scalar(DECAY);
        double omb1 = 1 - beta1;
        double omb2 = 1 - beta2;
        double[] m = shard.slot64(M);
        double[] v = shard.slot64(V);
        int o = shard.base(), end = o + shard.length();
        for (int i = o; i < end; i++) {
            double pi = p[i];
            double gi = g[i] * clip + l2 * pi;
            double mi = beta1 * m[i] + omb1 * gi;
            double vi = beta2 * v[i] + omb2 * gi * gi;
            double u = (mi / bc1) / (Math.sqrt(vi) / bc2Sqrt + eps);
            p[i] = pi * decay + negLr * Math.max(-bound, Math.min(bound, u));
            m[i] = mi;
            v[i] = vi;
        }
    }

    private static void applyClipped32(ShardState shard, float[] p, float[] g, StepDecision d,
                                       double beta1, double beta2, double eps, double weightDecay, boolean decoupled,
                                       double bound) {
        float negLr = (float) -d.lr();
        float bc1 = (float) d.scalar(BC1);
        float bc2Sqrt = (float) d.scalar(BC2_SQRT);
        float l2 = (float) (decoupled ? 0.0 : weightDecay);
        float decay = (float) d.scalar(DECAY);
        float b1 = (float) beta1, b2 = (float) beta2, e = (float) eps, hi = (float) bound, lo = -hi;
        float omb1 = (float) (1 - beta1), omb2 = (float) (1 - beta2), c = (float) d.clip();
        float[] m = shard.slot32(M);
        float[] v = shard.slot32(V);
        int o = shard.base(), end = o + shard.length();
        for (int i = o; i < end; i++) {
            float pi = p[i];
            float gi = g[i] * c + l2 * pi;
            float mi = b1 * m[i] + omb1 * gi;
            float vi = b2 * v[i] + omb2 * gi * gi;
            float u = (mi / bc1) / ((float) Math.sqrt(vi) / bc2Sqrt + e);
            p[i] = pi * decay + negLr * Math.max(lo, Math.min(hi, u));
            m[i] = mi;
            v[i] = vi;
        }
    }
}
