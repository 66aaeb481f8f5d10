/**
 * Files: the optimizer checkpoint format ({@link org.adanspark.io.OptimizerCheckpoint}) and readers for
 * the data formats the examples and tests use ({@link org.adanspark.io.IdxReader}).
 *
 * <p>A checkpoint is a directory holding {@code manifest.json} and one {@code shard-NNNNN.bin} per shard.
 * No Java serialization is involved: every byte is specified in {@link org.adanspark.io.OptimizerCheckpoint}.
 */
package org.adanspark.io;
