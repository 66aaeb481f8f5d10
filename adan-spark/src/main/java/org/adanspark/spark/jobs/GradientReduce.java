package org.adanspark.spark.jobs;

import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.step.FaultInjector;
import org.adanspark.spark.step.OrderedSum;
import org.apache.spark.api.java.JavaRDD;

/**
 * Sums every partition's gradient contribution for one step and brings the sum to the driver, in one
 * Spark job. Implementations differ in how the data moves, never in the result: both evaluate
 * {@link OrderedSum#grouped}, so they agree bit for bit.
 */
public interface GradientReduce {

    /** @return the mode's name as configured ({@code sharded}, {@code tree}) */
    String name();

    /**
     * @param blocks the cached data, one block per partition
     * @param source the per-partition gradient computation of this step
     * @param step the global step (for fault injection)
     * @param faults injected failures, usually {@link FaultInjector#NONE}
     * @return the summed gradient on the driver
     */
    Reduced reduce(JavaRDD<FeatureBlock> blocks, GradientSource source, long step, FaultInjector faults);

    /**
     * The step's summed gradient, on the driver.
     *
     * @param sum gradient summed over the step's examples
     * @param lossSum loss summed over them
     * @param examples how many examples
     * @param computeNanos the slowest partition's gradient computation
     * @param bytesToDriver gradient bytes the driver received
     */
    record Reduced(float[] sum, double lossSum, long examples, long computeNanos, long bytesToDriver) {
    }
}
