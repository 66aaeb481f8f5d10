package org.adanspark.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machinery shared by the element-wise optimizers: argument checks, the screening pass that finds
 * non-finite gradients and the global gradient norm, clipping, and the step counter.
 *
 * <p>A step runs in two parallel passes over the shards. The screening pass reads the gradient once and
 * writes one sum of squares per {@link ShardPlan segment}; the sums are added in segment order, so the
 * norm does not depend on the shard count. Only when the gradient is finite does the apply pass, the
 * optimizer's fused kernel, touch parameters and state.
 */
abstract class AbstractOptimizer implements Optimizer {

    /** Index of the per-segment sum of squared gradients in {@link OptimizerState#segmentStats(int)}. */
    static final int GRAD_SUM_SQ = 0;

    final double lr;
    final double weightDecay;
    final double maxGradNorm;
    final NonFinitePolicy nonFinitePolicy;

    AbstractOptimizer(Builder<?, ?> b) {
        this.lr = b.lr;
        this.weightDecay = b.weightDecay;
        this.maxGradNorm = b.maxGradNorm;
        this.nonFinitePolicy = b.nonFinitePolicy;
    }

    /** @return the learning rate */
    public double lr() {
        return lr;
    }

    /** @return the weight decay coefficient */
    public double weightDecay() {
        return weightDecay;
    }

    /** @return the global gradient-norm bound, 0 when clipping is off */
    public double maxGradNorm() {
        return maxGradNorm;
    }

    /** @return what a step does with a non-finite gradient */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /** The epsilon added to the global norm in the clip factor {@code maxGradNorm / (‖g‖ + eps)}. */
    double clipEpsilon() {
        return 1e-6;
    }

    /** Per-segment statistics slots the optimizer needs; the first is always the gradient sum of squares. */
    int segmentStatCount() {
        return 1;
    }

    /** Optimizer-specific hyperparameters, appended after the common ones. */
    abstract void describe(Map<String, Object> into);

    abstract void apply64(OptimizerState state, double[] params, double[] grads, double clip);

    abstract void apply32(OptimizerState state, float[] params, float[] grads, double clip);

    @Override
    public final OptimizerState init(ParamLayout layout, Precision precision, int shards) {
        return newState(name(), List.of(), layout, precision, shards);
    }

    /** State named {@code owner} with this optimizer's slots followed by {@code extraSlots} (for wrappers). */
    final OptimizerState newState(String owner, List<String> extraSlots, ParamLayout layout, Precision precision,
                                  int shards) {
        List<String> all = new java.util.ArrayList<>(slotNames());
        all.addAll(extraSlots);
        return new OptimizerState(owner, new ShardPlan(layout, shards), precision, all, segmentStatCount());
    }

    @Override
    public final void step(OptimizerState state, double[] params, double[] grads) {
        checkOwner(state);
        advance(state, params, grads);
    }

    @Override
    public final void step(OptimizerState state, float[] params, float[] grads) {
        checkOwner(state);
        advance(state, params, grads);
    }

    /** Checks the arrays, screens the gradient and applies the step; false when the step was skipped. */
    final boolean advance(OptimizerState state, double[] params, double[] grads) {
        checkArrays(state, Precision.FLOAT64, params.length, grads.length);
        double clip = screen(state, grads, null);
        if (Double.isNaN(clip)) {
            return false;
        }
        state.incrementStep();
        apply64(state, params, grads, clip);
        return true;
    }

    /** Float32 twin of {@link #advance(OptimizerState, double[], double[])}. */
    final boolean advance(OptimizerState state, float[] params, float[] grads) {
        checkArrays(state, Precision.FLOAT32, params.length, grads.length);
        double clip = screen(state, null, grads);
        if (Double.isNaN(clip)) {
            return false;
        }
        state.incrementStep();
        apply32(state, params, grads, clip);
        return true;
    }

    @Override
    public void restart(OptimizerState state) {
        checkOwner(state);
        state.zeroSlotsAndStep();
    }

    @Override
    public final Map<String, Object> hyperparameters() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("lr", lr);
        map.put("weight_decay", weightDecay);
        map.put("max_grad_norm", maxGradNorm);
        describe(map);
        map.put("non_finite", nonFinitePolicy.name());
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('(');
        boolean first = true;
        for (Map.Entry<String, Object> e : hyperparameters().entrySet()) {
            sb.append(first ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
            first = false;
        }
        return sb.append(')').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && hyperparameters().equals(((Optimizer) o).hyperparameters());
    }

    @Override
    public int hashCode() {
        return getClass().hashCode() * 31 + hyperparameters().hashCode();
    }

    final void checkOwner(OptimizerState state) {
        if (!state.optimizerName().equals(name())) {
            throw new IllegalArgumentException("state was made by '" + state.optimizerName() + "', not by '" + name() + "'");
        }
        state.ensureCurrent();
    }

