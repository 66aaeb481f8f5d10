package org.adanspark.optim;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.IntFunction;

/**
 * The per-shard protocol of {@link Optimizer} run over every shard of an {@link OptimizerState} in one
 * process: screen all shards in parallel, combine, (prepare and refine, for optimizers that need a second
 * reduction), apply all shards in parallel, record. The only place in adan-core that loops over shards;
 * an execution that places shards on separate executors runs the same phases with the statistics
 * exchanged between them (docs/ARCHITECTURE.md).
 */
public final class ShardLoop {

    private ShardLoop() {
    }

    /**
     * One float32 step of {@code optimizer} at learning rate {@code lr}.
     *
     * @param optimizer the optimizer that made {@code state}
     * @param state its state, {@link Precision#FLOAT32}
     * @param params parameters, updated in place
     * @param grads gradients, not modified
     * @param lr this step's learning rate
     * @return true when the step was applied, false when it was skipped
     * @throws NonFiniteGradientException for a non-finite gradient under {@link NonFinitePolicy#FAIL};
     *     parameters and state are then unchanged
     */
    public static boolean step(Optimizer optimizer, OptimizerState state, float[] params, float[] grads, double lr) {
        check(optimizer, state, Precision.FLOAT32, params.length, grads.length);
        ShardPlan plan = state.plan();
        return run(optimizer, state, lr,
                s -> optimizer.screen(state.shard(s), grads, plan.shardOffset(s)),
                (s, d) -> optimizer.prepare(state.shard(s), params, plan.shardOffset(s), grads, plan.shardOffset(s), d),
                (s, d) -> optimizer.apply(state.shard(s), params, plan.shardOffset(s), grads, plan.shardOffset(s), d));
    }

    /** Float64 twin of {@link #step(Optimizer, OptimizerState, float[], float[], double)}. */
    public static boolean step(Optimizer optimizer, OptimizerState state, double[] params, double[] grads, double lr) {
        check(optimizer, state, Precision.FLOAT64, params.length, grads.length);
        ShardPlan plan = state.plan();
        return run(optimizer, state, lr,
                s -> optimizer.screen(state.shard(s), grads, plan.shardOffset(s)),
                (s, d) -> optimizer.prepare(state.shard(s), params, plan.shardOffset(s), grads, plan.shardOffset(s), d),
                (s, d) -> optimizer.apply(state.shard(s), params, plan.shardOffset(s), grads, plan.shardOffset(s), d));
    }

    /** The phases over every shard, whatever the precision: each phase's per-shard work is given. */
    private static boolean run(Optimizer optimizer, OptimizerState state, double lr, IntFunction<ShardStatistics> screen,
                               BiFunction<Integer, StepDecision, ShardStatistics> prepare,
                               BiConsumer<Integer, StepDecision> apply) {
        ShardPlan plan = state.plan();
        ShardStatistics[] stats = new ShardStatistics[plan.numShards()];
        forEachShard(plan, s -> stats[s] = screen.apply(s));
        StepDecision decision = optimizer.combine(plan, stats, lr);
        if (!decision.skip()) {
            if (optimizer.refines()) {
                StepDecision first = decision;
                ShardStatistics[] second = new ShardStatistics[plan.numShards()];
                forEachShard(plan, s -> second[s] = prepare.apply(s, first));
                decision = optimizer.refine(plan, first, second);
            }
            StepDecision d = decision;
            forEachShard(plan, s -> apply.accept(s, d));
        }
        record(state, decision);
        return !decision.skip();
    }

    private static void record(OptimizerState state, StepDecision decision) {
        for (int s = 0; s < state.numShards(); s++) {
            state.shard(s).record(decision);
        }
    }

    /** Runs {@code task} for every shard: non-empty ones in parallel, empty ones (no work) here. */
    private static void forEachShard(ShardPlan plan, ShardRunner.ShardTask task) {
        ShardRunner.forEachShard(plan, task);
        for (int s = 0; s < plan.numShards(); s++) {
            if (plan.shardLength(s) == 0) {
                task.run(s);
            }
        }
    }

    private static void check(Optimizer optimizer, OptimizerState state, Precision precision, int paramsLength,
                              int gradsLength) {
        state.checkOwner(optimizer.name());
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
}
