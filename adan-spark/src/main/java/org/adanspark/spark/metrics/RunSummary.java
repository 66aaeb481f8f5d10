package org.adanspark.spark.metrics;

/**
 * The outcome of a run.
 *
 * @param steps steps done in all (including those before a resume)
 * @param stepsThisRun steps this process ran
 * @param skippedSteps updates skipped for non-finite loss or gradient
 * @param testAccuracy accuracy on the test split, or NaN without one
 * @param finalLoss the last step's training loss
 * @param wallSeconds this process's training wall time
 * @param paramsSha256 SHA-256 of the final float32 parameters θ (the last step's, also with a model EMA),
 *     little-endian, as hex
 * @param numParams parameters in the model
 * @param emaTestAccuracy accuracy of the model EMA's weights on the test split, NaN without an EMA or a
 *     test split
 * @param blasKernel the OpenBLAS kernel the run computed with (part of what {@code paramsSha256} depends
 *     on), "" when not known
 */
public record RunSummary(long steps, long stepsThisRun, long skippedSteps, double testAccuracy, double finalLoss,
                         double wallSeconds, String paramsSha256, int numParams, double emaTestAccuracy,
                         String blasKernel) {

    /** A run without a model EMA. */
    public RunSummary(long steps, long stepsThisRun, long skippedSteps, double testAccuracy, double finalLoss,
                      double wallSeconds, String paramsSha256, int numParams) {
        this(steps, stepsThisRun, skippedSteps, testAccuracy, finalLoss, wallSeconds, paramsSha256, numParams, Double.NaN, "");
    }
}