    static void checkArrays(OptimizerState state, Precision precision, int paramsLength, int gradsLength) {
        state.ensureCurrent();
        if (state.precision() != precision) {
            throw new IllegalArgumentException("state is " + state.precision() + " but step was called with "
                    + precision + " arrays; init the state with Precision." + precision);
        }
        int n = state.layout().totalLength();
        if (paramsLength != n) {
            throw new IllegalArgumentException("params has length " + paramsLength + ", layout expects " + n);
        }
        if (gradsLength != n) {
            throw new IllegalArgumentException("grads has length " + gradsLength + ", layout expects " + n);
        }
    }

    /**
     * The screening pass: per-segment sums of squares, the non-finite check, and the clip factor.
     *
     * @return the clip factor in (0, 1], or NaN when the step is to be skipped
     */
    private double screen(OptimizerState state, double[] g64, float[] g32) {
        ShardPlan plan = state.plan();
        double[] sumSq = state.segmentStats(GRAD_SUM_SQ);
        ShardRunner.forEachShard(plan, shard -> {
            for (int k = plan.firstSegment(shard); k < plan.endSegment(shard); k++) {
                sumSq[k] = g64 != null
                        ? Kernels.sumOfSquares(g64, plan.segmentStart(k), plan.segmentEnd(k))
                        : Kernels.sumOfSquares(g32, plan.segmentStart(k), plan.segmentEnd(k));
            }
        });
        double total = 0.0;
        for (double s : sumSq) {
            total += s;
        }
        if (!Double.isFinite(total)) {
            return refuse(state, total, g64 != null ? Kernels.firstNonFinite(g64) : Kernels.firstNonFinite(g32), g64, g32);
        }
        if (maxGradNorm > 0) {
            return Math.min(maxGradNorm / (Math.sqrt(total) + clipEpsilon()), 1.0);
        }
        return 1.0;
    }

    private double refuse(OptimizerState state, double total, int index, double[] g64, float[] g32) {
        if (nonFinitePolicy == NonFinitePolicy.SKIP) {
            state.countSkippedStep();
            return Double.NaN;
        }
        long step = state.step() + 1;
        if (index < 0) {
            throw new NonFiniteGradientException(name() + " step " + step + ": the squared gradient norm overflows to "
                    + total + " although every element is finite; scale the loss down", step, -1, total);
        }
        double value = g64 != null ? g64[index] : g32[index];
        throw new NonFiniteGradientException(name() + " step " + step + ": gradient " + state.layout().describe(index)
                + " is " + value + "; parameters and state are unchanged (set NonFinitePolicy.SKIP to skip such steps)",
                step, index, value);
    }

    /**
     * 1 - beta^t, the bias correction of a moment with decay beta after t steps. {@code Math.pow} is
     * HotSpot's intrinsic, which agrees with the C library's {@code pow} that the Python reference calls;
     * fdlibm's {@code StrictMath.pow} differs from it by an ulp at some t.
     */
    static double biasCorrection(double beta, long t) {
        return 1.0 - Math.pow(beta, (double) t);
    }

    /**
     * The settings every optimizer shares: learning rate, weight decay, global gradient-norm clipping and
     * the non-finite policy. Subclasses add their own and validate everything in {@code build()}.
     *
     * @param <B> the concrete builder, for chaining
     * @param <O> the optimizer it builds
     */
    public abstract static class Builder<B extends Builder<B, O>, O extends Optimizer> {
        double lr;
        double weightDecay;
        double maxGradNorm;
        NonFinitePolicy nonFinitePolicy = NonFinitePolicy.FAIL;

        Builder(double lr, double weightDecay) {
            this.lr = lr;
            this.weightDecay = weightDecay;
        }

        @SuppressWarnings("unchecked")
        final B self() {
            return (B) this;
        }

        /**
         * @param lr learning rate, &gt; 0
         * @return this builder
         */
        public B lr(double lr) {
            this.lr = lr;
            return self();
        }

        /**
         * @param weightDecay weight decay coefficient, &ge; 0
         * @return this builder
         */
        public B weightDecay(double weightDecay) {
            this.weightDecay = weightDecay;
            return self();
        }

        /**
         * Global gradient-norm clipping over every tensor: the gradient is scaled by
         * {@code min(maxGradNorm / (‖g‖₂ + eps), 1)}.
         *
         * @param maxGradNorm the bound, &ge; 0; 0 turns clipping off
         * @return this builder
         */
        public B maxGradNorm(double maxGradNorm) {
            this.maxGradNorm = maxGradNorm;
            return self();
        }

        /**
         * @param policy what a step does with a NaN or infinite gradient
         * @return this builder
         */
        public B nonFinitePolicy(NonFinitePolicy policy) {
            this.nonFinitePolicy = java.util.Objects.requireNonNull(policy, "nonFinitePolicy");
            return self();
        }

        /** Validates the shared settings; subclasses call this first in {@code build()}. */
        void validateCommon() {
            Hyperparameters.positive("lr", lr);
            Hyperparameters.nonNegative("weightDecay", weightDecay);
            Hyperparameters.nonNegative("maxGradNorm", maxGradNorm);
        }

        /**
         * Validates every setting and builds the optimizer.
         *
         * @return the immutable optimizer
         * @throws IllegalArgumentException naming the first invalid setting and its value
         */
        public abstract O build();
    }

    /** Unmodifiable list helper for slot names. */
    static List<String> slots(String... names) {
        return List.of(names);
    }
}
