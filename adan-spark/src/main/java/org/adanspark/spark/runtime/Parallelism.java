package org.adanspark.spark.runtime;

import org.apache.spark.SparkContext;

/**
 * How many partitions a run's data gets when the user does not say ({@code adan.data.partitions = 0}):
 * Spark's default parallelism (the executors' cores), and in the {@code barrier} execution no more than
 * the task slots, because each partition is a task that must run at the same time as all the others.
 */
public final class Parallelism {

    private Parallelism() {
    }

    /**
     * @param sc the Spark context
     * @param barrier whether the run's execution is {@code barrier}, whose partitions all run at once
     * @return the default partition count, at least 1
     */
    public static int defaultPartitions(SparkContext sc, boolean barrier) {
        int parallelism = Math.max(1, sc.defaultParallelism());
        if (!barrier) {
            return parallelism;
        }
        int slots = taskSlots(sc);
        return slots > 0 ? Math.min(parallelism, slots) : parallelism;
    }

    /**
     * @param sc the Spark context
     * @return the tasks the cluster can run at once now: executor cores ÷ {@code spark.task.cpus} (0 while
     *     no executor has registered)
     */
    public static int taskSlots(SparkContext sc) {
        return sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    }
}
