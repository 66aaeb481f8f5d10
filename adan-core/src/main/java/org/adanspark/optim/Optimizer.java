package org.adanspark.optim;

import java.util.List;
import java.util.Map;

/**
 * A first-order optimizer over a flat parameter vector, with its state kept apart in an
 * {@link OptimizerState} (all shards, in one process) or in {@link ShardState}s (one shard each).
 *
 * <p>Every step is the three-phase per-shard protocol of docs/ARCHITECTURE.md ("The optimizer step, one
 * shard at a time"), so the same kernels serve one process and executors that each own one shard:
 * <ol>
 *   <li>{@link #screen} — each shard reports statistics of its gradient slice, per fixed segment;</li>
 *   <li>{@link #combine} — every owner turns all shards' statistics into the same {@link StepDecision}
 *       (step, learning rate, skip, clip factor, the optimizer's scalars);</li>
 *   <li>{@link #apply} — each shard updates its own parameter slice and state in place.</li>
 * </ol>
 * An optimizer whose update needs a second global reduction after its moments move (LAMB's per-tensor
 * trust ratios, which depend on the clipped gradient) says so with {@link #refines()}; the owners then
 * run {@link #prepare} and {@link #refine} between {@code combine} and {@code apply}. {@link ShardLoop}
 * runs the protocol over the shards of an {@link OptimizerState} in one process; {@link #step} is that
 * loop at the builder's learning rate.
 *
 * <p>Implementations are immutable and thread-safe; their states are not. A step updates the parameters
 * in place, reads the gradients without modifying them, and either applies completely or (for a
 * non-finite gradient) not at all.
 */
public interface Optimizer {

    /** @return the short name used in configuration, checkpoints and logs, e.g. {@code "adan"} */
    String name();

    /** @return the names of the per-parameter state slots, in storage order */
    List<String> slotNames();

    /**
     * The hyperparameters, in a stable order, with the values a checkpoint records and a builder accepts.
     *
     * @return an unmodifiable ordered map of name to {@link Double}, {@link Integer}, {@link Boolean} or
     *     {@link String}
     */
    Map<String, Object> hyperparameters();

    /**
     * Creates zeroed state for {@code layout} in one shard.
     *
     * @param layout parameter layout
     * @param precision precision of the arrays the state will be stepped with
     * @return new state, step 0
     */
    default OptimizerState init(ParamLayout layout, Precision precision) {
        return init(layout, precision, 1);
    }

    /**
     * Creates zeroed state for {@code layout} cut into {@code shards} shards that step in parallel. Any shard
     * count gives bit-identical results.
     *
     * @param layout parameter layout
     * @param precision precision of the arrays the state will be stepped with
     * @param shards number of shards, at least 1
     * @return new state, step 0
     */
    default OptimizerState init(ParamLayout layout, Precision precision, int shards) {
        ShardPlan plan = new ShardPlan(layout, shards);
        List<SlotSpace> spaces = slotSpaces(layout);
        ShardState[] states = ShardState.allShards(name(), plan, precision, slotNames(), spaces);
        return new OptimizerState(name(), plan, precision, slotNames(), spaces, states);
    }

    /**
     * Where each slot's values live: one per parameter unless the optimizer keeps fewer (Adafactor's
     * factored second moments).
     *
     * @param layout the parameters
     * @return one space per slot, in storage order
     */
    default List<SlotSpace> slotSpaces(ParamLayout layout) {
        return java.util.Collections.nCopies(slotNames().size(), SlotSpace.full(layout));
    }

    /**
     * One float64 step at the builder's learning rate: updates {@code params} in place from {@code grads}
     * ({@link ShardLoop#step(Optimizer, OptimizerState, double[], double[], double)}).
     *
     * @param state state made by this optimizer with {@link Precision#FLOAT64}
     * @param params parameters, length {@code layout.totalLength()}; updated in place
     * @param grads gradients, same length; not modified
     * @throws NonFiniteGradientException if a gradient is not finite and the policy is {@link NonFinitePolicy#FAIL}
     */
    default void step(OptimizerState state, double[] params, double[] grads) {
        ShardLoop.step(this, state, params, grads, lr());
    }

    /**
     * One float32 step at the builder's learning rate: updates {@code params} in place from {@code grads}.
     *
     * @param state state made by this optimizer with {@link Precision#FLOAT32}
     * @param params parameters, length {@code layout.totalLength()}; updated in place
     * @param grads gradients, same length; not modified
     * @throws NonFiniteGradientException if a gradient is not finite and the policy is {@link NonFinitePolicy#FAIL}
     */
    default void step(OptimizerState state, float[] params, float[] grads) {
        ShardLoop.step(this, state, params, grads, lr());
    }

