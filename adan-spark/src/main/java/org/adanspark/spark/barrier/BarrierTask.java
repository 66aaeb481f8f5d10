package org.adanspark.spark.barrier;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.adanspark.io.CorruptCheckpointException;
import org.adanspark.io.OptimizerCheckpoint;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.Precision;
import org.adanspark.optim.ShardLoop;
import org.adanspark.optim.ShardPlan;
import org.adanspark.optim.ShardState;
import org.adanspark.optim.ShardStatistics;
import org.adanspark.spark.checkpoint.CheckpointStore;
import org.adanspark.spark.checkpoint.ParamsCodec;
import org.adanspark.spark.checkpoint.TrainingCheckpoint;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.error.Failures;
import org.adanspark.spark.error.TrainingException;
import org.adanspark.spark.step.Evaluator;
import org.adanspark.spark.step.OrderedSum;
import org.adanspark.spark.step.PartialSum;
import org.adanspark.spark.step.StepCore;
import org.adanspark.spark.step.StepLoop;
import org.adanspark.spark.step.StepReport;
import org.adanspark.spark.step.TrainingRun;
import org.apache.hadoop.fs.FSError;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One task of the barrier stage: the whole training, from the run's start (or the newest checkpoint, when
 * Spark restarted the stage) to its end, for one data partition and one run of optimizer shards
 * (docs/ARCHITECTURE.md, "The barrier execution"). The task runs the {@link StepLoop} both executions
 * share; every step:
 * <ol>
 *   <li>the partition's gradient at this task's copy of θ ({@link org.adanspark.spark.step.GradientComputation});</li>
 *   <li>reduce-scatter: the slice of every owner goes to it; each owner sums the slices it receives in the
 *       {@link OrderedSum} shape the {@code jobs} execution uses, and takes the mean;</li>
 *   <li>the {@link StepCore} step over the task's shards, whose statistics (with every partition's loss)
 *       this task's exchange sends to every task over the data plane, so all make the same decision;</li>
 *   <li>each owner sends its updated slice of θ to every task.</li>
 * </ol>
 * Task 0 reports each step to the driver as a few numbers; every task writes its own shard files of a
 * checkpoint, task 0 the parameters and the manifests.
 */
