package org.adanspark.spark.step;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.adanspark.optim.Lookahead;
import org.adanspark.optim.ModelEma;
import org.adanspark.optim.NonFiniteGradientException;
import org.adanspark.optim.NonFinitePolicy;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.ShardLoop;
import org.adanspark.optim.ShardState;
import org.adanspark.optim.ShardStatistics;
import org.adanspark.optim.StepDecision;
import org.adanspark.spark.config.Settings;
import org.adanspark.spark.error.TrainingException;
import org.adanspark.spark.model.ParamRoles;

/**
 * One optimizer step of the shards a process owns, for both executions (docs/ARCHITECTURE.md, "One
 * step"): the gradient mean, the protocol's sequencing ({@link ShardLoop#run}: screen → exchange → combine →
 * [refine] → apply → record), the step's loss from every partition's, and the non-finite policy with its
 * message. The {@code jobs} execution owns every shard on the driver and exchanges nothing
 * ({@link #IN_PROCESS}); a {@code barrier} task owns a run of shards and exchanges the statistics with its
 * peers over the data plane. What an execution supplies is its {@link Exchange}; everything else is here,
 * including the model's non-trained state ({@link ParamRoles}): a statistic moves by its mean change, a
 * frozen parameter not at all, and neither counts in the norm, clipping, weight decay, update or EMA.
 */
public final class StepCore {

    /**
     * How one step's statistics reach every owner: the only part of a step an execution supplies.
     */
    public interface Exchange {

        /**
         * @param mine this process's share of the step's loss and examples (its partition's, or the whole
         *     step's when it holds every partition's sum)
         * @param own the screening statistics of this process's shards, in their order
         * @return every shard's statistics and the step's total loss and examples, the same in every process
         */
        Screened screened(PartialSum mine, ShardStatistics[] own);

        /**
         * @param own the second round's statistics of this process's shards
         * @return every shard's, indexed by shard
         */
        ShardStatistics[] prepared(ShardStatistics[] own);
    }

    /**
     * Every shard's screening statistics with the step's total.
     *
     * @param all the statistics, indexed by shard
     * @param total the step's summed loss, examples and slowest computation ({@code values} unused)
     */
    public record Screened(ShardStatistics[] all, PartialSum total) {
    }

    /** Optimizer slots that hold a copy of θ: a non-trained run's values are written there too. */
    private static final List<String> MIRRORS = List.of(ModelEma.SLOT, Lookahead.SLOW_SLOT);

    /** The exchange of a process that owns every shard and holds the step's whole sum. */
    public static final Exchange IN_PROCESS = new Exchange() {
        @Override
        public Screened screened(PartialSum mine, ShardStatistics[] own) {
            return new Screened(own, mine);
        }

        @Override
        public ShardStatistics[] prepared(ShardStatistics[] own) {
            return own;
        }
    };

    /**
     * What a step did.
     *
     * @param loss the mean training loss of the step's examples
     * @param examples the step's examples
     * @param computeNanos the slowest partition's gradient computation
     * @param skipped whether the update was skipped
     * @param nonFiniteLoss whether it was skipped for a non-finite loss (a skip the optimizer state does not
     *     count, so the run counts it)
     */
    public record Result(double loss, long examples, long computeNanos, boolean skipped, boolean nonFiniteLoss) {
    }

    private final Optimizer optimizer;
    private final ShardLoop.Owned owned;
    private final NonFinitePolicy nonFinite;
    /** The runs of θ the optimizer does not train, cut to the owned shards' span. */
    private final List<ParamRoles.Range> held;

    /**
     * @param optimizer the run's optimizer, built once
     * @param owned the shards this process owns
     * @param nonFinite what a non-finite loss or gradient does
     * @param nonTrained the runs of θ the optimizer does not train ({@link ParamRoles#nonTrained}): the model's
     *     statistics and frozen parameters
     */
    public StepCore(Optimizer optimizer, ShardLoop.Owned owned, NonFinitePolicy nonFinite,
                    List<ParamRoles.Range> nonTrained) {
        this.optimizer = optimizer;
        this.owned = owned;
        this.nonFinite = nonFinite;
        ShardState[] shards = owned.shards();
        int from = shards.length == 0 ? 0 : shards[0].offset();
        int to = shards.length == 0 ? 0 : shards[shards.length - 1].offset() + shards[shards.length - 1].length();
        List<ParamRoles.Range> mine = new ArrayList<>();
        for (ParamRoles.Range r : nonTrained) {
            int lo = Math.max(r.from(), from);
            int hi = Math.min(r.to(), to);
            if (lo < hi) {
                mine.add(new ParamRoles.Range(lo, hi, r.role()));
            }
        }
        this.held = List.copyOf(mine);
    }

    /**
     * Divides a gradient sum by its examples, in place: the mean gradient the optimizers take.
     *
     * @param sum the summed gradient (of every parameter, or of an owner's run) and its examples
     * @return its values, now the mean
     */
    public static float[] mean(PartialSum sum) {
        float[] g = sum.values();
        float count = sum.examples();
        for (int i = 0; i < g.length; i++) {
            g[i] /= count;
        }
        return g;
    }

