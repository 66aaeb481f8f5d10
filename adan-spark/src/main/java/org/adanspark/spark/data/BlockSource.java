package org.adanspark.spark.data;

import java.io.Serializable;

/**
 * How one partition's block is read from its source, on whichever executor runs the task. A source is a
 * small description (a file and a range), so Spark can rebuild a lost block from lineage on any executor
 * by reading it again; nothing of the data is built on the driver.
 */
@FunctionalInterface
public interface BlockSource extends Serializable {

    /**
     * Reads the block. A problem with the source (a file this executor cannot read, a bad record) is
     * returned as the block's {@link FeatureBlock#problem()}, naming the file, the record and the
     * executor, so that it reaches the driver as one clear message instead of a task retried four times.
     *
     * @return the block
     */
    FeatureBlock read();
}
