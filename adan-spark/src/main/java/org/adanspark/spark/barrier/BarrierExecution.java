package org.adanspark.spark.barrier;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.adanspark.spark.checkpoint.CheckpointStore;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.Settings;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.data.LabelKind;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.TrainingException;
import org.adanspark.spark.metrics.EvaluationResult;
import org.adanspark.spark.metrics.StepMetrics;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.runtime.Parallelism;
import org.adanspark.spark.step.Evaluator;
import org.adanspark.spark.step.Execution;
import org.adanspark.spark.step.SparkFailure;
import org.adanspark.spark.step.StepReport;
import org.adanspark.spark.step.TrainingOutcome;
import org.adanspark.spark.step.TrainingRun;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The {@code barrier} execution (docs/ARCHITECTURE.md, "The barrier execution"): the whole run as one
 * barrier stage of one task per data partition, each task keeping its partition, a copy of θ and its run
 * of optimizer shards (ZeRO-1) for the life of the stage; gradients, statistics and θ slices move between
 * the tasks on Spark's network module ({@link BarrierTask}). The driver never holds θ or optimizer state:
 * it checks that the cluster has a slot for every task, starts the stage, and turns the small messages
 * task 0 (and, for evaluations, every task) sends it into the same progress, metrics and evaluations the
 * {@code jobs} execution reports. When a task fails Spark restarts the whole stage; its tasks resume
 * from the newest checkpoint and replay to the same bits, and the driver does not report a replayed step
 * twice.
 */
public final class BarrierExecution implements Execution {

    private static final Logger LOG = LoggerFactory.getLogger(BarrierExecution.class);
    private static final long SLOT_WAIT_MS = 30_000;
    /** How long a driver that failed waits for its cancelled stage to stop. */
    private static final long STOP_WAIT_MS = 30_000;

    private final JavaSparkContext jsc;
    private final Duration timeout;
    private final Duration capacityWait;
    private final List<TrainingListener> listeners;
    private final boolean paramsToDriver;

    /**
     * @param jsc the Spark context
     * @param timeout how long a task waits for a peer's message ({@code adan.train.barrier-timeout})
     * @param capacityWait how long the stage may have fewer task slots than tasks before the run gives it up
     *     ({@code adan.train.capacity-wait}; zero: as long as Spark retries it)
     * @param listeners who receives the progress
     * @param paramsToDriver whether the final θ comes back to the driver (a model to save or fit); without
     *     it the driver receives only its checksum
     */
    public BarrierExecution(JavaSparkContext jsc, Duration timeout, Duration capacityWait,
                            List<TrainingListener> listeners, boolean paramsToDriver) {
        this.jsc = jsc;
        this.timeout = timeout;
        this.capacityWait = capacityWait;
        this.listeners = List.copyOf(listeners);
        this.paramsToDriver = paramsToDriver;
    }

    @Override
    public String name() {
        return ExecutionMode.BARRIER.configName();
    }

