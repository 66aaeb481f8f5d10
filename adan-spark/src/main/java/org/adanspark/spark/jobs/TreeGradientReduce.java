package org.adanspark.spark.jobs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.step.FaultInjector;
import org.adanspark.spark.step.OrderedSum;
import org.adanspark.spark.step.PartialSum;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * A two-level tree aggregate, the shape of Spark's {@code treeAggregate(depth = 2)}: partitions are
 * grouped {@code ⌈√P⌉} at a time, each group's full gradients are summed on an executor, and the driver
 * adds the group sums. Unlike {@code treeAggregate}, sums are taken in partition order rather than
 * arrival order (see {@link OrderedSum}), so the result is reproducible. The driver receives
 * {@code ⌈P/⌈√P⌉⌉ · 4·P} bytes: fine for small models, which is what this mode is for.
 */
public final class TreeGradientReduce implements GradientReduce {

    @Override
    public String name() {
        return ReduceMode.TREE.configName();
    }

    @Override
    public Reduced reduce(JavaRDD<FeatureBlock> blocks, GradientSource source, long step, FaultInjector faults) {
        int partitions = blocks.getNumPartitions();
        int groupSize = OrderedSum.groupSize(partitions);
        int groups = (partitions + groupSize - 1) / groupSize;
        List<PartialSum> groupSums = new ArrayList<>(blocks
                .mapPartitionsToPair((Iterator<FeatureBlock> it) -> {
                    PartialSum c = source.compute(it.next());
                    return List.of(new Tuple2<>(c.key() / groupSize, c)).iterator();
                })
                .partitionBy(new KeyPartitioner(groups))
                .mapPartitionsWithIndex((Integer group, Iterator<Tuple2<Integer, PartialSum>> it) -> {
                    List<PartialSum> parts = new ArrayList<>();
                    it.forEachRemaining(t -> parts.add(t._2()));
                    parts.sort(Comparator.comparingInt(PartialSum::key));
                    faults.maybeFail("tree-aggregate", step);
                    return List.of(OrderedSum.inOrder(parts, group)).iterator();
                }, true)
                .collect());
        groupSums.sort(Comparator.comparingInt(PartialSum::key));
        PartialSum total = OrderedSum.inOrder(groupSums, 0);
        long bytes = 4L * source.numParams() * groupSums.size();
        return new Reduced(total.values(), total.lossSum(), total.examples(), total.computeNanos(), bytes);
    }
}
