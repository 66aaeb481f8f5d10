package org.adanspark.optim;

/**
 * The base of the decorators that add a slot and work after the inner optimizer's update
 * ({@link Lookahead}, {@link ModelEma}): screening, combining, refining and the learning rate are the
 * inner optimizer's, and the added slot sits after the inner optimizer's slots, so the inner kernel finds
 * its own where it expects them.
 */
abstract class DelegatingOptimizer implements Optimizer {

    final Optimizer inner;
    /** The index of the decorator's own slot in the state: after every slot of the inner optimizer. */
    final int slot;

    DelegatingOptimizer(Optimizer inner) {
        this.inner = inner;
        this.slot = inner.slotNames().size();
    }

    /** The inner optimizer's slot spaces, then the decorator's own slot: one value per parameter. */
    @Override
    public java.util.List<SlotSpace> slotSpaces(ParamLayout layout) {
        java.util.List<SlotSpace> all = new java.util.ArrayList<>(inner.slotSpaces(layout));
        all.add(SlotSpace.full(layout));
        return java.util.Collections.unmodifiableList(all);
    }

    /** @return the inner optimizer's learning rate */
    @Override
    public double lr() {
        return inner.lr();
    }

    @Override
    public ShardStatistics screen(ShardState shard, float[] grads, int gradsOffset) {
        return inner.screen(shard, grads, gradsOffset);
    }

    @Override
    public ShardStatistics screen(ShardState shard, double[] grads, int gradsOffset) {
        return inner.screen(shard, grads, gradsOffset);
    }

    @Override
    public StepDecision combine(ShardPlan plan, ShardStatistics[] stats, double lr) {
        return inner.combine(plan, stats, lr);
    }

    @Override
    public boolean refines() {
        return inner.refines();
    }

    @Override
    public ShardStatistics prepare(ShardState shard, float[] params, int paramsOffset, float[] grads, int gradsOffset,
                                   StepDecision decision) {
        return inner.prepare(shard, params, paramsOffset, grads, gradsOffset, decision);
    }

    @Override
    public ShardStatistics prepare(ShardState shard, double[] params, int paramsOffset, double[] grads, int gradsOffset,
                                   StepDecision decision) {
        return inner.prepare(shard, params, paramsOffset, grads, gradsOffset, decision);
    }

    @Override
    public StepDecision refine(ShardPlan plan, StepDecision decision, ShardStatistics[] stats) {
        return inner.refine(plan, decision, stats);
    }
}
