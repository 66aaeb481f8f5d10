package org.adanspark.optim;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntPredicate;

/**
 * Runs one task per shard that is worth one: the first on the calling thread, the others on a shared pool of
 * daemon threads sized to the machine. Returns when all have finished; the first failure is rethrown
 * after every shard has stopped, so no shard is still writing when the caller sees the exception.
 */
final class ShardRunner {

    /** Work on one shard. */
    @FunctionalInterface
    interface ShardTask {
        void run(int shard);
    }

    private static final ForkJoinPool POOL = new ForkJoinPool(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            new ForkJoinPool.ForkJoinWorkerThreadFactory() {
                private final AtomicInteger count = new AtomicInteger();

                @Override
                public ForkJoinWorkerThread newThread(ForkJoinPool pool) {
                    ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                    t.setName("adan-shard-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }
            },
            null, false);

    private ShardRunner() {
    }

    /**
     * @param shards how many shards there are
     * @param worthAThread which of them get a task (the others are left out)
     * @param task the work on one
     */
    static void forEach(int shards, IntPredicate worthAThread, ShardTask task) {
        int first = -1;
        ForkJoinTask<?>[] forked = null;
        for (int s = 0; s < shards; s++) {
            if (!worthAThread.test(s)) {
                continue;
            }
            if (first < 0) {
                first = s;
                continue;
            }
            if (forked == null) {
                forked = new ForkJoinTask<?>[shards];
            }
            final int shard = s;
            forked[s] = POOL.submit(() -> task.run(shard));
        }
        Throwable failure = null;
        try {
            if (first >= 0) {
                task.run(first);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        if (forked != null) {
            for (ForkJoinTask<?> f : forked) {
                if (f == null) {
                    continue;
                }
                try {
                    f.join();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw (RuntimeException) failure;
        }
    }
}
