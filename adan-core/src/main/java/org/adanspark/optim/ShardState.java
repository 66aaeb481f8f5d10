package org.adanspark.optim;

import java.util.Arrays;
import java.util.List;

/**
 * One shard's optimizer state: its slice {@code [offset, offset + length)} of every slot, indexed from 0,
 * and its copy of the step counters. A slot that holds fewer values than parameters (a {@link SlotSpace}
 * that is not full) has the run of its values anchored in that slice: {@link #slotOffset} and
 * {@link #slotLength} say which. This is all the state the owner of a shard needs for the per-shard
 * protocol of {@link Optimizer} (docs/ARCHITECTURE.md, "The optimizer step, one shard at a time"): a
 * Spark task that owns shard {@code r} holds this object and nothing of the other shards.
 *
 * <p>Every shard of one run sees the same decisions, so the counters of all shards agree; each shard
 * keeps its own so that it can be saved and restored on its own ({@link org.adanspark.io.OptimizerCheckpoint}
 * writes one shard file per shard state). Not thread-safe: one phase at a time.
 */
public final class ShardState {

    private final String optimizerName;
    private final ShardPlan plan;
    private final int shard;
    private final Precision precision;
    private final List<String> slotNames;
    private final int[] slotOffsets;
    private final double[][] slots64;
    private final float[][] slots32;
    private long step;
    private long skippedSteps;

    /**
     * Zeroed state of shard {@code shard} of {@code plan}.
     *
     * @param optimizerName the name of the optimizer that owns the state
     * @param plan how the parameters are cut into shards and segments
     * @param shard which shard, in {@code [0, plan.numShards())}
     * @param precision the precision of the arrays the shard is stepped with
     * @param slotNames the slots, in storage order, each with one value per parameter
     */
    public ShardState(String optimizerName, ShardPlan plan, int shard, Precision precision, List<String> slotNames) {
        this(optimizerName, plan, shard, precision, slotNames, null);
    }

    /**
     * Zeroed state of shard {@code shard} of {@code plan}, with each slot in its own space.
     *
     * @param optimizerName the name of the optimizer that owns the state
     * @param plan how the parameters are cut into shards and segments
     * @param shard which shard, in {@code [0, plan.numShards())}
     * @param precision the precision of the arrays the shard is stepped with
     * @param slotNames the slots, in storage order
     * @param spaces each slot's space, in storage order; null when every slot is full
     */
    public ShardState(String optimizerName, ShardPlan plan, int shard, Precision precision, List<String> slotNames,
                      List<SlotSpace> spaces) {
        if (shard < 0 || shard >= plan.numShards()) {
            throw new IllegalArgumentException("shard " + shard + " is outside [0, " + plan.numShards() + ")");
        }
        this.optimizerName = optimizerName;
        this.plan = plan;
        this.shard = shard;
        this.precision = precision;
        this.slotNames = List.copyOf(slotNames);
        if (spaces != null && spaces.size() != slotNames.size()) {
            throw new IllegalArgumentException(spaces.size() + " slot spaces for " + slotNames.size() + " slots");
        }
        int from = plan.shardOffset(shard);
        int to = from + plan.shardLength(shard);
        int slots = slotNames.size();
        this.slotOffsets = new int[slots];
        int[] lengths = new int[slots];
        for (int i = 0; i < slots; i++) {
            SlotSpace space = spaces == null ? null : spaces.get(i);
            slotOffsets[i] = space == null ? from : space.before(from);
            lengths[i] = space == null ? to - from : space.before(to) - slotOffsets[i];
        }
        if (precision == Precision.FLOAT64) {
            slots64 = new double[slots][];
            for (int i = 0; i < slots; i++) {
                slots64[i] = new double[lengths[i]];
            }
            slots32 = null;
        } else {
            slots32 = new float[slots][];
            for (int i = 0; i < slots; i++) {
                slots32[i] = new float[lengths[i]];
            }
            slots64 = null;
        }
    }

    /**
     * @param slot the slot's index in storage order
     * @return the position in the slot of this shard's first value of it (the flat offset for a full slot)
     */
    public int slotOffset(int slot) {
        return slotOffsets[slot];
    }

    /**
     * @param slot the slot's index in storage order
     * @return how many of the slot's values this shard holds ({@link #length()} for a full slot)
     */
    public int slotLength(int slot) {
        return slots64 != null ? slots64[slot].length : slots32[slot].length;
    }

    /** @return the name of the optimizer that owns this state */
    public String optimizerName() {
        return optimizerName;
    }

    /** @return the plan the shard belongs to */
    public ShardPlan plan() {
        return plan;
    }

