package org.adanspark.optim;

import java.util.List;

/**
 * The mutable state of one optimizer over one {@link ParamLayout}, all shards in one process: one
 * {@link ShardState} per shard of a {@link ShardPlan}, each owning its slice of every slot (for Adan:
 * {@code m}, {@code v}, {@code n}, {@code g_prev}) and its copy of the step counters.
 *
 * <p>State is made by {@link Optimizer#init(ParamLayout, Precision, int)} and belongs to the optimizer
 * that made it. It is not thread-safe: one step at a time. {@link #shard(int)} gives each shard's live
 * state; {@link #slot64(String)} and {@link #slot32(String)} give a whole slot, assembled from the shards.
 */
public final class OptimizerState {

    private final String optimizerName;
    private final ShardPlan plan;
    private final Precision precision;
    private final List<String> slotNames;
    private final List<SlotSpace> spaces;
    private final ShardState[] shards;
    private boolean superseded;

    /**
     * @param optimizerName the owning optimizer's name
     * @param plan the shard plan
     * @param precision the slots' precision
     * @param slotNames the slots, in storage order
     * @param spaces each slot's space, in storage order
     * @param shards one state per shard of {@code plan}, in shard order
     */
    OptimizerState(String optimizerName, ShardPlan plan, Precision precision, List<String> slotNames,
                   List<SlotSpace> spaces, ShardState[] shards) {
        if (shards.length != plan.numShards()) {
            throw new IllegalArgumentException(shards.length + " shard states for " + plan.numShards() + " shards");
        }
        this.optimizerName = optimizerName;
        this.plan = plan;
        this.precision = precision;
        this.slotNames = List.copyOf(slotNames);
        this.spaces = List.copyOf(spaces);
        this.shards = shards.clone();
    }

    /**
     * Re-cuts this state into {@code shards} shards, copying every slot into the new shards' slices. The
     * result continues the same trajectory bit for bit; this object is superseded and refuses further steps.
     *
     * @param shards the new shard count, at least 1
     * @return the resharded state
     */
    public OptimizerState withShards(int shards) {
        ensureCurrent();
        ShardPlan next = new ShardPlan(plan.layout(), shards);
        ShardState[] states = ShardState.allShards(optimizerName, next, precision, slotNames, spaces);
        for (ShardState s : states) {
            s.setCounters(step(), skippedSteps());
        }
        OptimizerState resharded = new OptimizerState(optimizerName, next, precision, slotNames, spaces, states);
        for (int slot = 0; slot < slotNames.size(); slot++) {
            if (precision == Precision.FLOAT64) {
                resharded.scatter(slot, 0, slot64(slotNames.get(slot)), spaces.get(slot).length());
            } else {
                resharded.scatter(slot, 0, slot32(slotNames.get(slot)), spaces.get(slot).length());
            }
        }
        superseded = true;
        return resharded;
    }

    /** @return the name of the optimizer that made this state */
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

    /** @return number of shards */
    public int numShards() {
        return plan.numShards();
    }

    /**
     * @param shard a shard index
     * @return that shard's live state
     */
    public ShardState shard(int shard) {
        return shards[shard];
    }

    /** @return the precision of the slots */
    public Precision precision() {
        return precision;
    }

    /** @return the slot names, in storage order */
    public List<String> slotNames() {
        return slotNames;
    }

    /** @return each slot's space, in storage order */
    public List<SlotSpace> slotSpaces() {
        return spaces;
    }

    /** @return optimizer steps applied so far (skipped steps not counted) */
    public long step() {
        return shards[0].step();
    }

    /** @return steps skipped for a non-finite gradient */
    public long skippedSteps() {
        return shards[0].skippedSteps();
    }

    /**
     * Sets both counters of every shard, as a restored checkpoint records them.
     *
     * @param step steps applied, &ge; 0
     * @param skippedSteps steps skipped, &ge; 0
     */
    public void setCounters(long step, long skippedSteps) {
        for (ShardState s : shards) {
            s.setCounters(step, skippedSteps);
        }
    }

    /**
     * @param name a slot name
     * @return a copy of the whole float64 slot, assembled from the shards (one value per parameter for a
     *     full slot, else the slot space's values in order)
     */
    public double[] slot64(String name) {
        if (precision != Precision.FLOAT64) {
            throw new IllegalStateException("state of " + optimizerName + " is " + precision + ", not FLOAT64");
        }
        int slot = slotIndex(name);
        double[] all = new double[spaces.get(slot).length()];
        for (ShardState s : shards) {
            System.arraycopy(s.slot64(slot), s.slotBase(slot), all, s.slotOffset(slot), s.slotLength(slot));
        }
        return all;
    }

    /**
     * @param name a slot name
     * @return a copy of the whole float32 slot, assembled from the shards (one value per parameter for a
     *     full slot, else the slot space's values in order)
     */
    public float[] slot32(String name) {
        if (precision != Precision.FLOAT32) {
            throw new IllegalStateException("state of " + optimizerName + " is " + precision + ", not FLOAT32");
        }
        int slot = slotIndex(name);
        float[] all = new float[spaces.get(slot).length()];
        for (ShardState s : shards) {
            System.arraycopy(s.slot32(slot), s.slotBase(slot), all, s.slotOffset(slot), s.slotLength(slot));
        }
        return all;
    }

    /**
     * Copies {@code n} float64 values into slot {@code slot} from slot position {@code from} on (the flat
     * position for a full slot), across whichever shards hold that range (a checkpoint saved with another
     * shard count is read this way).
     *
     * @param slot the slot's index in storage order
     * @param from the slot position of {@code values[0]}
     * @param values the values
     * @param n how many
     */
    public void scatter(int slot, int from, double[] values, int n) {
        for (ShardState s : shards) {
            s.scatter(slot, from, values, n);
        }
    }

    /** Float32 twin of {@link #scatter(int, int, double[], int)}. */
    public void scatter(int slot, int from, float[] values, int n) {
        for (ShardState s : shards) {
            s.scatter(slot, from, values, n);
        }
    }

    private int slotIndex(String name) {
        int i = slotNames.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("no slot '" + name + "' in state of " + optimizerName + "; slots are " + slotNames);
        }
        return i;
    }

    void zeroSlotsAndStep() {
        for (ShardState s : shards) {
            s.zeroSlotsAndStep();
        }
    }

    /** @throws IllegalArgumentException unless {@code name} made this state; IllegalStateException if resharded */
    void checkOwner(String name) {
        if (!optimizerName.equals(name)) {
            throw new IllegalArgumentException("state was made by '" + optimizerName + "', not by '" + name + "'");
        }
        ensureCurrent();
    }

    void ensureCurrent() {
        if (superseded) {
            throw new IllegalStateException("this state of " + optimizerName
                    + " was resharded with withShards(); use the state it returned");
        }
    }

    @Override
    public String toString() {
        return "OptimizerState[" + optimizerName + ", " + precision + ", step=" + step() + ", skipped=" + skippedSteps()
                + ", slots=" + slotNames + ", " + plan + "]";
    }
}
