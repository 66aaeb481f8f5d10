package org.adanspark.spark.jobs;

import java.io.Serializable;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.step.PartialSum;

/**
 * What an executor computes for one partition in one step: the sum of the loss gradient over that
 * partition's share of the global batch. Must be a pure function of the block and the step, so a
 * retried task gives the same bits.
 */
public interface GradientSource extends Serializable {

    /**
     * @param block the partition's cached examples
     * @return the gradient sum keyed by the block's partition; a partition with no examples this step
     *     returns zeros (every partition always contributes, which keeps the sum's shape fixed)
     */
    PartialSum compute(FeatureBlock block);

    /** @return the length of the parameter vector */
    int numParams();
}
