package org.adanspark.spark.step;

import org.apache.spark.broadcast.Broadcast;

/**
 * Destroying a broadcast and waiting until every block manager has dropped it. Spark's public
 * {@code destroy()} returns at once and leaves the executors' removal running on their block managers'
 * asynchronous pool; a removal still running when the application stops Spark finds that pool shut down, and
 * Scala's default reporter prints the rejected callback's stack trace on stderr, after the run's last line.
 */
public final class Broadcasts {

    private Broadcasts() {
    }

    /**
     * Destroys a broadcast and waits for its removal everywhere.
     *
     * @param broadcast the broadcast; unusable afterwards
     */
    public static void destroy(Broadcast<?> broadcast) {
        broadcast.destroy(true); // Spark's blocking form (private[spark] in Scala, public to Java)
    }
}
