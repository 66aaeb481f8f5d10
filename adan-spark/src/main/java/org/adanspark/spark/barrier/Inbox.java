package org.adanspark.spark.barrier;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.TaskContext;

/**
 * What a barrier task has received and not yet taken, by (kind, step, sender). A task takes the messages
 * of a phase in the order it needs them; one that arrives early (a faster peer's next step) waits here.
 * Waiting is how the tasks synchronise: a task that has taken every peer's message of a phase knows they
 * all reached it. While it waits it checks whether Spark has killed the task (a peer failed, so the
 * stage is being restarted), and gives up after a timeout that names what it was waiting for.
 */
final class Inbox {

    private static final long POLL_MS = 50;

    private record Key(Message.Kind kind, long step, int from) {
    }

    private final Map<Key, Message> waiting = new HashMap<>();
    private final long timeoutMs;

    /**
     * @param timeoutMs how long a task waits for one message before it fails the stage
     */
    Inbox(long timeoutMs) {
        this.timeoutMs = timeoutMs;
    }

    /**
     * Keeps a received message (network threads call this).
     *
     * @param m the message
     */
    synchronized void put(Message m) {
        Key key = new Key(m.kind(), m.step(), m.from());
        if (waiting.putIfAbsent(key, m) != null) {
            throw new IllegalStateException("a second " + m + " arrived");
        }
        notifyAll();
    }

    /**
     * Waits for and removes one message.
     *
     * @param kind its kind
     * @param step its step
     * @param from its sender
     * @return the message
     * @throws BarrierTimeoutException when it has not come within the timeout
     */
    synchronized Message take(Message.Kind kind, long step, int from) {
        Key key = new Key(kind, step, from);
        long deadline = System.currentTimeMillis() + timeoutMs;
        Message m;
        while ((m = waiting.remove(key)) == null) {
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.killTaskIfInterrupted();
            }
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new BarrierTimeoutException("task waited " + timeoutMs + " ms for the " + kind + " message of step "
                        + step + " from task " + from + " (adan.train.barrier-timeout); that task is stuck or gone");
            }
            try {
                wait(Math.min(POLL_MS, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + kind + " of step " + step, e);
            }
        }
        return m;
    }

    /** A peer's message did not come in time. */
    static final class BarrierTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BarrierTimeoutException(String message) {
            super(message);
        }
    }
}
