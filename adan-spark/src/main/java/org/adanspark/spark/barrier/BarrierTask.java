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
import org.adanspark.optim.ModelEma;
import org.adanspark.optim.NonFiniteGradientException;
import org.adanspark.optim.NonFinitePolicy;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.Precision;
import org.adanspark.optim.ShardPlan;
import org.adanspark.optim.ShardState;
import org.adanspark.optim.ShardStatistics;
import org.adanspark.optim.StepDecision;
import org.adanspark.spark.comm.OrderedSum;
import org.adanspark.spark.comm.PartialSum;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.train.CheckpointStore;
import org.adanspark.spark.train.Evaluator;
import org.adanspark.spark.train.ParamsCodec;
import org.adanspark.spark.train.TrainingCheckpoint;
import org.adanspark.spark.train.TrainingException;
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
 * (docs/ARCHITECTURE.md, "The barrier execution"). Every step:
 * <ol>
 *   <li>the partition's gradient at this task's copy of θ ({@link org.adanspark.spark.train.GradientComputation});</li>
 *   <li>reduce-scatter: the slice of every owner goes to it; each owner sums the slices it receives in the
 *       {@link OrderedSum} shape the {@code jobs} execution uses, and divides by the examples;</li>
 *   <li>each owner screens its shards; the statistics and every partition's loss go to every task, which
 *       all combine them the same way (and refine, for LAMB);</li>
 *   <li>each owner applies the step to its shards and its slice of θ, then sends the slice to every task.</li>
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
        String start = job.restoredFrom() == null ? "" : job.restoredFrom();
        if (task.stageAttemptNumber() == 0 || store == null) {
            return start;
        }
        try {
            Optional<String> latest = store.latestLocation();
            TrainingCheckpoint p = latest.isPresent() ? store.position(latest.get()) : null;
            if (p != null && p.step() >= job.firstStep() && p.at(0, job.stepsPerEpoch(), 0).equals(job.position())) {
                LOG.info("barrier stage attempt {} resumes from {}", task.stageAttemptNumber(), latest.get());
                return latest.get();
            }
        } catch (CorruptCheckpointException e) {
            LOG.warn("barrier stage attempt {} finds no valid checkpoint and starts over: {}", task.stageAttemptNumber(),
                    e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + job.checkpointDir() + ": " + e.getMessage(), e);
        }
        return start;
    }

    private CheckpointStore openStore() {
        if (job.checkpointDir() == null) {
            return null;
        }
        try {
            return new CheckpointStore(job.checkpointDir(), SparkHadoopUtil.get().newConfiguration(SparkEnv.get().conf()),
                    job.checkpointKeep());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint directory " + job.checkpointDir() + ": " + e.getMessage(), e);
        }
    }

    /** The training loop of one task, with its state. */
    private final class Loop {
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
        private final ShardState[] shards;
        private final int from;
        private final int to;
        private float[] theta;
        private long step;
        private long skippedLoss;

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
            this.ema = optimizer instanceof ModelEma;
            this.plan = new ShardPlan(job.layout(), job.optimizer().shards());
            this.owners = new ShardOwnership(plan, size);
            this.groupSize = OrderedSum.groupSize(size);
            this.shards = new ShardState[owners.endShard(rank) - owners.firstShard(rank)];
            this.from = owners.from(rank);
            this.to = owners.to(rank);
            restore(peers.note().isEmpty() ? null : peers.note());
            if (rank == 0 && peers.attempt() > 0) {
                peers.toDriver(new Payload.Restart(peers.attempt(), peers.note().isEmpty() ? "the run's start"
                        : peers.note()).message(step, rank));
            }
        }

        /** Loads θ and this task's shards from a checkpoint, or starts them fresh. */
        private void restore(String location) {
            if (location == null) {
                theta = job.model().initialParams();
                for (int i = 0; i < shards.length; i++) {
                    shards[i] = optimizer.initShard(plan, owners.firstShard(rank) + i, Precision.FLOAT32);
                }
                step = job.firstStep();
                skippedLoss = job.skippedBefore();
                return;
            }
            try {
                TrainingCheckpoint position = store.position(location);
                theta = store.params(location);
                for (int i = 0; i < shards.length; i++) {
                    shards[i] = store.shard(location, optimizer, plan.numShards(), owners.firstShard(rank) + i);
                }
                step = position.step();
                skippedLoss = position.skippedSteps();
            } catch (IOException e) {
                throw new UncheckedIOException("barrier task " + rank + " cannot restore " + location + ": " + e.getMessage(), e);
            }
        }

        TaskResult run() {
            long lastCheckpoint = -1;
            while (step < job.totalSteps()) {
                takeStep();
                long done = step;
                boolean epochEnd = done % job.stepsPerEpoch() == 0;
                if (store != null && job.checkpointEvery() > 0 && done % job.checkpointEvery() == 0) {
                    checkpoint(done);
                    lastCheckpoint = done;
                }
                if (epochEnd && job.evaluateEveryEpoch() && done < job.totalSteps() && job.hasTest()) {
                    evaluate(done, ema ? gatherAverage(done) : null);
                }
            }
            if (store != null && lastCheckpoint != step) {
                checkpoint(step);
            }
            float[] average = ema && (job.hasTest() || job.paramsToDriver()) ? gatherAverage(step) : null;
            evaluate(step, average);
            if (rank != 0) {
                return null;
            }
            long skipped = skippedLoss + shards[0].skippedSteps();
            float[] model = ema ? average : theta;
            return new TaskResult(ParamsCodec.sha256(theta), job.paramsToDriver() ? model : null, step, skipped);
        }

        /** One step, as the class describes; advances {@link #step}. */
        private void takeStep() {
            long t0 = System.nanoTime();
            int epoch = (int) (step / job.stepsPerEpoch());
            int stepInEpoch = (int) (step % job.stepsPerEpoch());
            double lr = job.schedule().at(step);
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
                PartialSum sum = OrderedSum.grouped(parts, groupSize, rank);
                grads = sum.values();
                float count = sum.examples();
                for (int i = 0; i < grads.length; i++) {
                    grads[i] /= count;
                }
            }
            long t1 = System.nanoTime();

            ShardStatistics[] screened = new ShardStatistics[shards.length];
            for (int i = 0; i < shards.length; i++) {
                screened[i] = optimizer.screen(shards[i], grads, shards[i].offset() - from);
            }
            peers.sendAll(new Payload.Statistics(myScalars, screened).message(step, rank));
            ShardStatistics[] stats = new ShardStatistics[plan.numShards()];
            List<PartialSum> scalars = new ArrayList<>(size);
            for (int q = 0; q < size; q++) {
                Payload.Statistics theirs = Payload.Statistics.read(peers.take(Message.Kind.STATISTICS, step, q));
                scalars.add(theirs.partition().sum(q, new float[0]));
                for (ShardStatistics s : theirs.shards()) {
                    stats[s.shard()] = s;
                }
            }
            PartialSum total = OrderedSum.grouped(scalars, groupSize, 0);
            double loss = total.lossSum() / total.examples();
            boolean skipped = true;
            if (!Double.isFinite(loss)) {
                if (job.optimizer().nonFinitePolicy() == NonFinitePolicy.FAIL) {
                    throw fail("step " + (step + 1) + " (epoch " + (epoch + 1) + "): the mean training loss is " + loss
                            + "; set adan.optimizer.non-finite = skip to skip such steps");
                }
                skippedLoss++;
            } else {
                StepDecision decision;
                try {
                    decision = optimizer.combine(plan, stats, lr);
                } catch (NonFiniteGradientException e) {
                    throw fail("step " + (step + 1) + " (epoch " + (epoch + 1) + "): " + e.getMessage()
                            + "; set adan.optimizer.non-finite = skip to skip such steps");
                }
                if (!decision.skip() && optimizer.refines()) {
                    decision = refine(decision, grads);
                }
                if (!decision.skip()) {
                    for (ShardState shard : shards) {
                        optimizer.apply(shard, theta, shard.offset(), grads, shard.offset() - from, decision);
                    }
                }
                for (ShardState shard : shards) {
                    shard.record(decision);
                }
                skipped = decision.skip();
            }
            long t2 = System.nanoTime();
            if (!skipped) {
                gatherParameters();
            }
            long t3 = System.nanoTime();
            if (rank == 0) {
                double computeMs = total.computeNanos() / 1e6;
                peers.toDriver(new Payload.Step(loss, total.examples(), skipped, lr, computeMs,
                        Math.max(0, (t1 - t0) / 1e6 - computeMs), (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6)
                        .message(step, rank));
            }
            step++;
        }

        /** LAMB's second round: every owner's {@code prepare} statistics to every task, then refine. */
        private StepDecision refine(StepDecision decision, float[] grads) {
            ShardStatistics[] prepared = new ShardStatistics[shards.length];
            for (int i = 0; i < shards.length; i++) {
                prepared[i] = optimizer.prepare(shards[i], theta, shards[i].offset(), grads, shards[i].offset() - from,
                        decision);
            }
            peers.sendAll(new Payload.Refinement(prepared).message(step, rank));
            ShardStatistics[] all = new ShardStatistics[plan.numShards()];
            for (int q = 0; q < size; q++) {
                for (ShardStatistics s : Payload.Refinement.read(peers.take(Message.Kind.REFINEMENT, step, q)).shards()) {
                    all[s.shard()] = s;
                }
            }
            return optimizer.refine(plan, decision, all);
        }

        /** All-gather of θ: this owner's slice to every task, every other owner's slice into this copy. */
        private void gatherParameters() {
            allGather(Message.Kind.PARAMETERS, step, theta);
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
        private void checkpoint(long done) {
            long t = System.nanoTime();
            try {
                CheckpointStore.Pending pending = store.begin(done, Long.toHexString(job.run()) + "-a" + peers.attempt());
                List<OptimizerCheckpoint.ShardFile> files = new ArrayList<>();
                for (ShardState shard : shards) {
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
                OptimizerCheckpoint.writeManifest(pending.optimizerFiles(), optimizer, job.layout(), Precision.FLOAT32,
                        shards[0].step(), shards[0].skippedSteps(), files);
                CheckpointStore.Saved saved = store.commit(pending, job.position().at(done, job.stepsPerEpoch(), skippedLoss),
                        params, optimizer);
                peers.toDriver(new Payload.Checkpoint(saved.location(), saved.written(),
                        (System.nanoTime() - t) / 1_000_000).message(done, rank));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write checkpoint at step " + done + " to " + store + ": "
                        + e.getMessage(), e);
            }
        }

        /**
         * Evaluates this task's test blocks at θ, and at the model EMA's weights when the run keeps one, and
         * sends the sums to the driver (three numbers per set of weights).
         */
        private void evaluate(long done, float[] average) {
            if (!job.hasTest()) {
                return;
            }
            List<float[]> evaluated = average == null ? List.of(theta) : List.of(theta, average);
            double[] sums = new double[3 * evaluated.size()]; // θ's three sums, then the model EMA's
            for (int w = 0; w < evaluated.size(); w++) {
                double[] total = new double[3];
                for (FeatureBlock block : data.test()) {
                    Evaluator.add(total, Evaluator.sums(block, job.model(), evaluated.get(w), job.gradient().compute()));
                }
                System.arraycopy(total, 0, sums, 3 * w, 3);
            }
            peers.toDriver(new Payload.Evaluation(sums).message(done, rank));
        }

        /**
         * All-gather of the model EMA's weights, as of θ after a step: each owner sends its shards' slices of
         * the average to every task. Before the first applied step there is no average yet, and an owner
         * sends θ's slice instead (every owner's shards have applied the same steps).
         */
        private float[] gatherAverage(long done) {
            float[] average = new float[theta.length];
            for (ShardState shard : shards) {
                float[] source = shard.step() == 0 ? theta : shard.slot32(ModelEma.SLOT);
                int from = shard.step() == 0 ? shard.offset() : shard.slotBase(shard.slotNames().indexOf(ModelEma.SLOT));
                System.arraycopy(source, from, average, shard.offset(), shard.length());
            }
            allGather(Message.Kind.AVERAGE, done, average);
            return average;
        }

        /** Tells the driver why the run stops (task 0), then fails this task. */
        private TrainingException fail(String message) {
            if (rank == 0) {
                peers.toDriver(new Payload.Fatal(message).message(step, rank));
                peers.flushDriver(); // the driver stops the run with this message instead of restarting the stage
            }
            throw new TrainingException(message, null);
        }
    }
}