    /** @return the learning rate the builder was given: the one {@link #step} uses */
    double lr();

    /**
     * Creates zeroed state of one shard, for an owner that holds only that shard.
     *
     * @param plan the shard plan every owner of the run uses
     * @param shard which shard
     * @param precision precision of the arrays the shard will be stepped with
     * @return new state of that shard, step 0
     */
    default ShardState initShard(ShardPlan plan, int shard, Precision precision) {
        return new ShardState(name(), plan, shard, precision, slotNames(), slotSpaces(plan.layout()));
    }

    /**
     * Phase 1: the shard's statistics of its gradient slice, per segment.
     *
     * @param shard the shard's state
     * @param grads gradients; the shard's slice starts at {@code gradsOffset}
     * @param gradsOffset where element 0 of the shard's slice is in {@code grads}
     * @return the statistics to combine
     */
    ShardStatistics screen(ShardState shard, float[] grads, int gradsOffset);

    /** Float64 twin of {@link #screen(ShardState, float[], int)}. */
    ShardStatistics screen(ShardState shard, double[] grads, int gradsOffset);

    /**
     * Phase 2: the step's decision from every shard's statistics, the same wherever it is computed.
     *
     * @param plan the shard plan
     * @param stats one per shard, in shard order
     * @param lr this step's learning rate, finite and &ge; 0
     * @return the decision
     * @throws NonFiniteGradientException for a non-finite gradient under {@link NonFinitePolicy#FAIL}
     * @throws IllegalArgumentException when {@code lr} is not a learning rate this optimizer can use
     */
    StepDecision combine(ShardPlan plan, ShardStatistics[] stats, double lr);

    /** @return true when {@link #prepare} and {@link #refine} run between combine and apply */
    default boolean refines() {
        return false;
    }

    /**
     * Phase 3a, for optimizers that {@link #refines()}: the shard's part of the update that the second
     * reduction depends on, and its statistics.
     *
     * @param shard the shard's state
     * @param params parameters (not yet changed); the shard's slice starts at {@code paramsOffset}
     * @param paramsOffset where element 0 of the shard's slice is in {@code params}
     * @param grads gradients, not modified; the shard's slice starts at {@code gradsOffset}
     * @param gradsOffset where element 0 of the shard's slice is in {@code grads}
     * @param decision the step's decision from {@link #combine}
     * @return the shard's statistics for {@link #refine}
     */
    default ShardStatistics prepare(ShardState shard, float[] params, int paramsOffset, float[] grads, int gradsOffset,
                                    StepDecision decision) {
        throw new UnsupportedOperationException(name() + " has no second round");
    }

    /** Float64 twin of {@link #prepare(ShardState, float[], int, float[], int, StepDecision)}. */
    default ShardStatistics prepare(ShardState shard, double[] params, int paramsOffset, double[] grads,
                                    int gradsOffset, StepDecision decision) {
        throw new UnsupportedOperationException(name() + " has no second round");
    }

    /**
     * Phase 3b, for optimizers that {@link #refines()}: the decision completed from the second round.
     *
     * @param plan the shard plan
     * @param decision the step's decision from {@link #combine}
     * @param stats every shard's {@link #prepare} statistics, in shard order
     * @return the decision {@link #apply} uses
     */
    default StepDecision refine(ShardPlan plan, StepDecision decision, ShardStatistics[] stats) {
        return decision;
    }

    /**
     * Phase 3: updates the shard's parameter slice and its state in place. The caller then records the
     * step with {@link ShardState#record}.
     *
     * @param shard the shard's state
     * @param params parameters; the shard's slice starts at {@code paramsOffset}
     * @param paramsOffset where element 0 of the shard's slice is in {@code params}
     * @param grads gradients, not modified; the shard's slice starts at {@code gradsOffset}
     * @param gradsOffset where element 0 of the shard's slice is in {@code grads}
     * @param decision the step's decision, not a skip
     */
    void apply(ShardState shard, float[] params, int paramsOffset, float[] grads, int gradsOffset, StepDecision decision);

    /** Float64 twin of {@link #apply(ShardState, float[], int, float[], int, StepDecision)}. */
    void apply(ShardState shard, double[] params, int paramsOffset, double[] grads, int gradsOffset,
               StepDecision decision);

    /**
     * Restarts the optimizer: zeroes every slot and the step counter, so the next step is a first step
     * again (Adan's restart strategy, paper §4).
     *
     * @param state state made by this optimizer
     */
    default void restart(OptimizerState state) {
        state.checkOwner(name());
        state.zeroSlotsAndStep();
    }
}