    /** @return this shard's index */
    public int shard() {
        return shard;
    }

    /** @return where the shard's slice starts in the flat parameter vector */
    public int offset() {
        return plan.shardOffset(shard);
    }

    /** @return the number of parameters in the shard's slice */
    public int length() {
        return plan.shardLength(shard);
    }

    /** @return the precision of the slots */
    public Precision precision() {
        return precision;
    }

    /** @return the slot names, in storage order */
    public List<String> slotNames() {
        return slotNames;
    }

    /** @return optimizer steps applied so far (skipped steps not counted) */
    public long step() {
        return step;
    }

    /** @return steps skipped for a non-finite gradient */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * Sets both counters, as a restored checkpoint records them.
     *
     * @param step steps applied, &ge; 0
     * @param skippedSteps steps skipped, &ge; 0
     */
    public void setCounters(long step, long skippedSteps) {
        if (step < 0 || skippedSteps < 0) {
            throw new IllegalArgumentException("counters must be >= 0, got step=" + step + ", skippedSteps=" + skippedSteps);
        }
        this.step = step;
        this.skippedSteps = skippedSteps;
    }

    /**
     * Records the outcome of a step for this shard: the step count advances to the decision's step, or,
     * for a skipped step, the skipped count grows. Called by whoever runs the protocol, after
     * {@link Optimizer#apply} (or instead of it when the decision is to skip).
     *
     * @param decision the step's decision
     * @throws IllegalStateException when the decision is not for this shard's next step
     */
    public void record(StepDecision decision) {
        if (decision.step() != step + 1) {
            throw new IllegalStateException("shard " + shard + " of " + optimizerName + " is at step " + step
                    + "; a decision for step " + decision.step() + " cannot be recorded");
        }
        if (decision.skip()) {
            skippedSteps++;
        } else {
            step = decision.step();
        }
    }

    /**
     * @param name a slot name
     * @return the slot's live float64 slice, indexed from 0
     */
    public double[] slot64(String name) {
        if (slots64 == null) {
            throw new IllegalStateException("state of " + optimizerName + " is " + precision + ", not FLOAT64");
        }
        return slots64[slotIndex(name)];
    }

    /**
     * @param name a slot name
     * @return the slot's live float32 slice, indexed from 0
     */
    public float[] slot32(String name) {
        if (slots32 == null) {
            throw new IllegalStateException("state of " + optimizerName + " is " + precision + ", not FLOAT32");
        }
        return slots32[slotIndex(name)];
    }

    /** @return the float64 slice of slot {@code index} (storage order) */
    double[] slot64(int index) {
        return slots64[index];
    }

    /** @return the float32 slice of slot {@code index} (storage order) */
    float[] slot32(int index) {
        return slots32[index];
    }

    /**
     * Copies the part of {@code n} float64 values for slot positions {@code [from, from + n)} (flat
     * positions for a full slot) that this shard holds into slot {@code slot} (a checkpoint saved with
     * another shard count is read so).
     *
     * @param slot the slot's index in storage order
     * @param from the slot position of {@code values[0]}
     * @param values the values
     * @param n how many
     */
    public void scatter(int slot, int from, double[] values, int n) {
        int lo = Math.max(from, slotOffsets[slot]);
        int hi = Math.min(from + n, slotOffsets[slot] + slots64[slot].length);
        if (lo < hi) {
            System.arraycopy(values, lo - from, slots64[slot], lo - slotOffsets[slot], hi - lo);
        }
    }

    /** Float32 twin of {@link #scatter(int, int, double[], int)}. */
    public void scatter(int slot, int from, float[] values, int n) {
        int lo = Math.max(from, slotOffsets[slot]);
        int hi = Math.min(from + n, slotOffsets[slot] + slots32[slot].length);
        if (lo < hi) {
            System.arraycopy(values, lo - from, slots32[slot], lo - slotOffsets[slot], hi - lo);
        }
    }

    private int slotIndex(String name) {
        int i = slotNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no slot '" + name + "' in state of " + optimizerName + "; slots are " + slotNames);
        }
        return i;
    }

    /** Zeroes every slot and the step counter (the skipped count stays). */
    void zeroSlotsAndStep() {
        for (int i = 0; i < slotNames.size(); i++) {
            if (slots64 != null) {
                Arrays.fill(slots64[i], 0.0);
            } else {
                Arrays.fill(slots32[i], 0.0f);
            }
        }
        step = 0;
    }

    @Override
    public String toString() {
        return "ShardState[" + optimizerName + ", shard " + shard + " of " + plan.numShards() + ", ["
                + offset() + ", " + (offset() + length()) + "), " + precision + ", step=" + step + "]";
    }
}