    @Override
    public TrainingOutcome train(TrainingRun run) {
        int tasks = run.train().numPartitions();
        checkCluster(tasks);
        long runId = new SecureRandom().nextLong();
        LinkedBlockingQueue<Message> events = new LinkedBlockingQueue<>();
        String host = jsc.getConf().get("spark.driver.host", "127.0.0.1");
        try (MessageServer server = new MessageServer(jsc.getConf(), SparkEnv.get().securityManager(), host, runId, -1,
                events::add)) {
            CheckpointStore store = run.checkpoints().store();
            BarrierJob job = new BarrierJob(runId, server.address(), timeout.toMillis(), paramsToDriver,
                    run.gradientComputation(), run.optimizer(), run.layout(), run.roles(), run.steps(), run.cadence(),
                    run.start(),
                    store == null ? null : new BarrierJob.Checkpoints(store.uri(), store.keep(),
                            run.checkpoints().position()));
            LOG.info("barrier execution: one stage of {} tasks, each owning its partition and a run of the optimizer's"
                    + " {} shards; data plane on Spark's network module ({}), events to the driver at {}", tasks,
                    run.optimizer().shards(), server.protection(), server.address());
            ClassTag<TaskResult> tag = ClassTag$.MODULE$.apply(TaskResult.class);
            RDD<TaskResult> stage = taskData(run, tasks).rdd().barrier().mapPartitions(new BarrierTask(job), false, tag);
            stage.setName("adan-train barrier stage");
            String group = "adan-train-barrier-" + Long.toHexString(runId);
            CallersGroup callers = CallersGroup.of(jsc);
            long first = run.start().step();
            long total = run.steps().totalSteps();
            jsc.setJobGroup(group, "adan-train barrier: " + tasks + " tasks, steps " + (first + 1) + "–" + total, true);
            jsc.sc().setCallSite("adan-train barrier: " + tasks + " tasks × " + (total - first) + " steps");
            Events progress = new Events(run, tasks);
            try {
                // Spark restarts a failed barrier stage only when it is a shuffle map stage (a failed barrier result
                // stage aborts the job), so the tasks' results cross one shuffle to the driver
                JavaFutureAction<List<TaskResult>> future = new JavaRDD<>(stage, tag).coalesce(1, true).collectAsync();
                try {
                    Capacity capacity = new Capacity(tasks);
                    while (!future.isDone()) {
                        Message m = events.poll(100, TimeUnit.MILLISECONDS);
                        if (m != null && !progress.handle(m)) {
                            jsc.cancelJobGroup(group);
                        }
                        capacity.check();
                    }
                    for (Message m = events.poll(); m != null; m = events.poll()) {
                        progress.handle(m);
                    }
                } catch (RuntimeException | Error e) { // a listener failed, e.g. a metrics file on a full disk
                    stopStage(group, future);
                    throw e;
                }
                TaskResult result;
                try {
                    result = finish(future, progress, run);
                } catch (TrainingException e) {
                    if (progress.fatal == null && StageAttemptsExhaustedException.isExhaustion(e)) {
                        throw new StageAttemptsExhaustedException(e);
                    }
                    throw e;
                }
                return new TrainingOutcome(result.params(), result.paramsSha256(), result.steps(), result.skippedSteps(),
                        progress.finalAccuracy, progress.finalEmaAccuracy);
            } catch (InterruptedException e) {
                jsc.cancelJobGroup(group);
                Thread.currentThread().interrupt();
                throw new TrainingException("interrupted while training", e);
            } finally {
                callers.restore(jsc);
                jsc.sc().clearCallSite();
            }
        }
    }

    /** The stage's result, once it has ended; its failure as a {@link TrainingException} saying how to go on. */
    private static TaskResult finish(JavaFutureAction<List<TaskResult>> future, Events progress, TrainingRun run) {
        return SparkFailure.during("the barrier stage", run.checkpoints().store(), () -> {
            try {
                return future.get().stream().filter(r -> r != null).findFirst().orElseThrow();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while training", e);
            } catch (ExecutionException e) {
                if (progress.fatal != null) {
                    throw new TrainingException(progress.fatal, null);
                }
                throw new IllegalStateException(e.getCause() == null ? e : e.getCause());
            }
        });
    }

    /**
     * Watches the cluster's task slots while the stage runs: when they have been fewer than the stage's tasks
     * for longer than {@link #capacityWait}, Spark's retries of the stage cannot succeed until a worker comes
     * back, so the run gives the stage up ({@link CapacityLostException}). Local mode never loses slots.
     */
    private final class Capacity {
        private final int tasks;
        private long nextCheck;
        private long shortSince = -1;

        Capacity(int tasks) {
            this.tasks = tasks;
        }

        void check() {
            long now = System.currentTimeMillis();
            if (capacityWait.isZero() || jsc.isLocal() || now < nextCheck) {
                return;
            }
            nextCheck = now + 1000;
            int slots = Parallelism.taskSlots(jsc.sc());
            if (slots >= tasks) {
                shortSince = -1;
            } else if (shortSince < 0) {
                shortSince = now;
                LOG.warn("the cluster has {} task slot{} for the barrier stage's {} tasks; waiting up to {} s for"
                        + " them (adan.train.capacity-wait)", slots, slots == 1 ? "" : "s", tasks,
                        capacityWait.toSeconds());
            } else if (now - shortSince > capacityWait.toMillis()) {
                throw new CapacityLostException(tasks, slots, now - shortSince);
            }
        }
    }