    /**
     * One step.
     *
     * @param step the step, from 0
     * @param epoch its epoch, from 0
     * @param lr its learning rate
     * @param theta every parameter; the owned shards' slices are updated in place
     * @param grads the mean gradient of the owned run ({@link #mean}), from the owned shards' gradient origin
     * @param mine this process's share of the loss and examples
     * @param exchange how the statistics reach every owner
     * @return what the step did
     * @throws TrainingException for a non-finite loss or gradient under {@link NonFinitePolicy#FAIL}, naming
     *     the step and the setting that skips such steps; θ and the state are then unchanged
     */
    public Result step(long step, int epoch, double lr, float[] theta, float[] grads, PartialSum mine,
                       Exchange exchange) {
        PartialSum[] total = new PartialSum[1];
        ShardLoop.Exchange phases = new ShardLoop.Exchange() {
            @Override
            public ShardStatistics[] screened(ShardStatistics[] own) {
                Screened s = exchange.screened(mine, own);
                total[0] = s.total();
                double loss = s.total().lossSum() / s.total().examples();
                if (Double.isFinite(loss)) {
                    return s.all();
                }
                if (nonFinite == NonFinitePolicy.FAIL) {
                    throw failure(step, epoch, "the mean training loss is " + loss, null);
                }
                return null; // skipped before the decision: nothing applied or recorded
            }

            @Override
            public ShardStatistics[] prepared(ShardStatistics[] own) {
                return exchange.prepared(own);
            }
        };
        float[][] before = hold(theta, grads);
        StepDecision decision;
        try {
            decision = ShardLoop.run(optimizer, owned, theta, grads, lr, phases);
        } catch (NonFiniteGradientException e) {
            throw failure(step, epoch, e.getMessage(), e);
        }
        if (decision != null && !decision.skip()) {
            release(theta, before);
        }
        PartialSum t = total[0];
        return new Result(t.lossSum() / t.examples(), t.examples(), t.computeNanos(), decision == null || decision.skip(),
                decision == null);
    }

    /**
     * Takes the non-trained runs out of the step before the optimizer sees them: their gradient slots are
     * zeroed (so they count in no norm, clipping or update) and θ's values kept, with a statistic's mean
     * change (what its gradient slots hold, {@link ParamRoles}).
     *
     * @return per held run, θ's values after the step: the kept values, less the mean change for a statistic
     */
    private float[][] hold(float[] theta, float[] grads) {
        float[][] after = new float[held.size()][];
        int origin = owned.gradOrigin();
        for (int k = 0; k < held.size(); k++) {
            ParamRoles.Range r = held.get(k);
            float[] values = Arrays.copyOfRange(theta, r.from(), r.to());
            for (int i = r.from(); i < r.to(); i++) {
                if (r.role() == ParamRoles.Role.STATISTIC) {
                    values[i - r.from()] -= grads[i - origin];
                }
                grads[i - origin] = 0;
            }
            after[k] = values;
        }
        return after;
    }

    /**
     * Puts the non-trained runs' values into θ after an applied step, and into the slots that mirror θ (a
     * model EMA's average, Lookahead's slow weights), so neither averages nor pulls them.
     */
    private void release(float[] theta, float[][] after) {
        for (int k = 0; k < held.size(); k++) {
            ParamRoles.Range r = held.get(k);
            System.arraycopy(after[k], 0, theta, r.from(), after[k].length);
            for (ShardState shard : owned.shards()) {
                int lo = Math.max(r.from(), shard.offset());
                int hi = Math.min(r.to(), shard.offset() + shard.length());
                for (String name : MIRRORS) {
                    int slot = shard.slotNames().indexOf(name);
                    if (lo < hi && slot >= 0) {
                        System.arraycopy(theta, lo, shard.slot32(name), shard.slotBase(slot) + lo - shard.offset(),
                                hi - lo);
                    }
                }
            }
        }
    }

    /** The one message of a step the non-finite policy stops, with the setting that skips such steps. */
    private static TrainingException failure(long step, int epoch, String what, Exception cause) {
        return new TrainingException("step " + (step + 1) + " (epoch " + (epoch + 1) + "): " + what
                + "; set " + Settings.NON_FINITE.key() + " = skip to skip such steps", cause);
    }

    /**
     * Writes the model EMA's weights of the owned shards into {@code into} at their offsets; before the first
     * applied step there is no average yet, and θ's slice is written instead (every owner has applied the
     * same steps, so all owners agree which).
     *
     * @param theta the parameters
     * @param into the average's array, of θ's length
     */
    public void average(float[] theta, float[] into) {
        for (ShardState shard : owned.shards()) {
            boolean none = shard.step() == 0;
            float[] source = none ? theta : shard.slot32(ModelEma.SLOT);
            int from = none ? shard.offset() : shard.slotBase(shard.slotNames().indexOf(ModelEma.SLOT));
            System.arraycopy(source, from, into, shard.offset(), shard.length());
        }
    }

    /** @return the shards this process owns */
    public ShardState[] shards() {
        return owned.shards();
    }

    /** @return the steps the optimizer skipped for a non-finite gradient, as its state counts them */
    public long skippedByOptimizer() {
        return owned.shards()[0].skippedSteps();
    }
}
