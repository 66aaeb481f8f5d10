package org.adanspark.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * The machinery shared by the element-wise optimizers: the screening phase that finds non-finite
 * gradients and sums squares per segment, the combining phase that turns those sums into the global
 * norm, the clip factor and the skip decision, and the per-step scalars each optimizer adds.
 *
 * <p>The screening phase reads a shard's gradient slice once and reports one sum of squares per
 * {@link ShardPlan segment}; {@link #combine} adds them in segment order, so the norm does not depend on
 * the shard count. Only when the gradient is finite does the apply phase, the optimizer's fused kernel,
 * touch parameters and state.
 */
abstract class AbstractOptimizer implements Optimizer {

    /** Index of the per-segment sum of squared gradients in the screening statistics. */
    static final int GRAD_SUM_SQ = 0;

    /** Global gradient-norm clipping, shared by every optimizer. */
    static final Hyperparameter<Double> MAX_GRAD_NORM = Hyperparameter.real("max_grad_norm", 0.0,
            "global gradient-norm clipping: the gradient is scaled by min(max_grad_norm / (‖g‖₂ + eps), 1); 0 = off");
    /** What a step does with a NaN or infinite gradient, shared by every optimizer. */
    static final Hyperparameter<NonFinitePolicy> NON_FINITE = Hyperparameter.choice("non_finite", NonFinitePolicy.FAIL,
            "a NaN/Inf gradient or loss: fail (naming the step) or skip (drop the step, count it)");
    /** The hyperparameters every optimizer has besides its own list, in {@link #hyperparameters()} order. */
    static final List<Hyperparameter<?>> COMMON = List.of(MAX_GRAD_NORM, NON_FINITE);

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

    /** @return the learning rate the builder was given */
    @Override
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

    /** Optimizer-specific hyperparameters, appended after the common ones. */
    abstract void describe(Map<String, Object> into);

    /**
     * The optimizer's scalars for step {@code t} at learning rate {@code lr}, computed once per step in
     * {@link #combine} and read by every shard's apply.
     */
    double[] scalars(long t, double lr) {
        return new double[0];
    }

    /**
     * Checks a step's learning rate; optimizers with a bound that involves it (decoupled decay needs
     * {@code lr·λ < 1}) override this and call it first.
     *
     * @throws IllegalArgumentException naming the value
     */
    void checkLr(double lr) {
        if (!(lr >= 0) || !Double.isFinite(lr)) {
            throw new IllegalArgumentException(name() + ": a step's learning rate must be finite and >= 0, got " + lr);
        }
    }

    @Override
    public final ShardStatistics screen(ShardState shard, float[] grads, int gradsOffset) {
        return screen(shard, gradsOffset, (from, to) -> Kernels.sumOfSquares(grads, from, to),
                (from, to) -> Kernels.firstNonFinite(grads, from, to), at -> grads[at])
                .with(moreStatistics(shard, grads, gradsOffset));
    }

    @Override
    public final ShardStatistics screen(ShardState shard, double[] grads, int gradsOffset) {
        return screen(shard, gradsOffset, (from, to) -> Kernels.sumOfSquares(grads, from, to),
                (from, to) -> Kernels.firstNonFinite(grads, from, to), at -> grads[at])
                .with(moreStatistics(shard, grads, gradsOffset));
    }

    /**
     * Statistics an optimizer screens besides the gradient's sums of squares (Adafactor's row and column
     * sums), reported after them as further kinds; none by default.
     */
    double[][] moreStatistics(ShardState shard, float[] grads, int gradsOffset) {
        return new double[0][];
    }

    /** Float64 twin of {@link #moreStatistics(ShardState, float[], int)}. */
    double[][] moreStatistics(ShardState shard, double[] grads, int gradsOffset) {
        return new double[0][];
    }

    /**
     * The decision's per-tensor values from every shard's screening statistics, for a step that is taken
     * with clip factor {@code clip}; none by default.
     */
    double[] perTensor(ShardPlan plan, ShardStatistics[] stats, long t, double clip) {
        return new double[0];
    }

    /** A function of a range {@code [from, to)} of the gradient array. */
    @FunctionalInterface
    private interface RangeFunction<T> {
        T of(int from, int to);
    }

    /** Phase 1 over either precision: sums of squares per segment; the first non-finite element if any. */
    private static ShardStatistics screen(ShardState shard, int gradsOffset, RangeFunction<Double> sumOfSquares,
                                          RangeFunction<Integer> firstNonFinite, IntToDoubleFunction value) {
        ShardPlan plan = shard.plan();
        int s = shard.shard();
        int first = plan.firstSegment(s);
        int shift = gradsOffset - plan.shardOffset(s);
        double[] sumSq = new double[plan.endSegment(s) - first];
        double shardSum = 0.0;
        for (int k = first; k < plan.endSegment(s); k++) {
            sumSq[k - first] = sumOfSquares.of(plan.segmentStart(k) + shift, plan.segmentEnd(k) + shift);
            shardSum += sumSq[k - first];
        }
        int bad = -1;
        double badValue = Double.NaN;
        if (!Double.isFinite(shardSum)) { // a shard whose sum is finite has no non-finite element
            int at = firstNonFinite.of(gradsOffset, gradsOffset + shard.length());
            if (at >= 0) {
                bad = at - shift;
                badValue = value.applyAsDouble(at);
            }
        }
        return new ShardStatistics(s, shard.step(), new double[][] {sumSq}, bad, badValue);
    }

    /**
     * The global squared norm (per-segment sums added in segment order), the non-finite policy, the clip
     * factor {@code min(maxGradNorm / (‖g‖ + eps), 1)} and the optimizer's {@link #scalars}.
     */
    @Override
    public final StepDecision combine(ShardPlan plan, ShardStatistics[] stats, double lr) {
        checkLr(lr);
        long t = agreedStep(plan, stats) + 1;
        double total = 0.0;
        for (ShardStatistics st : stats) {
            for (double sumSq : st.perSegment(GRAD_SUM_SQ)) {
                total += sumSq;
            }
        }
        if (!Double.isFinite(total)) {
            if (nonFinitePolicy == NonFinitePolicy.SKIP) {
                return StepDecision.skipped(t, lr);
            }
            throw nonFinite(plan, stats, t, total);
        }
        double clip = maxGradNorm > 0 ? Math.min(maxGradNorm / (Math.sqrt(total) + clipEpsilon()), 1.0) : 1.0;
        return new StepDecision(t, lr, false, clip, scalars(t, lr), perTensor(plan, stats, t, clip));
    }

    /**
     * A per-segment statistic summed per tensor: shards in order, each shard's segments in order, so the
     * sums do not depend on the shard count.
     *
     * @param plan the shard plan
     * @param stats every shard's statistics, in shard order
     * @param kind which statistic
     * @return one sum per tensor
     */
    static double[] perTensorSums(ShardPlan plan, ShardStatistics[] stats, int kind) {
        double[] sums = new double[plan.layout().numTensors()];
        for (ShardStatistics st : stats) {
            int first = plan.firstSegment(st.shard());
            double[] values = st.perSegment(kind);
            for (int j = 0; j < values.length; j++) {
                sums[plan.segmentTensor(first + j)] += values[j];
            }
        }
        return sums;
    }

    /** @return the step count every shard reports, checking that they agree and come in shard order */
    static long agreedStep(ShardPlan plan, ShardStatistics[] stats) {
        if (stats.length != plan.numShards()) {
            throw new IllegalArgumentException(stats.length + " shards' statistics for " + plan.numShards() + " shards");
        }
        for (int s = 0; s < stats.length; s++) {
            if (stats[s].shard() != s) {
                throw new IllegalArgumentException("statistics #" + s + " come from shard " + stats[s].shard()
                        + "; combine takes them in shard order");
            }
            if (stats[s].step() != stats[0].step()) {
                throw new IllegalStateException("shard " + s + " is at step " + stats[s].step() + ", shard 0 at "
                        + stats[0].step() + ": the shards' states do not belong to one run");
            }
        }
        return stats[0].step();
    }

    private NonFiniteGradientException nonFinite(ShardPlan plan, ShardStatistics[] stats, long step, double total) {
        ShardStatistics at = null;
        for (ShardStatistics st : stats) {
            if (st.firstNonFinite() >= 0 && (at == null || st.firstNonFinite() < at.firstNonFinite())) {
                at = st;
            }
        }
        if (at == null) {
            return new NonFiniteGradientException(name() + " step " + step + ": the squared gradient norm overflows to "
                    + total + " although every element is finite; scale the loss down", step, -1, total);
        }
        int index = at.firstNonFinite();
        double value = at.firstNonFiniteValue();
        return new NonFiniteGradientException(name() + " step " + step + ": gradient " + plan.layout().describe(index)
                + " is " + value + "; parameters and state are unchanged (set NonFinitePolicy.SKIP to skip such steps)",
                step, index, value);
    }

    /**
     * @param defaultValue the optimizer's default
     * @return its learning rate
     */
    static Hyperparameter<Double> lr(double defaultValue) {
        return Hyperparameter.real(Hyperparameter.LR_KEY, defaultValue,
                "the peak learning rate, > 0; the schedule scales it each step");
    }

    /**
     * @param defaultValue the optimizer's default
     * @param how how the optimizer applies it
     * @return its weight decay coefficient
     */
    static Hyperparameter<Double> weightDecay(double defaultValue, String how) {
        return Hyperparameter.real(Hyperparameter.WEIGHT_DECAY_KEY, defaultValue, "weight decay λ ≥ 0, " + how);
    }

    @Override
    public final Map<String, Object> hyperparameters() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(Hyperparameter.LR_KEY, lr);
        map.put(Hyperparameter.WEIGHT_DECAY_KEY, weightDecay);
        map.put(MAX_GRAD_NORM.key(), maxGradNorm);
        describe(map);
        map.put(NON_FINITE.key(), nonFinitePolicy.name());
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
        double maxGradNorm = MAX_GRAD_NORM.defaultValue();
        NonFinitePolicy nonFinitePolicy = NON_FINITE.defaultValue();

        /**
         * @param lr the optimizer's learning rate, whose default the builder starts from
         * @param weightDecay its weight decay, likewise
         */
        Builder(Hyperparameter<Double> lr, Hyperparameter<Double> weightDecay) {
            this.lr = lr.defaultValue();
            this.weightDecay = weightDecay.defaultValue();
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