final class BarrierTask extends AbstractFunction1<Iterator<TaskData>, Iterator<TaskResult>> implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(BarrierTask.class);

    private final BarrierJob job;

    /**
     * @param job the run
     */
    BarrierTask(BarrierJob job) {
        this.job = job;
    }

    @Override
    public Iterator<TaskResult> apply(Iterator<TaskData> input) {
        TaskData data = input.next();
        BarrierTaskContext task = BarrierTaskContext.get();
        CheckpointStore store = openStore();
        try (Peers peers = Peers.join(task, job, () -> restartPoint(task, store))) {
            TaskResult result = new Loop(peers, data, store).run();
            peers.finish();
            return CollectionConverters.asScala(result == null ? List.<TaskResult>of().iterator()
                    : List.of(result).iterator());
        }
    }

    /**
     * Where this attempt starts: the run's own start on the first attempt; after a failure, the newest
     * checkpoint of this run (the same model, data, seed, batch, optimizer, partitions and threads: a
     * checkpoint that gives the same bits) at or after the run's start, so the replay is short.
     */
    private String restartPoint(BarrierTaskContext task, CheckpointStore store) {
        String start = job.start().location() == null ? "" : job.start().location();
        if (task.stageAttemptNumber() == 0 || store == null) {
            return start;
        }
        try {
            Optional<String> latest = store.latestLocation();
            TrainingCheckpoint p = latest.isPresent() ? store.position(latest.get()) : null;
            if (p != null && p.step() >= job.start().step()
                    && p.at(0, job.steps().stepsPerEpoch(), 0).equals(job.checkpoints().position())) {
                LOG.info("barrier stage attempt {} resumes from {}", task.stageAttemptNumber(), latest.get());
                return latest.get();
            }
        } catch (CorruptCheckpointException e) {
            LOG.warn("barrier stage attempt {} finds no valid checkpoint and starts over: {}", task.stageAttemptNumber(),
                    e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + store + ": " + e.getMessage(), e);
        }
        return start;
    }

    private CheckpointStore openStore() {
        BarrierJob.Checkpoints checkpoints = job.checkpoints();
        if (checkpoints == null) {
            return null;
        }
        try {
            return new CheckpointStore(checkpoints.dir(), SparkHadoopUtil.get().newConfiguration(SparkEnv.get().conf()),
                    checkpoints.keep());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint directory " + checkpoints.dir() + ": " + e.getMessage(), e);
        }
    }

    /** The training of one task: its θ, its shards, and what each point of the {@link StepLoop} does. */
    private final class Loop implements StepLoop.Steps {
        private final Peers peers;
        private final TaskData data;
        private final CheckpointStore store;
        private final int rank;
        private final int size;
        private final Optimizer optimizer;
        /** Whether the run keeps a model EMA: evaluations and the saved model use its gathered weights. */
        private final boolean ema;
        private final ShardPlan plan;
        private final ShardOwnership owners;
        private final int groupSize;
        private final int from;
        private final int to;
        private float[] theta;
        private StepCore core;
        private long firstStep;
        private long skippedBefore;
        /** The step being taken. */
        private long current;
        /** The model EMA's weights gathered after the last step, when needed. */
        private float[] finalAverage;

        Loop(Peers peers, TaskData data, CheckpointStore store) {
            this.peers = peers;
            this.data = data;
            this.store = store;
            this.rank = peers.rank();
            this.size = peers.size();
            if (data.train().partition() != rank) {
                throw new IllegalStateException("barrier task " + rank + " holds partition " + data.train().partition());
            }
            this.optimizer = job.optimizer().build();
            this.ema = job.optimizer().emaDecay() > 0;
            this.plan = new ShardPlan(job.layout(), job.optimizer().shards());
            this.owners = new ShardOwnership(plan, size);
            this.groupSize = OrderedSum.groupSize(size);
            this.from = owners.from(rank);
            this.to = owners.to(rank);
            restore(peers.note().isEmpty() ? null : peers.note());
            if (rank == 0 && peers.attempt() > 0) {
                peers.toDriver(new Payload.Restart(peers.attempt(), peers.note().isEmpty() ? "the run's start"
                        : peers.note()).message(firstStep, rank));
            }
        }

        /** Loads θ and this task's shards from a checkpoint, or starts them fresh. */
        private void restore(String location) {
            ShardState[] shards = new ShardState[owners.endShard(rank) - owners.firstShard(rank)];
            if (location == null) {
                theta = job.gradient().model().initialParams();
                for (int i = 0; i < shards.length; i++) {
                    shards[i] = optimizer.initShard(plan, owners.firstShard(rank) + i, Precision.FLOAT32);
                }
                firstStep = job.start().step();
                skippedBefore = job.start().skippedBefore();
            } else {
                try {
                    TrainingCheckpoint position = store.position(location);
                    theta = store.params(location);
                    for (int i = 0; i < shards.length; i++) {
                        shards[i] = store.shard(location, optimizer, plan.numShards(), owners.firstShard(rank) + i);
                    }
                    firstStep = position.step();
                    skippedBefore = position.skippedSteps();
                } catch (IOException e) {
                    throw new UncheckedIOException("barrier task " + rank + " cannot restore " + location + ": "
                            + e.getMessage(), e);
                }
            }
            // one after another: the executor's cores belong to the gradient computation's threads
            core = new StepCore(optimizer, new ShardLoop.Owned(plan, shards, from, false),
                    job.optimizer().nonFinitePolicy(), job.roles().nonTrained(job.layout()));
        }

        TaskResult run() {
            TrainingRun.StepPlan steps = job.steps();
            long skippedLoss;
            try {
                skippedLoss = StepLoop.run(firstStep, steps.totalSteps(), steps.stepsPerEpoch(), steps.schedule(),
                        job.cadence(), skippedBefore, this);
            } catch (TrainingException e) {
                throw fail(e.getMessage());
            }
            long done = Math.max(firstStep, steps.totalSteps());
            if (ema && job.paramsToDriver() && finalAverage == null) {
                finalAverage = gatherAverage(done);
            }
            if (rank != 0) {
                return null;
            }
            float[] model = ema ? finalAverage : theta;
            return new TaskResult(ParamsCodec.sha256(theta), job.paramsToDriver() ? model : null, done,
                    skippedLoss + core.skippedByOptimizer());
        }

        /**
         * One step: this partition's gradient, the reduce-scatter to the owners, the {@link StepCore} step
         * with the statistics exchanged between all tasks, and the all-gather of θ.
         */
        @Override
        public StepLoop.Taken step(long step, int epoch, int stepInEpoch, double lr) {
            current = step;
            long t0 = System.nanoTime();
            PartialSum mine = job.gradient().compute(data.train(), theta, epoch, stepInEpoch, step);
            Payload.Partition myScalars = Payload.Partition.of(mine);
            for (int q = 0; q < size; q++) {
                if (owners.owns(q)) {
                    peers.send(q, myScalars.message(step, rank, Arrays.copyOfRange(mine.values(), owners.from(q),
                            owners.to(q))));
                }
            }
            float[] grads = null;
            if (owners.owns(rank)) {
                List<PartialSum> parts = new ArrayList<>(size);
                for (int q = 0; q < size; q++) {
                    parts.add(Payload.Partition.sumOf(peers.take(Message.Kind.GRADIENT, step, q)));
                }
                grads = StepCore.mean(OrderedSum.grouped(parts, groupSize, rank));
            }
            long t1 = System.nanoTime();
            StepCore.Result r = core.step(step, epoch, lr, theta, grads, mine, exchange(step));
            long t2 = System.nanoTime();
            if (!r.skipped()) {
                allGather(Message.Kind.PARAMETERS, step, theta);
            }
            long t3 = System.nanoTime();
            double computeMs = r.computeNanos() / 1e6;
            StepReport report = new StepReport(r.loss(), r.examples(), r.skipped(), lr, computeMs,
                    Math.max(0, (t1 - t0) / 1e6 - computeMs), (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6, 0, 0);
            return new StepLoop.Taken(report, r.nonFiniteLoss());
        }

        /**
         * The data plane's exchange of one step: every task's screening statistics and partition scalars to
         * every task, which adds the scalars in {@link OrderedSum}'s shape; and, for optimizers that refine,
         * every owner's second-round statistics.
         */
        private StepCore.Exchange exchange(long step) {
            return new StepCore.Exchange() {
                @Override
                public StepCore.Screened screened(PartialSum mine, ShardStatistics[] own) {
                    peers.sendAll(new Payload.Statistics(Payload.Partition.of(mine), own).message(step, rank));
                    ShardStatistics[] all = new ShardStatistics[plan.numShards()];
                    List<PartialSum> scalars = new ArrayList<>(size);
                    for (int q = 0; q < size; q++) {
                        Payload.Statistics theirs = Payload.Statistics.read(peers.take(Message.Kind.STATISTICS, step, q));
                        scalars.add(theirs.partition().sum(q, new float[0]));
                        for (ShardStatistics s : theirs.shards()) {
                            all[s.shard()] = s;
                        }
                    }
                    return new StepCore.Screened(all, OrderedSum.grouped(scalars, groupSize, 0));
                }

                @Override
                public ShardStatistics[] prepared(ShardStatistics[] own) {
                    peers.sendAll(new Payload.Refinement(own).message(step, rank));
                    ShardStatistics[] all = new ShardStatistics[plan.numShards()];
                    for (int q = 0; q < size; q++) {
                        for (ShardStatistics s : Payload.Refinement.read(peers.take(Message.Kind.REFINEMENT, step, q))
                                .shards()) {
                            all[s.shard()] = s;
                        }
                    }
                    return all;
                }
            };
        }

        /** Task 0 sends each step's report to the driver; the others keep theirs. */
        @Override
        public void report(long done, int epoch, StepReport report) {
            if (rank == 0) {
                peers.toDriver(new Payload.Step(report).message(done - 1, rank));
            }
        }

        /**
         * All-gather of a vector whose owners' slices are in place in {@code into}: this owner's slice
         * {@code [from, to)} to every task, every other owner's slice into {@code into}.
         */
        private void allGather(Message.Kind kind, long at, float[] into) {
            if (owners.owns(rank)) {
                Message slice = new Message(kind, at, rank, new byte[0], Arrays.copyOfRange(into, from, to));
                for (int q = 0; q < size; q++) {
                    if (q != rank) {
                        peers.send(q, slice);
                    }
                }
            }
            for (int q = 0; q < size; q++) {
                if (q != rank && owners.owns(q)) {
                    float[] values = peers.take(kind, at, q).floats();
                    System.arraycopy(values, 0, into, owners.from(q), values.length);
                }
            }
        }

        /**
         * Every task writes its shard files into the pending checkpoint and tells task 0, which writes θ and
         * the manifests and commits it.
         */
        @Override
        public void checkpoint(long done, long skippedLoss) {
            long t = System.nanoTime();
            CheckpointStore.Pending pending = null;
            try {
                pending = store.begin(done, Long.toHexString(job.run()) + "-a" + peers.attempt());
                List<OptimizerCheckpoint.ShardFile> files = new ArrayList<>();
                for (ShardState shard : core.shards()) {
                    files.add(OptimizerCheckpoint.writeShardFile(pending.optimizerFiles(), shard));
                }
                if (rank != 0) {
                    peers.send(0, new Payload.ShardFiles(files).message(done, rank));
                    return;
                }
                CheckpointStore.Pending.Params params = pending.writeParams(theta);
                for (int q = 1; q < size; q++) {
                    files.addAll(Payload.ShardFiles.read(peers.take(Message.Kind.SHARD_FILES, done, q)).files());
                }
                files.sort(Comparator.comparingInt(OptimizerCheckpoint.ShardFile::index));
                ShardState first = core.shards()[0];
                OptimizerCheckpoint.writeManifest(pending.optimizerFiles(), optimizer, job.layout(), Precision.FLOAT32,
                        first.step(), first.skippedSteps(), files);
                TrainingCheckpoint position = job.checkpoints().position().at(done, job.steps().stepsPerEpoch(),
                        skippedLoss);
                CheckpointStore.Saved saved = store.commit(pending, position, params, optimizer);
                peers.toDriver(new Payload.Checkpoint(saved.location(), saved.written(),
                        (System.nanoTime() - t) / 1_000_000).message(done, rank));
            } catch (IOException | FSError e) { // FSError: a full local disk
                if (killed(e)) { // Spark is stopping this attempt (a peer failed): it restarts the stage
                    throw new UncheckedIOException("checkpoint at step " + done + " interrupted: the task was killed",
                            e instanceof IOException io ? io : new IOException(e));
                }
                // a retry of the stage would meet the same disk: the run stops, and says why — before the
                // pending checkpoint goes, whose removal the other tasks' writes may fail on in turn
                String message = "cannot write checkpoint at step " + done + " to " + store + ": " + Failures.reason(e);
                report(rank, message);
                if (pending != null) {
                    pending.abandon(); // no half-written checkpoint is left, not even under a hidden name
                }
                throw new TrainingException(message, null);
            }
        }

        /**
         * Evaluates this task's test blocks at θ, and at the model EMA's weights when the run keeps one, and
         * sends the sums to the driver (three numbers per set of weights).
         */
        @Override
        public void evaluate(long done, int epoch, boolean last) {
            float[] average = ema ? gatherAverage(done) : null;
            if (last) {
                finalAverage = average;
            }
            List<float[]> evaluated = average == null ? List.of(theta) : List.of(theta, average);
            double[] sums = new double[3 * evaluated.size()]; // θ's three sums, then the model EMA's
            for (int w = 0; w < evaluated.size(); w++) {
                double[] total = new double[3];
                for (FeatureBlock block : data.test()) {
                    Evaluator.add(total, Evaluator.sums(block, job.gradient().model(), evaluated.get(w),
                            job.gradient().compute()));
                }
                System.arraycopy(total, 0, sums, 3 * w, 3);
            }
            peers.toDriver(new Payload.Evaluation(sums).message(done, rank));
        }

        /**
         * All-gather of the model EMA's weights, as of θ after a step: each owner puts its shards' slices of
         * the average ({@link StepCore#average}) and sends them to every task.
         */
        private float[] gatherAverage(long done) {
            float[] average = new float[theta.length];
            core.average(theta, average);
            allGather(Message.Kind.AVERAGE, done, average);
            return average;
        }

        /**
         * @return whether a failed write is this task being killed (Spark interrupts the task's thread when it
         *     cancels the attempt), not the file system failing
         */
        private boolean killed(Throwable e) {
            org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
            if (Thread.currentThread().isInterrupted() || task != null && task.isInterrupted()) {
                return true;
            }
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof InterruptedException || t instanceof java.io.InterruptedIOException
                        || t instanceof java.nio.channels.ClosedByInterruptException) {
                    return true;
                }
            }
            return false;
        }

        /** Tells the driver why the run stops (task 0, for what every task meets alike), then fails this task. */
        private TrainingException fail(String message) {
            report(0, message);
            throw new TrainingException(message, null);
        }

        /**
         * Tells the driver why the run stops when this task is {@code reporter}; the driver stops the run with
         * the first such message instead of restarting the stage.
         */
        private void report(int reporter, String message) {
            if (rank == reporter) {
                peers.toDriver(new Payload.Fatal(message).message(current, rank));
                peers.flushDriver();
            }
        }
    }
}
