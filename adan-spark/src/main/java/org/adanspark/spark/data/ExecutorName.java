package org.adanspark.spark.data;

import org.apache.spark.SparkEnv;

/** Names the JVM a task runs in, for messages about what that JVM could not read. */
final class ExecutorName {

    private ExecutorName() {
    }

    /** @return "executor 3 on host7" on a cluster, "the driver (local mode)" in local mode */
    static String current() {
        SparkEnv env = SparkEnv.get();
        if (env == null || "driver".equals(env.executorId())) {
            return "the driver (local mode)";
        }
        return "executor " + env.executorId() + " on " + env.blockManager().blockManagerId().host();
    }
}