    /**
     * Cancels the stage and waits (at most {@link #STOP_WAIT_MS}) until its tasks have stopped, so that the
     * failure the driver reports is not followed by the errors of tasks Spark is shut down under.
     */
    private void stopStage(String group, JavaFutureAction<?> future) {
        jsc.cancelJobGroup(group);
        try {
            future.get(STOP_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.CancellationException
                 | java.util.concurrent.TimeoutException e) {
            LOG.debug("the cancelled barrier stage ended with {}", e.toString());
        }
    }

    /**
     * Refuses what cannot run a barrier stage, before any work: dynamic allocation (Spark does not run
     * barrier stages under it) and fewer free task slots than tasks (Spark would wait and retry for minutes
     * before failing). On a cluster, executors that are still registering are waited for up to 30 s.
     */
    private void checkCluster(int tasks) {
        refuseDynamicAllocation(jsc.getConf());
        long deadline = System.currentTimeMillis() + (jsc.isLocal() ? 0 : SLOT_WAIT_MS);
        int slots = Parallelism.taskSlots(jsc.sc());
        while (slots < tasks && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            slots = Parallelism.taskSlots(jsc.sc());
        }
        if (slots < tasks) {
            throw new ConfigurationException(Settings.EXECUTION.named() + " barrier runs one task per partition at "
                    + "once: the training data has " + tasks + " partitions but the cluster has " + slots
                    + " task slots (executor cores / spark.task.cpus); give --partitions " + Math.max(1, slots)
                    + " or more executors, or use --execution jobs", null);
        }
    }

    /**
     * @param conf the application's configuration
     * @throws ConfigurationException when dynamic allocation is on
     */
    static void refuseDynamicAllocation(SparkConf conf) {
        if (conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
            throw new ConfigurationException(Settings.EXECUTION.named() + " barrier needs a fixed set of executors, "
                    + "but spark.dynamicAllocation.enabled is true; turn it off or use --execution jobs", null);
        }
    }

    /**
     * Each task's data: its training block, with the test blocks it evaluates (the test set cut into as
     * many parts as there are tasks).
     */
    private JavaRDD<TaskData> taskData(TrainingRun run, int tasks) {
        JavaRDD<FeatureBlock> train = run.train().blocks();
        BlockDataset test = run.test();
        if (test == null) {
            return train.map(block -> new TaskData(block, List.of()));
        }
        JavaRDD<FeatureBlock> testBlocks = test.blocks();
        if (testBlocks.getNumPartitions() != tasks) {
            testBlocks = testBlocks.coalesce(tasks, true);
        }
        return train.zipPartitions(testBlocks, (a, b) -> {
            List<FeatureBlock> mine = new ArrayList<>();
            b.forEachRemaining(mine::add);
            return List.of(new TaskData(a.next(), mine)).iterator();
        });
    }

    /** The caller's job group (a CrossValidator's, say), set back after the stage's own. */
    private record CallersGroup(String id, String description, String interrupt) {
        private static final String[] KEYS = {"spark.jobGroup.id", "spark.job.description", "spark.job.interruptOnCancel"};

        static CallersGroup of(JavaSparkContext jsc) {
            return new CallersGroup(jsc.getLocalProperty(KEYS[0]), jsc.getLocalProperty(KEYS[1]),
                    jsc.getLocalProperty(KEYS[2]));
        }

        void restore(JavaSparkContext jsc) {
            jsc.setLocalProperty(KEYS[0], id);
            jsc.setLocalProperty(KEYS[1], description);
            jsc.setLocalProperty(KEYS[2], interrupt);
        }
    }

    /** The driver's side of the run: turns the tasks' events into the listeners' calls. */
    private final class Events {
        private final TrainingRun run;
        private final int tasks;
        /** Per evaluation (steps done), each task's sums by rank: a restarted stage may send a rank's twice. */
        private final Map<Long, double[][]> evaluations = new HashMap<>();
        private final Set<Long> evaluated = new HashSet<>();
        private long reported;
        private boolean replaying;
        private double finalAccuracy = Double.NaN;
        private double finalEmaAccuracy = Double.NaN;
        private String fatal;

        Events(TrainingRun run, int tasks) {
            this.run = run;
            this.tasks = tasks;
            this.reported = run.start().step();
        }

        /** @return false when the run must stop */
        boolean handle(Message m) {
            switch (m.kind()) {
                case STEP -> step(m, Payload.Step.read(m));
                case EVALUATION -> evaluation(m, Payload.Evaluation.read(m));
                case RESTART -> {
                    Payload.Restart r = Payload.Restart.read(m);
                    LOG.warn("a task of the barrier stage failed and Spark restarted the stage: attempt {} resumes from "
                            + "{} at step {}", r.attempt() + 1, r.resumesFrom(), m.step());
                }
                case CHECKPOINT -> {
                    Payload.Checkpoint c = Payload.Checkpoint.read(m);
                    LOG.info("checkpoint {} {} in {} ms", c.location(),
                            c.written() ? "written" : "is already there and valid; kept", c.millis());
                }
                case FATAL -> {
                    if (fatal == null) { // the first: later ones may be its consequences
                        fatal = Payload.Fatal.read(m).reason();
                    }
                    return false;
                }
                default -> LOG.warn("the driver received an unexpected {}", m);
            }
            return true;
        }

        private void step(Message m, Payload.Step s) {
            long done = m.step() + 1;
            if (done <= reported) {
                if (!replaying) {
                    LOG.info("the barrier stage was restarted; its tasks replay steps {} to {} to the same bits",
                            done, reported);
                    replaying = true;
                }
                return;
            }
            replaying = false;
            int epoch = (int) (m.step() / run.steps().stepsPerEpoch());
            StepReport report = s.report().withDriverBytes(m.encodedBytes(), 0);
            StepMetrics metrics = report.metrics(done, run.steps().totalSteps(), epoch);
            reported = done;
            listeners.forEach(l -> l.onStep(metrics));
        }

        private void evaluation(Message m, Payload.Evaluation e) {
            if (evaluated.contains(m.step())) {
                return; // replayed after a restart: reported already
            }
            double[][] parts = evaluations.computeIfAbsent(m.step(), k -> new double[tasks][]);
            double[] sums = e.sums(); // θ's three sums, then the model EMA's
            if (sums.length != (run.ema() ? 6 : 3)) {
                throw new IllegalStateException("task " + m.from() + " sent " + sums.length + " evaluation sums for step "
                        + m.step() + "; the run expects " + (run.ema() ? 6 : 3));
            }
            parts[m.from()] = sums;
            for (double[] p : parts) {
                if (p == null) {
                    return;
                }
            }
            evaluations.remove(m.step());
            evaluated.add(m.step());
            EvaluationResult result = total(parts, 0);
            EvaluationResult ema = run.ema() ? total(parts, 3) : null;
            long done = m.step();
            int epoch = (int) ((done - 1) / run.steps().stepsPerEpoch());
            if (done == run.steps().totalSteps()) {
                finalAccuracy = result.accuracy();
                finalEmaAccuracy = ema == null ? Double.NaN : ema.accuracy();
            }
            listeners.forEach(l -> l.onEvaluation(epoch, done, result, ema));
        }

        /** The evaluation from every task's three sums starting at {@code from}, added in rank order. */
        private EvaluationResult total(double[][] parts, int from) {
            double[] total = new double[3];
            for (double[] p : parts) {
                Evaluator.add(total, Arrays.copyOfRange(p, from, from + 3));
            }
            return EvaluationResult.of(total, run.test().labelKind() == LabelKind.NEXT_TOKEN);
        }
    }
}
