package org.adanspark.spark.jobs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.adanspark.optim.ShardPlan;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.step.FaultInjector;
import org.adanspark.spark.step.OrderedSum;
import org.adanspark.spark.step.PartialSum;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Reduce-scatter by optimizer shard, then gather on the driver (docs/ARCHITECTURE.md, "One step"). Each partition cuts its
 * gradient into the optimizer's shard slices and emits {@code (shardId, slice)}; a shuffle with one
 * reduce partition per shard brings all slices of a shard together, where they are summed in the fixed
 * {@link OrderedSum} shape; the driver receives one summed slice per shard, {@code 4·P} bytes in all,
 * independent of the number of partitions.
 */
public final class ShardedGradientReduce implements GradientReduce {

    private final int[] offsets;
    private final int[] lengths;

    /**
     * @param plan the optimizer state's shard plan; its shards are the reduce partitions
     */
    public ShardedGradientReduce(ShardPlan plan) {
        this.offsets = new int[plan.numShards()];
        this.lengths = new int[plan.numShards()];
        for (int s = 0; s < plan.numShards(); s++) {
            offsets[s] = plan.shardOffset(s);
            lengths[s] = plan.shardLength(s);
        }
    }

    @Override
    public String name() {
        return ReduceMode.SHARDED.configName();
    }

    @Override
    public Reduced reduce(JavaRDD<FeatureBlock> blocks, GradientSource source, long step, FaultInjector faults) {
        int[] off = offsets;
        int[] len = lengths;
        int groupSize = OrderedSum.groupSize(blocks.getNumPartitions());
        List<PartialSum> shards = blocks
                .mapPartitionsToPair((Iterator<FeatureBlock> it) -> {
                    PartialSum c = source.compute(it.next());
                    List<Tuple2<Integer, PartialSum>> out = new ArrayList<>(off.length);
                    for (int s = 0; s < off.length; s++) {
                        float[] slice = Arrays.copyOfRange(c.values(), off[s], off[s] + len[s]);
                        // the step's scalars ride with shard 0's slice only: they travel once
                        out.add(new Tuple2<>(s, s == 0 ? new PartialSum(c.key(), slice, c.lossSum(), c.examples(),
                                c.computeNanos()) : new PartialSum(c.key(), slice, 0.0, 0, 0)));
                    }
                    return out.iterator();
                })
                .partitionBy(new KeyPartitioner(off.length))
                .mapPartitionsWithIndex((Integer shard, Iterator<Tuple2<Integer, PartialSum>> it) -> {
                    List<PartialSum> parts = new ArrayList<>();
                    it.forEachRemaining(t -> parts.add(t._2()));
                    parts.sort(Comparator.comparingInt(PartialSum::key));
                    faults.maybeFail("reduce-scatter", step);
                    return List.of(OrderedSum.grouped(parts, groupSize, shard)).iterator();
                }, true)
                .collect();
        float[] sum = new float[source.numParams()];
        long bytes = 0;
        PartialSum scalars = null;
        for (PartialSum s : shards) {
            System.arraycopy(s.values(), 0, sum, off[s.key()], len[s.key()]);
            bytes += 4L * s.values().length;
            if (s.key() == 0) {
                scalars = s;
            }
        }
        return new Reduced(sum, scalars.lossSum(), scalars.examples(), scalars.computeNanos(), bytes);
    }
}
