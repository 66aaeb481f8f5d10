package org.adanspark.optim;

import java.util.List;
import java.util.Map;

/**
 * A first-order optimizer over a flat parameter vector, with its state kept apart in an
 * {@link OptimizerState}.
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
    OptimizerState init(ParamLayout layout, Precision precision, int shards);

    /**
     * One float64 step: updates {@code params} in place from {@code grads}.
     *
     * @param state state made by this optimizer with {@link Precision#FLOAT64}
     * @param params parameters, length {@code layout.totalLength()}; updated in place
     * @param grads gradients, same length; not modified
     * @throws NonFiniteGradientException if a gradient is not finite and the policy is {@link NonFinitePolicy#FAIL}
     */
    void step(OptimizerState state, double[] params, double[] grads);

    /**
     * One float32 step: updates {@code params} in place from {@code grads}.
     *
     * @param state state made by this optimizer with {@link Precision#FLOAT32}
     * @param params parameters, length {@code layout.totalLength()}; updated in place
     * @param grads gradients, same length; not modified
     * @throws NonFiniteGradientException if a gradient is not finite and the policy is {@link NonFinitePolicy#FAIL}
     */
    void step(OptimizerState state, float[] params, float[] grads);

    /**
     * Restarts the optimizer: zeroes every slot and the step counter, so the next step is a first step
     * again (Adan's restart strategy, paper §4).
     *
     * @param state state made by this optimizer
     */
    void restart(OptimizerState state);
}
