package org.adanspark.optim;

import java.util.List;

/**
 * The mutable state of one optimizer over one {@link ParamLayout}: a step counter and one flat buffer per
 * slot (for Adan: {@code m}, {@code v}, {@code n}, {@code g_prev}), cut into shards by a {@link ShardPlan}.
 *
 * <p>State is made by {@link Optimizer#init(ParamLayout, Precision, int)} and belongs to the optimizer
 * that made it. It is not thread-safe: one step at a time. Slot buffers are exposed as live arrays for
 * checkpointing and inspection; writing to them between steps changes the optimizer's trajectory.
 */
public final class OptimizerState {

    private final String optimizerName;
    private final ShardPlan plan;
    private final Precision precision;
    private final List<String> slotNames;
    private final double[][] slots64;
    private final float[][] slots32;
    private final double[][] segmentStats;
    private long step;
    private long skippedSteps;
    private boolean superseded;

    OptimizerState(String optimizerName, ShardPlan plan, Precision precision, List<String> slotNames,
                   int segmentStatCount) {
        this.optimizerName = optimizerName;
        this.plan = plan;
        this.precision = precision;
        this.slotNames = List.copyOf(slotNames);
        int n = plan.layout().totalLength();
        if (precision == Precision.FLOAT64) {
            slots64 = new double[slotNames.size()][n];
            slots32 = null;
        } else {
            slots32 = new float[slotNames.size()][n];
            slots64 = null;
        }
        segmentStats = new double[segmentStatCount][plan.numSegments()];
    }

    private OptimizerState(OptimizerState from, ShardPlan plan) {
        this.optimizerName = from.optimizerName;
        this.plan = plan;
        this.precision = from.precision;
        this.slotNames = from.slotNames;
        this.slots64 = from.slots64;
        this.slots32 = from.slots32;
        this.segmentStats = from.segmentStats;
        this.step = from.step;
        this.skippedSteps = from.skippedSteps;
    }

    /**
     * Re-cuts this state into {@code shards} shards without copying the buffers. The result continues the
     * same trajectory bit for bit; this object is superseded and refuses further steps.
     *
     * @param shards the new shard count, at least 1
     * @return the resharded state
     */
    public OptimizerState withShards(int shards) {
        ensureCurrent();
        OptimizerState next = new OptimizerState(this, new ShardPlan(plan.layout(), shards));
        superseded = true;
        return next;
    }

    /** @return the {@link Optimizer#name()} of the optimizer that made this state */
    public String optimizerName() {
        return optimizerName;
    }

    /** @return the parameter layout */
    public ParamLayout layout() {
        return plan.layout();
    }

    /** @return the shard plan */
    public ShardPlan plan() {
        return plan;
    }

    /** @return the number of shards */
    public int numShards() {
        return plan.numShards();
    }

    /** @return the precision of the slot buffers and of the arrays this state is stepped with */
    public Precision precision() {
        return precision;
    }

    /** @return the slot names, in storage order */
    public List<String> slotNames() {
        return slotNames;
    }

    /**
     * The number of optimizer steps applied since creation or the last restart (the bias-correction
     * exponent {@code k} of the paper).
     *
     * @return the step counter
     */
    public long step() {
        return step;
    }

    /** @return how many steps were skipped for non-finite gradients under {@link NonFinitePolicy#SKIP} */
    public long skippedSteps() {
        return skippedSteps;
    }

    /**
     * Sets the counters, for restoring a checkpoint.
     *
     * @param step the step counter
     * @param skippedSteps the skipped-step counter
     */
    public void setCounters(long step, long skippedSteps) {
        if (step < 0 || skippedSteps < 0) {
            throw new IllegalArgumentException("counters must be >= 0, got step=" + step + ", skippedSteps=" + skippedSteps);
        }
        this.step = step;
        this.skippedSteps = skippedSteps;
    }

    /**
     * The live float64 buffer of a slot.
     *
     * @param name slot name, one of {@link #slotNames()}
     * @return the buffer, of length {@code layout().totalLength()}
     * @throws IllegalStateException if this state is {@link Precision#FLOAT32}
     */
    public double[] slot64(String name) {
        if (slots64 == null) {
            throw new IllegalStateException("state of " + optimizerName + " is " + precision + ", not FLOAT64");
        }
        return slots64[slotIndex(name)];
    }

    /**
     * The live float32 buffer of a slot.
     *
     * @param name slot name, one of {@link #slotNames()}
     * @return the buffer, of length {@code layout().totalLength()}
     * @throws IllegalStateException if this state is {@link Precision#FLOAT64}
     */
    public float[] slot32(String name) {
        if (slots32 == null) {
            throw new IllegalStateException("state of " + optimizerName + " is " + precision + ", not FLOAT32");
        }
        return slots32[slotIndex(name)];
    }

    private int slotIndex(String name) {
        int i = slotNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no slot '" + name + "' in state of " + optimizerName + "; slots are " + slotNames);
        }
        return i;
    }

    double[] slot64(int index) {
        return slots64[index];
    }

    float[] slot32(int index) {
        return slots32[index];
    }

    double[] segmentStats(int index) {
        return segmentStats[index];
    }

    void incrementStep() {
        step++;
    }

    void countSkippedStep() {
        skippedSteps++;
    }

    /** Zeroes every slot and the step counter, as the reference's {@code restart_opt()} does. */
    void zeroSlotsAndStep() {
        for (int i = 0; i < slotNames.size(); i++) {
            if (slots64 != null) {
                java.util.Arrays.fill(slots64[i], 0.0);
            } else {
                java.util.Arrays.fill(slots32[i], 0.0f);
            }
        }
        step = 0;
    }

    void ensureCurrent() {
        if (superseded) {
            throw new IllegalStateException("this state of " + optimizerName
                    + " was resharded with withShards(); use the state it returned");
        }
    }

    @Override
    public String toString() {
        return "OptimizerState[" + optimizerName + ", " + precision + ", step=" + step + ", skipped=" + skippedSteps
                + ", slots=" + slotNames + ", " + plan + "]";
    }
}
