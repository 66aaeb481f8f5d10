package org.adanspark.spark.barrier;

/**
 * The barrier stage cannot run: the cluster has had fewer task slots than the stage has tasks for longer than
 * {@code adan.train.capacity-wait} (a worker lost for good). The stage has been cancelled; the run continues
 * from its newest checkpoint in the {@code jobs} execution, which runs on any number of slots to the same bits
 * (docs/CLUSTER.md, "Lost capacity").
 */
public final class CapacityLostException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param tasks the stage's tasks
     * @param slots the task slots the cluster has
     * @param waitedMs how long it has had too few
     */
    CapacityLostException(int tasks, int slots, long waitedMs) {
        super("the barrier stage needs " + tasks + " task slots and the cluster has had " + slots + " for "
                + Math.round(waitedMs / 1000.0) + " s (adan.train.capacity-wait)");
    }
}
