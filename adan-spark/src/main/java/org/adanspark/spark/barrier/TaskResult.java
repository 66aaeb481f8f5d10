package org.adanspark.spark.barrier;

import java.io.Serializable;

/**
 * What task 0 of a barrier stage returns to the driver when the run is done (the other tasks return
 * nothing).
 *
 * @param paramsSha256 SHA-256 of the final θ
 * @param params the final θ, or null when the driver did not ask for it
 * @param steps steps done in all
 * @param skippedSteps updates skipped in all (non-finite loss or gradient)
 */
record TaskResult(String paramsSha256, float[] params, long steps, long skippedSteps) implements Serializable {
}
