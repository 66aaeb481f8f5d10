package org.adanspark.optim;

import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * The per-shard protocol of {@link Optimizer}, sequenced once for every caller: screen the shards a process
 * owns, exchange the statistics, combine, (prepare, exchange and refine, for optimizers that need a second
 * reduction), apply, record. In one process ({@link #step}) the process owns every shard of an
 * {@link OptimizerState} and the exchange is the identity; an execution that places shards on separate
 * executors supplies an {@link Exchange} that sends each owner's statistics to every other
 * (docs/ARCHITECTURE.md, "One step"). The only place in adan-core that loops over shards.
 */
public final class ShardLoop {

    /**
     * How the statistics of the shards a process owns reach every owner: the one thing a distributed caller
     * supplies. Every owner must receive the same statistics, so every owner makes the same decision.
     */
    public interface Exchange {

        /** The exchange of a process that owns every shard: what it screened is everything. */
        Exchange IN_PROCESS = new Exchange() {
            @Override
            public ShardStatistics[] screened(ShardStatistics[] own) {
                return own;
            }

            @Override
            public ShardStatistics[] prepared(ShardStatistics[] own) {
                return own;
            }
        };

        /**
         * @param own the screening statistics of this process's shards, in their order
         * @return every shard's screening statistics, indexed by shard; or null to skip the step without a
         *     decision (nothing is applied or recorded: the caller has its own reason, a non-finite loss)
         */
        ShardStatistics[] screened(ShardStatistics[] own);

        /**
         * @param own the second round's statistics of this process's shards ({@link Optimizer#prepare})
         * @return every shard's, indexed by shard
         */
        ShardStatistics[] prepared(ShardStatistics[] own);
    }

    /**
     * The shards one process owns, and where its gradient array starts in the flat parameter vector.
     *
     * @param plan the run's shard plan
     * @param shards the owned shards' states, in shard order; their {@link ShardState#offset()} says where
     *     they are in θ
     * @param gradOrigin the flat index of the gradient array's element 0: 0 when it covers every parameter,
     *     the owned run's first index when it holds that run only
     * @param parallel whether to work on the shards in parallel (on a small shared pool) or one after another
     */
    public record Owned(ShardPlan plan, ShardState[] shards, int gradOrigin, boolean parallel) {

        /**
         * @param state all shards in this process
         * @return them, owned here, the gradient covering every parameter, worked on in parallel
         */
        public static Owned all(OptimizerState state) {
            ShardState[] shards = new ShardState[state.numShards()];
            for (int s = 0; s < shards.length; s++) {
                shards[s] = state.shard(s);
            }
            return new Owned(state.plan(), shards, 0, true);
        }

        /** @return the number of owned shards */
        public int count() {
            return shards.length;
        }

        private void forEach(IntConsumer task) {
            if (!parallel) {
                for (int i = 0; i < shards.length; i++) {
                    task.accept(i);
                }
                return;
            }
            ShardRunner.forEach(shards.length, i -> shards[i].length() > 0, task::accept);
            for (int i = 0; i < shards.length; i++) {
                if (shards[i].length() == 0) {
                    task.accept(i); // no elements: no work worth a thread
                }
            }
        }
    }

    private ShardLoop() {
    }

    /**
     * One float32 step of {@code optimizer} at learning rate {@code lr}, every shard in this process.
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
        return !run(optimizer, Owned.all(state), params, grads, lr, Exchange.IN_PROCESS).skip();
    }

    /** Float64 twin of {@link #step(Optimizer, OptimizerState, float[], float[], double)}. */
    public static boolean step(Optimizer optimizer, OptimizerState state, double[] params, double[] grads, double lr) {
        check(optimizer, state, Precision.FLOAT64, params.length, grads.length);
        Owned owned = Owned.all(state);
        ShardState[] shards = owned.shards();
        return !run(optimizer, owned, lr, Exchange.IN_PROCESS,
                i -> optimizer.screen(shards[i], grads, shards[i].offset()),
                (i, d) -> optimizer.prepare(shards[i], params, shards[i].offset(), grads, shards[i].offset(), d),
                (i, d) -> optimizer.apply(shards[i], params, shards[i].offset(), grads, shards[i].offset(), d)).skip();
    }

    /**
     * One float32 step over the shards a process owns: screen them, exchange, combine, [prepare, exchange,
     * refine], apply them to their slices of {@code params}, record.
     *
     * @param optimizer the optimizer that made the shards
     * @param owned the shards this process owns
     * @param params all parameters; the owned shards' slices are updated in place
     * @param grads the mean gradient from flat index {@code owned.gradOrigin()} on, covering the owned shards
     *     (may be null when this process owns no elements)
     * @param lr this step's learning rate
     * @param exchange how the statistics reach every owner
     * @return the step's decision (skipped or applied); null when the exchange skipped the step before the
     *     decision, in which case nothing was applied or recorded
     * @throws NonFiniteGradientException for a non-finite gradient under {@link NonFinitePolicy#FAIL};
     *     parameters and state are then unchanged
     */
    public static StepDecision run(Optimizer optimizer, Owned owned, float[] params, float[] grads, double lr,
                                   Exchange exchange) {
        ShardState[] shards = owned.shards();
        int g = owned.gradOrigin();
        return run(optimizer, owned, lr, exchange,
                i -> optimizer.screen(shards[i], grads, shards[i].offset() - g),
                (i, d) -> optimizer.prepare(shards[i], params, shards[i].offset(), grads, shards[i].offset() - g, d),
                (i, d) -> optimizer.apply(shards[i], params, shards[i].offset(), grads, shards[i].offset() - g, d));
    }

    /** The phases, whatever the precision: each phase's work on the i-th owned shard is given. */
    private static StepDecision run(Optimizer optimizer, Owned owned, double lr, Exchange exchange,
                                    IntFunction<ShardStatistics> screen,
                                    BiFunction<Integer, StepDecision, ShardStatistics> prepare,
                                    BiConsumer<Integer, StepDecision> apply) {
        ShardPlan plan = owned.plan();
        ShardStatistics[] screened = new ShardStatistics[owned.count()];
        owned.forEach(i -> screened[i] = screen.apply(i));
        ShardStatistics[] all = exchange.screened(screened);
        if (all == null) {
            return null;
        }
        StepDecision decision = optimizer.combine(plan, all, lr);
        if (!decision.skip()) {
            if (optimizer.refines()) {
                StepDecision first = decision;
                ShardStatistics[] prepared = new ShardStatistics[owned.count()];
                owned.forEach(i -> prepared[i] = prepare.apply(i, first));
                decision = optimizer.refine(plan, first, exchange.prepared(prepared));
            }
            StepDecision d = decision;
            owned.forEach(i -> apply.accept(i, d));
        }
        for (ShardState shard : owned.shards()) {
            shard.record(decision);
        }
        return decision;
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
