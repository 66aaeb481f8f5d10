package org.adanspark.spark.barrier;

import java.util.List;
import org.adanspark.spark.data.FeatureBlock;

/**
 * A barrier task's data, kept in the task for the life of the stage: its training partition and the test
 * blocks it evaluates.
 *
 * @param train the training partition's block
 * @param test the test blocks this task evaluates (none without test data)
 */
record TaskData(FeatureBlock train, List<FeatureBlock> test) {
}
