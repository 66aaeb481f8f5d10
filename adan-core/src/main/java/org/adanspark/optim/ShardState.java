package org.adanspark.optim;

import java.util.Arrays;
import java.util.List;

/**
 * One shard's optimizer state: its slice {@code [offset, offset + length)} of every slot and its copy of
 * the step counters. A slot's values are held in an array from {@link #slotBase}: 0 for a shard that owns
 * its arrays (an executor that holds one shard), the shard's offset where all shards of one process share
 * one array per slot ({@link #allShards}). The second form indexes θ, g and the state alike, which is what
 * lets HotSpot vectorise the fused kernels (docs/ARCHITECTURE.md, "The optimizer step, one shard at a time").
 * A slot that holds fewer values than parameters (a {@link SlotSpace} that is not full) has the run of its
 * values anchored in that slice: {@link #slotOffset} and
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
    private final int[] slotBases;
    private final int[] slotLengths;
    /** The full slots' base (they share one), or the offset when the shard has none: see {@link #base()}. */
    private final int base;
    private final double[][] slots64;
    private final float[][] slots32;
    /** θ and g staged at {@link #base()} for a caller whose arrays are indexed otherwise; made when first needed. */
    private float[][] staging32;
    private double[][] staging64;
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
        this(optimizerName, plan, shard, precision, slotNames, spaces, null);
    }

    /**
     * Zeroed states of every shard of {@code plan}, for one process that holds them all: each full slot is
     * one array over all parameters that the shards share, each shard's values at the parameters' own
     * positions; a slot with fewer values than parameters stays per shard.
     *
     * @param optimizerName the name of the optimizer that owns the state
     * @param plan how the parameters are cut into shards and segments
     * @param precision the precision of the arrays the shards are stepped with
     * @param slotNames the slots, in storage order
     * @param spaces each slot's space, in storage order
     * @return one state per shard, in shard order
     */
    static ShardState[] allShards(String optimizerName, ShardPlan plan, Precision precision, List<String> slotNames,
                                  List<SlotSpace> spaces) {
        int total = plan.layout().totalLength();
        Object[] shared = new Object[slotNames.size()];
        for (int i = 0; i < shared.length; i++) {
            if (spaces.get(i).isFull()) {
                shared[i] = precision == Precision.FLOAT64 ? new double[total] : new float[total];
            }
        }
        ShardState[] states = new ShardState[plan.numShards()];
        for (int s = 0; s < states.length; s++) {
            states[s] = new ShardState(optimizerName, plan, s, precision, slotNames, spaces, shared);
        }
        return states;
    }

    /** @param shared per slot, the array all shards of the plan share, or null where the shard owns its own */
    private ShardState(String optimizerName, ShardPlan plan, int shard, Precision precision, List<String> slotNames,
                       List<SlotSpace> spaces, Object[] shared) {
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
        this.slotBases = new int[slots];
        this.slotLengths = new int[slots];
        int[] lengths = slotLengths;
        for (int i = 0; i < slots; i++) {
            SlotSpace space = spaces == null ? null : spaces.get(i);
            slotOffsets[i] = space == null ? from : space.before(from);
            lengths[i] = space == null ? to - from : space.before(to) - slotOffsets[i];
        }
        if (precision == Precision.FLOAT64) {
            slots64 = new double[slots][];
            for (int i = 0; i < slots; i++) {
                boolean shares = shared != null && shared[i] != null;
                slots64[i] = shares ? (double[]) shared[i] : new double[lengths[i]];
                slotBases[i] = shares ? slotOffsets[i] : 0;
            }
            slots32 = null;
        } else {
            slots32 = new float[slots][];
            for (int i = 0; i < slots; i++) {
                boolean shares = shared != null && shared[i] != null;
                slots32[i] = shares ? (float[]) shared[i] : new float[lengths[i]];
                slotBases[i] = shares ? slotOffsets[i] : 0;
            }
            slots64 = null;
        }
        int fullBase = from; // no full slot: θ and g at their own offset need no staging in one process
        for (int i = slots - 1; i >= 0; i--) {
            if (spaces == null || spaces.get(i).isFull()) {
                fullBase = slotBases[i];
            }
        }
        this.base = fullBase;
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
        return slotLengths[slot];
    }

    /**
     * @param slot the slot's index in storage order
     * @return the index of this shard's first value in the slot's array ({@link #slot32(String)}): 0 when the
     *     shard owns the array, {@link #slotOffset} when the shards of one process share it
     */
    public int slotBase(int slot) {
        return slotBases[slot];
    }

    /**
     * @return where the shard's full slots start in their arrays: the index at which the fused kernels expect
     *     θ's and g's slice too, 0 for a shard that owns its arrays, {@link #offset()} for one that shares them
     *     (and for a shard without full slots)
     */
    public int base() {
        return base;
    }

    /**
     * Runs a float32 kernel on θ and g indexed alike with the shard's full slots: as given when they are
     * ({@code paramsOffset} and {@code gradsOffset} equal {@link #base()}, as {@code ShardLoop} passes them), else
     * on copies of the slices staged at the base, θ's copied back after. The kernel computes the same values
     * either way; staging costs two copies of the slice.
     *
     * @param params θ, its slice at {@code paramsOffset}
     * @param paramsOffset where the shard's slice starts in {@code params}
     * @param grads g, its slice at {@code gradsOffset}
     * @param gradsOffset where the shard's slice starts in {@code grads}
     * @param writesParams whether the kernel updates θ (copied back when staged)
     * @param kernel runs over {@code [base(), base() + length())} of θ, g and the slots
     */
    void aligned(float[] params, int paramsOffset, float[] grads, int gradsOffset, boolean writesParams,
                 Kernel32 kernel) {
        int o = base();
        if (paramsOffset == o && gradsOffset == o) {
            kernel.run(params, grads);
            return;
        }
        int len = length();
        if (staging32 == null || staging32[0].length < o + len) {
            staging32 = new float[][] {new float[o + len], new float[o + len]};
        }
        float[] p = staging32[0];
        float[] g = staging32[1];
        System.arraycopy(params, paramsOffset, p, o, len);
        System.arraycopy(grads, gradsOffset, g, o, len);
        kernel.run(p, g);
        if (writesParams) {
            System.arraycopy(p, o, params, paramsOffset, len);
        }
    }

    /** Float64 twin of {@link #aligned(float[], int, float[], int, boolean, Kernel32)}. */
    void aligned(double[] params, int paramsOffset, double[] grads, int gradsOffset, boolean writesParams,
                 Kernel64 kernel) {
        int o = base();
        if (paramsOffset == o && gradsOffset == o) {
            kernel.run(params, grads);
            return;
        }
        int len = length();
        if (staging64 == null || staging64[0].length < o + len) {
            staging64 = new double[][] {new double[o + len], new double[o + len]};
        }
        double[] p = staging64[0];
        double[] g = staging64[1];
        System.arraycopy(params, paramsOffset, p, o, len);
        System.arraycopy(grads, gradsOffset, g, o, len);
        kernel.run(p, g);
        if (writesParams) {
            System.arraycopy(p, o, params, paramsOffset, len);
        }
    }

    /** A float32 kernel over θ and g indexed like the shard's full slots. */
    @FunctionalInterface
    interface Kernel32 {
        /**
         * @param params θ, the shard's slice at {@link #base()}
         * @param grads g, likewise
         */
        void run(float[] params, float[] grads);
    }

    /** A float64 kernel over θ and g indexed like the shard's full slots. */
    @FunctionalInterface
    interface Kernel64 {
        /**
         * @param params θ, the shard's slice at {@link #base()}
         * @param grads g, likewise
         */
        void run(double[] params, double[] grads);
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
     * @return the live float64 array holding the slot's values of this shard, from {@link #slotBase}
     */
    public double[] slot64(String name) {
        if (slots64 == null) {
            throw new IllegalStateException("state of " + optimizerName + " is " + precision + ", not FLOAT64");
        }
        return slots64[slotIndex(name)];
    }

    /**
     * @param name a slot name
     * @return the live float32 array holding the slot's values of this shard, from {@link #slotBase}
     */
    public float[] slot32(String name) {
        if (slots32 == null) {
            throw new IllegalStateException("state of " + optimizerName + " is " + precision + ", not FLOAT32");
        }
        return slots32[slotIndex(name)];
    }

    /**
     * @param name a slot name
     * @return a copy of this shard's float32 values of the slot, indexed from 0
     */
    public float[] values32(String name) {
        int i = slotIndex(name);
        return Arrays.copyOfRange(slot32(name), slotBases[i], slotBases[i] + slotLengths[i]);
    }

    /**
     * @param name a slot name
     * @return a copy of this shard's float64 values of the slot, indexed from 0
     */
    public double[] values64(String name) {
        int i = slotIndex(name);
        return Arrays.copyOfRange(slot64(name), slotBases[i], slotBases[i] + slotLengths[i]);
    }

    /** @return the float64 array of slot {@code index} (storage order), this shard's values from its base */
    double[] slot64(int index) {
        return slots64[index];
    }

    /** @return the float32 array of slot {@code index} (storage order), this shard's values from its base */
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
        int hi = Math.min(from + n, slotOffsets[slot] + slotLengths[slot]);
        if (lo < hi) {
            System.arraycopy(values, lo - from, slots64[slot], slotBases[slot] + lo - slotOffsets[slot], hi - lo);
        }
    }

    /** Float32 twin of {@link #scatter(int, int, double[], int)}. */
    public void scatter(int slot, int from, float[] values, int n) {
        int lo = Math.max(from, slotOffsets[slot]);
        int hi = Math.min(from + n, slotOffsets[slot] + slotLengths[slot]);
        if (lo < hi) {
            System.arraycopy(values, lo - from, slots32[slot], slotBases[slot] + lo - slotOffsets[slot], hi - lo);
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
                Arrays.fill(slots64[i], slotBases[i], slotBases[i] + slotLengths[i], 0.0);
            } else {
                Arrays.fill(slots32[i], slotBases[i], slotBases[i] + slotLengths[i], 0.0f);
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
