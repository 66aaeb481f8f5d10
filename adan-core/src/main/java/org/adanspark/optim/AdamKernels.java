package org.adanspark.optim;

/**
 * The fused Adam step shared by {@link Adam} (L2 decay folded into the gradient) and {@link AdamW}
 * (decoupled decay), in the reference order of {@code torch.optim.Adam}/{@code AdamW}:
 * <pre>
 *   g' = g·clip (+ λθ for L2)      θ ← θ(1 - lr·λ) for decoupled
 *   m ← β1 m + (1-β1) g'           v ← β2 v + (1-β2) g'²
 *   θ ← θ - (lr / c1) · m / (sqrt(v) / sqrt(c2) + eps)
 * </pre>
 */
final class AdamKernels {

    static final int M = 0;
    static final int V = 1;

    private AdamKernels() {
    }

    static void apply64(AbstractOptimizer o, OptimizerState state, double[] p, double[] g, double clip,
                        double beta1, double beta2, double eps, boolean decoupled) {
        long t = state.step();
        double negStepSize = -(o.lr / AbstractOptimizer.biasCorrection(beta1, t));
        double bc2Sqrt = Math.sqrt(AbstractOptimizer.biasCorrection(beta2, t));
        double l2 = decoupled ? 0.0 : o.weightDecay;
        double decay = decoupled ? 1 - o.lr * o.weightDecay : 1.0;
        double omb1 = 1 - beta1;
        double omb2 = 1 - beta2;
        double[] m = state.slot64(M);
        double[] v = state.slot64(V);
        ShardPlan plan = state.plan();
        ShardRunner.forEachShard(plan, shard -> {
            int to = plan.shardOffset(shard) + plan.shardLength(shard);
            for (int i = plan.shardOffset(shard); i < to; i++) {
                double pi = p[i];
                double gi = g[i] * clip + l2 * pi;
                double mi = beta1 * m[i] + omb1 * gi;
                double vi = beta2 * v[i] + omb2 * gi * gi;
                double denom = Math.sqrt(vi) / bc2Sqrt + eps;
                p[i] = pi * decay + negStepSize * mi / denom;
                m[i] = mi;
                v[i] = vi;
            }
        });
    }

    static void apply32(AbstractOptimizer o, OptimizerState state, float[] p, float[] g, double clip,
                        double beta1, double beta2, double eps, boolean decoupled) {
        long t = state.step();
        float negStepSize = (float) -(o.lr / AbstractOptimizer.biasCorrection(beta1, t));
        float bc2Sqrt = (float) Math.sqrt(AbstractOptimizer.biasCorrection(beta2, t));
        float l2 = (float) (decoupled ? 0.0 : o.weightDecay);
        float decay = (float) (decoupled ? 1 - o.lr * o.weightDecay : 1.0);
        float b1 = (float) beta1, b2 = (float) beta2, e = (float) eps;
        float omb1 = (float) (1 - beta1), omb2 = (float) (1 - beta2), c = (float) clip;
        float[] m = state.slot32(M);
        float[] v = state.slot32(V);
        ShardPlan plan = state.plan();
        ShardRunner.forEachShard(plan, shard -> {
            int to = plan.shardOffset(shard) + plan.shardLength(shard);
            for (int i = plan.shardOffset(shard); i < to; i++) {
                float pi = p[i];
                float gi = g[i] * c + l2 * pi;
                float mi = b1 * m[i] + omb1 * gi;
                float vi = b2 * v[i] + omb2 * gi * gi;
                float denom = (float) Math.sqrt(vi) / bc2Sqrt + e;
                p[i] = pi * decay + negStepSize * mi / denom;
                m[i] = mi;
                v[i] = vi;
            }
        });
    }
}
