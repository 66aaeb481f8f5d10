package org.adanspark.spark.data;

/**
 * The training blocks and, when the source has one, the test blocks.
 *
 * @param train the training data
 * @param test the held-out data, or null
 */
public record TrainTestData(BlockDataset train, BlockDataset test) {

    /** Drops both from the cache. */
    public void release() {
        train.release();
        if (test != null) {
            test.release();
        }
    }
}
