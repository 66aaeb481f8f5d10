package org.adanspark.spark.step;

import java.io.Serializable;

/**
 * A gradient sum over some partitions' examples, or a slice of one: the unit a gradient reduction moves.
 *
 * @param key the partition, group or shard this sum belongs to (its meaning depends on the stage)
 * @param values summed gradient values (of the whole vector, or of one shard's slice)
 * @param lossSum summed loss over the examples
 * @param examples number of examples summed
 * @param computeNanos the longest gradient computation among the partitions summed
 */
public record PartialSum(int key, float[] values, double lossSum, long examples, long computeNanos)
        implements Serializable {
}
