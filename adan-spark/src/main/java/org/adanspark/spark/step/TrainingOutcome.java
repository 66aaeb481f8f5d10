package org.adanspark.spark.step;

import org.adanspark.spark.checkpoint.ParamsCodec;

/**
 * What an {@link Execution} hands back to the trainer after the last step. The steps' losses are not in it:
 * the listeners hear every step, and a run that continues in another execution (a new barrier stage, the
 * switch to jobs) has its history in what they heard, each step once.
 *
 * @param params the model's final weights — the model EMA's when the run keeps one, else θ — or null when
 *     the caller did not ask for them and the execution kept them off the driver ({@code barrier} without a
 *     model to save)
 * @param paramsSha256 SHA-256 of the final θ, the last step's parameters ({@link ParamsCodec#sha256})
 * @param steps steps done in all, including those before a resume
 * @param skippedSteps updates skipped in all, for a non-finite loss or gradient
 * @param testAccuracy the final evaluation's accuracy at θ, NaN without test data
 * @param emaTestAccuracy the final evaluation's accuracy at the model EMA's weights, NaN without an EMA or
 *     test data
 */
public record TrainingOutcome(float[] params, String paramsSha256, long steps, long skippedSteps,
                              double testAccuracy, double emaTestAccuracy) {
}
