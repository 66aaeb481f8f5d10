package org.adanspark.spark.model;

/**
 * One instance of a model at given parameters, on this executor, for one task at a time
 * ({@link ModelHandle#lease}). Inputs are row-major float32 arrays of {@code m} examples of the handle's
 * {@link ModelHandle#exampleShape()}; outputs and labels are row-major {@code [m, outputs]}, or
 * {@code [m, outputs, positions]} for a model over token windows.
 */
public interface Replica extends AutoCloseable {

    /**
     * Forward and backward pass of one micro-batch: adds the gradient of the micro-batch's <em>summed</em>
     * loss to this replica's running sum ({@link #gradientSum()}), in the model's parameter order.
     *
     * @param x the inputs, {@code m} examples
     * @param labels the targets, {@code m × outputs × positions}
     * @param m examples
     * @param positions predictions per example: 1, or a token window's length
     * @param seed the seed of the micro-batch's random draws (dropout): the same seed gives the same bits
     * @return the micro-batch's loss, summed over its examples (a token window's averaged over its positions)
     */
    double addGradient(float[] x, float[] labels, int m, int positions, long seed);

    /** @return the gradient summed over every micro-batch since the lease, a new array; null before any */
    float[] gradientSum();

    /**
     * Forward pass in inference mode.
     *
     * @param x the inputs, {@code m} examples
     * @param m examples
     * @return the outputs (class probabilities, or the regressor's prediction), row-major
     */
    float[] output(float[] x, int m);

    /** Gives the replica back to the executor's pool. */
    @Override
    void close();
}
