package org.adanspark.spark.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.ParamLayout;
import org.adanspark.optim.SlotSpace;
import org.adanspark.spark.barrier.BarrierExecution;
import org.adanspark.spark.barrier.CapacityLostException;
import org.adanspark.spark.barrier.StageAttemptsExhaustedException;
import org.adanspark.spark.checkpoint.CheckpointStore;
import org.adanspark.spark.checkpoint.TrainingCheckpoint;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.config.Settings;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.DataSpec;
import org.adanspark.spark.data.DataValidationException;
import org.adanspark.spark.data.LabelKind;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.Failures;
import org.adanspark.spark.error.TrainingException;
import org.adanspark.spark.jobs.JobExecution;
import org.adanspark.spark.metrics.ReportedOnce;
import org.adanspark.spark.metrics.RunSummary;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.NativeRuntime;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.runtime.Parallelism;
import org.adanspark.spark.runtime.TaskCompute;
import org.adanspark.spark.step.EpochPlan;
import org.adanspark.spark.step.Execution;
import org.adanspark.spark.step.FaultInjector;
import org.adanspark.spark.step.LearningRateSchedule;
import org.adanspark.spark.step.TrainingOutcome;
import org.adanspark.spark.step.TrainingRun;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous data-parallel training (docs/ARCHITECTURE.md, "Two executions"): the run is set up once
 * ({@link TrainingRun}: the model prepared and checked on its compute backend, the step plan, the schedule,
 * the optimizer's settings, and the checkpoint to resume from, checked by {@link ResumeCheck}), then an
 * {@link Execution} carries out the steps: {@link JobExecution} (a Spark job per step, θ and the optimizer
 * state on the driver) or {@link BarrierExecution} (one barrier stage, the optimizer's shards on the
 * executors); each makes θ and the state where it keeps them. Both report every step to the listeners;
 * this class reports the run's summary. One instance trains one run.
 *
 * <p>Sampling, dropout and summation order are fixed functions of the seed and the step, so a run is
 * reproducible bit for bit, across task retries and across a resume.
 */
public final class SyncTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(SyncTrainer.class);

    private final SparkSession spark;
    private final JavaSparkContext jsc;
    private final RunPlan settings;
    private final List<TrainingListener> listeners;
    /** The listeners, each step heard once however many executions the run takes; the loss history. */
    private final ReportedOnce reported;
    private boolean trained;

    /**
     * @param spark the session to train in
     * @param settings the run's settings
     * @param listeners progress receivers (console, metrics file), called on the driver
     */
    public SyncTrainer(SparkSession spark, RunPlan settings, List<TrainingListener> listeners) {
        this.spark = spark;
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.settings = settings;
        this.reported = new ReportedOnce(listeners);
        this.listeners = List.of(reported);
    }

    /**
     * Reads the configured data, trains, and releases the cached blocks.
     *
     * @return the result
     */
    public TrainResult run() {
        int classes = 0;
        int inputs = -1;
        Optional<int[]> declared = ComputeBackend.forSpec(settings.model(), settings.backend()).declaredWidths(settings.model());
        if (declared.isPresent()) {
            inputs = declared.get()[0];
            classes = declared.get()[1];
        }
        if (settings.saveModel() != null && settings.data().format() == DataSpec.Format.TEXT) {
            throw new ConfigurationException(Settings.SAVE_MODEL.named() + " writes a Spark ML classifier of feature "
                    + "rows, which a language model over " + settings.data() + " is not; keep its parameters with "
                    + "--checkpoint-dir instead", null);
        }
        OutputProbe.writableDirectory(settings.checkpointDir(), jsc.hadoopConfiguration(), "--checkpoint-dir");
        OutputProbe.modelDirectory(settings.saveModel(), jsc.hadoopConfiguration());
        TrainTestData data = readData(classes);
        try {
            if (inputs >= 0 && inputs != data.train().dim()) {
                throw new DataValidationException(data.train().name() + " has " + data.train().dim()
                        + " features per row but model " + settings.model() + " takes " + inputs);
            }
            return fit(data, Objective.classification(data.train().numClasses()), settings.saveModel() != null);
        } finally {
            data.release();
        }
    }

    /**
     * Reads the training data. A Spark job of the reading that fails on every attempt (a file an executor
     * cannot open, a record Spark's own reader rejects) is a data problem: it becomes a
     * {@link DataValidationException} naming the source and Spark's reason, not a raw stack trace.
     */
    private TrainTestData readData(int classes) {
        DataLoader loader = new DataLoader(spark, settings.dataSettings(Parallelism.defaultPartitions(jsc.sc(),
                settings.execution() == ExecutionMode.BARRIER)));
        try {
            return loader.load(classes);
        } catch (DataValidationException | UncheckedIOException e) {
            throw e;
        } catch (Exception e) { // SparkException is thrown undeclared from Scala
            throw new DataValidationException("reading " + settings.data() + " failed: " + Failures.reason(e), e);
        }
    }

    /**
     * Trains a classifier on prepared data (softmax cross-entropy over the data's classes).
     *
     * @param data training blocks and optional test blocks
     * @return the result
     */
    public TrainResult fit(TrainTestData data) {
        return fit(data, Objective.classification(data.train().numClasses()));
    }

    /**
     * Trains on prepared data for an objective: a classifier's or a regressor's output layer and loss.
     *
     * @param data training blocks and optional test blocks (test accuracy is reported for classifiers)
     * @param objective the output layer and loss; its width must match the data's labels
     * @return the result
     */
    public TrainResult fit(TrainTestData data, Objective objective) {
        return fit(data, objective, true);
    }

    private TrainResult fit(TrainTestData data, Objective objective, boolean paramsToDriver) {
        if (trained) {
            throw new IllegalStateException("a SyncTrainer trains one run (its listeners hear each step once); make "
                    + "another for the next");
        }
        trained = true;
        String callersDescription = jsc.getLocalProperty("spark.job.description");
        TaskCompute compute = new TaskCompute(TaskCompute.threads(settings.computeThreads(), jsc.getConf()),
                settings.blasKernel());
        NativeRuntime runtime = ComputeBackend.forSpec(settings.model(), settings.backend()).runtime();
        AutoCloseable held = runtime.hold(compute); // the backend's natives, pinned before they load
        try {
            if (jsc.isLocal()) { // this JVM computes the gradients: say so before Spark starts a task
                try {
                    runtime.enter(compute);
                } catch (IllegalStateException e) {
                    throw new ConfigurationException(e.getMessage(), e);
                }
            }
            return train(data, objective, compute, paramsToDriver);
        } finally {
            jsc.setJobDescription(callersDescription); // each step's job was described in the Spark UI
            try {
                held.close(); // the caller's JVM gets its thread counts back
            } catch (Exception e) {
                LOG.debug("could not restore the backend's thread counts", e);
            }
        }
    }

    private TrainResult train(TrainTestData data, Objective objective, TaskCompute compute, boolean paramsToDriver) {
        long wallStart = System.nanoTime();
        boolean barrier = settings.execution() == ExecutionMode.BARRIER;
        TrainingRun run = setUp(data, objective, compute, barrier);
        LOG.info("training {} on {}: {} parameters, {} steps of {} examples ({} per epoch), {}, {}",
                settings.model(), run.train(), run.layout().totalLength(), run.steps().totalSteps(),
                settings.globalBatch(), run.steps().stepsPerEpoch(), settings.optimizer(), run.steps().schedule());
        if (barrier && settings.allReduce() == ReduceMode.TREE) {
            LOG.warn(Settings.ALLREDUCE.named() + " tree applies to the jobs execution; the barrier execution "
                    + "reduce-scatters between its tasks, in the same order");
        }
        listeners.forEach(l -> l.onStart(run.steps().stepsPerEpoch(), run.steps().totalSteps()));
        Execution execution = barrier
                ? new BarrierExecution(jsc, settings.barrierTimeout(), settings.capacityWait(), listeners, paramsToDriver)
                : new JobExecution(jsc, settings.allReduce(), listeners);
        TrainingOutcome o = null;
        TrainingRun current = run;
        while (o == null) {
            try {
                o = execution.train(current);
            } catch (CapacityLostException lost) {
                o = continueInJobs(current, lost);
            } catch (StageAttemptsExhaustedException exhausted) {
                current = newStageAfter(current, exhausted);
            }
        }
        RunSummary summary = new RunSummary(o.steps(), o.steps() - run.start().step(), o.skippedSteps(),
                o.testAccuracy(), reported.lastLoss(), (System.nanoTime() - wallStart) / 1e9, o.paramsSha256(),
                run.layout().totalLength(), o.emaTestAccuracy(), compute.blasKernel());
        listeners.forEach(l -> l.onFinish(summary));
        return new TrainResult(o.params(), run.layout(), run.model(), summary, reported.losses(),
                run.train().dim(), run.train().numOutputs());
    }

    /**
     * Spark gave up on the barrier stage after its maximum number of attempts, which it counts over the stage's
     * whole life. When the stage got past its start (a newer checkpoint than the one it started from), a new
     * stage continues from the newest checkpoint, with a fresh count; a stage that made no progress is a
     * failure that a retry will not mend (docs/CLUSTER.md, "Failures").
     */
    private TrainingRun newStageAfter(TrainingRun current, StageAttemptsExhaustedException exhausted) {
        Optional<TrainingRun.Start> newest = newestCheckpoint(current);
        if (newest.isEmpty() || newest.get().step() <= current.start().step()) {
            throw exhausted.failure();
        }
        TrainingRun.Start from = newest.get();
        LOG.warn("Spark gave up on the barrier stage after spark.stage.maxConsecutiveAttempts attempts, each of which "
                + "got further; a new stage continues from {} at step {}", from.location(), from.step());
        return current.from(from);
    }

    /** @return where the run's newest valid checkpoint lets it continue, empty without one */
    private static Optional<TrainingRun.Start> newestCheckpoint(TrainingRun run) {
        CheckpointStore store = run.checkpoints().store();
        return store == null ? Optional.empty()
                : new ResumeCheck(store, run.checkpoints().position(), run.buildOptimizer()).resume();
    }

    /**
     * Lost capacity: the barrier stage could not get its task slots back, so the run continues from its newest
     * checkpoint (or step 0 without one) in the jobs execution, which needs no slot per partition and computes
     * the same bits with the same partitions (docs/CLUSTER.md, "Lost capacity"). The run stays there: coming
     * back would cost another checkpoint and stage start, and a worker that went once may go again.
     */
    private TrainingOutcome continueInJobs(TrainingRun run, CapacityLostException lost) {
        try {
            checkDriverHeap(run.layout().totalLength());
        } catch (ConfigurationException e) {
            throw new TrainingException(lost.getMessage() + ", and the jobs execution cannot take over: "
                    + e.getMessage(), e);
        }
        TrainingRun.Start from = newestCheckpoint(run).orElse(TrainingRun.Start.FRESH);
        LOG.warn("{}; continuing in the jobs execution from {}", lost.getMessage(), from.location() == null
                ? "step 0 (no checkpoint yet)" : from.location() + " at step " + from.step());
        if (from.location() != null) {
            TrainingRun.Start resumed = from;
            listeners.forEach(l -> l.onResume(resumed.location(), resumed.step()));
        }
        return new JobExecution(jsc, settings.allReduce(), listeners).train(run.from(from));
    }

    /**
     * Sets the run up once: builds and checks the model on its backend, plans the steps and the schedule,
     * checks the optimizer, and finds the checkpoint to resume from (after checking that it belongs to this
     * run). Neither θ nor the optimizer state is made here: each execution makes them where it keeps them.
     */
    private TrainingRun setUp(TrainTestData data, Objective objective, TaskCompute compute, boolean barrier) {
        BlockDataset train = data.train();
        if (data.test() != null && data.test().dim() != train.dim()) {
            throw new DataValidationException(data.test().name() + " has " + data.test().dim()
                    + " features per row, the training data " + train.dim());
        }
        if (objective.outputs() != train.numOutputs() || objective.isClassification() != (train.numClasses() > 0)) {
            throw new IllegalArgumentException("objective " + objective + " does not fit " + train);
        }
        ComputeBackend.Prepared prepared = prepareModel(train, objective);
        ModelHandle model = prepared.model();
        ParamLayout layout = prepared.layout();
        if (!barrier) {
            checkDriverHeap(layout.totalLength());
        }
        if (settings.globalBatch() > train.rows()) {
            throw new ConfigurationException(Settings.GLOBAL_BATCH.named() + " is " + settings.globalBatch()
                    + " but " + train.name() + " has " + train.rows() + " rows; a step cannot use an example twice, so "
                    + "give at most " + train.rows(), null);
        }
        int microBatch = settings.microBatch();
        if (microBatch > settings.globalBatch()) {
            LOG.warn(Settings.MICRO_BATCH.named() + " {} is larger than the global batch {}; each partition's "
                    + "share of a step runs as one micro-batch", microBatch, settings.globalBatch());
            microBatch = settings.globalBatch();
        }
        EpochPlan epochs = new EpochPlan(train.partitionRows(), settings.globalBatch());
        long totalSteps = (long) settings.epochs() * epochs.stepsPerEpoch();
        if (settings.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, settings.maxSteps());
        }
        LearningRateSchedule schedule = settings.schedule(totalSteps);
        if (settings.warmupSteps() > 0 && settings.warmupSteps() >= totalSteps) {
            LOG.warn(Settings.WARMUP_STEPS.named() + " {} covers the whole run of {} steps: the learning "
                    + "rate never reaches its peak {}; use fewer warm-up steps", settings.warmupSteps(), totalSteps,
                    settings.optimizer().lr());
        }
        OptimizerSpec spec = settings.optimizer();
        Optimizer optimizer = spec.build();
        long stateValues = optimizer.slotSpaces(layout).stream().mapToLong(SlotSpace::length).sum();
        LOG.info("optimizer state: {} float32 values for {} parameters, {} bytes per parameter ({})", stateValues,
                layout.totalLength(), String.format(Locale.ROOT, "%.2f", 4.0 * stateValues / layout.totalLength()),
                String.join(", ", optimizer.slotNames()));

        TrainingCheckpoint position = new TrainingCheckpoint(0, 0, 0, settings.seed(), settings.globalBatch(),
                model.sha256(), optimizer.name(), layout.totalLength(), settings.data().toString(), train.rows(), 0,
                compute.threads(), train.numPartitions(), compute.blasKernel());
        CheckpointStore store = openCheckpoints();
        TrainingRun.Start start = TrainingRun.Start.FRESH;
        if (settings.resume()) {
            Optional<TrainingRun.Start> found = new ResumeCheck(store, position, optimizer).resume();
            if (found.isPresent()) {
                start = found.get();
                TrainingRun.Start resumed = start;
                LOG.debug("resuming from {} at step {} with {} optimizer shards", resumed.location(), resumed.step(),
                        spec.shards());
                listeners.forEach(l -> l.onResume(resumed.location(), resumed.step()));
            } else {
                // not refused, so one command line starts a job and restarts it; a WARN, since a mistyped
                // --checkpoint-dir looks the same (docs/CHECKPOINTS.md, "Resume")
                LOG.warn("--resume found no checkpoint in {}; starting from step 0", store);
            }
        } else if (store != null) {
            new ResumeCheck(store, position, optimizer).freshStart();
        }
        TrainingRun.StepPlan steps = new TrainingRun.StepPlan(epochs, totalSteps, schedule, microBatch, settings.seed(),
                settings.evaluateEveryEpoch());
        return new TrainingRun(train, objective.isClassification() ? data.test() : null, model, layout, prepared.roles(),
                steps, spec,
                new TrainingRun.Checkpoints(store, settings.checkpointEvery(), position), compute,
                new FaultInjector(settings.failSteps()), start);
    }

    /**
     * Builds the model on its backend and checks it against the data, before any Spark job: a language model
     * needs token windows and token windows a sequence model.
     */
    private ComputeBackend.Prepared prepareModel(BlockDataset train, Objective objective) {
        ModelSpec spec = settings.model();
        boolean tokens = train.labelKind() == LabelKind.NEXT_TOKEN;
        if (spec.isLanguageModel() && !tokens) {
            throw new ConfigurationException("model " + spec + " predicts the next token of a text; train it on "
                    + "--data text:PATH, not " + train.name(), null);
        }
        if (tokens && !spec.isLanguageModel() && !(spec instanceof ModelSpec.Definition)) {
            throw new ConfigurationException(train.name() + " is token windows of a text; train a sequence model "
                    + "on it (--model charlm, or json:PATH of a recurrent network), not " + spec, null);
        }
        ComputeBackend.DataShape shape = new ComputeBackend.DataShape(train.name(),
                tokens ? train.dim() - 1 : train.dim(), tokens);
        return ComputeBackend.forSpec(spec, settings.backend()).prepare(spec, shape, objective, settings.seed());
    }

    /**
     * The {@code jobs} execution's driver holds θ and every optimizer state slot as float32 arrays; when
     * those alone exceed the driver's heap, say so before the first allocation fails with a bare
     * {@link OutOfMemoryError}.
     */
    private void checkDriverHeap(int numParams) {
        int slots = settings.optimizer().build().slotNames().size();
        long needed = 4L * numParams * (1 + slots);
        long heap = Runtime.getRuntime().maxMemory();
        if (needed > heap) {
            throw new ConfigurationException(String.format(Locale.ROOT, "the jobs execution keeps θ and "
                    + "%s's %d state slots on the driver: %d parameters × %d bytes = %.2f GB, more than the driver's "
                    + "heap of %.2f GB; use --execution barrier (the state stays on the executors) or a larger "
                    + "--driver-memory", settings.optimizer().name(), slots, numParams, 4 * (1 + slots), needed / 1e9,
                    heap / 1e9), null);
        }
    }

    private CheckpointStore openCheckpoints() {
        if (settings.checkpointDir() == null) {
            return null;
        }
        try {
            return new CheckpointStore(settings.checkpointDir(), jsc.hadoopConfiguration(), settings.checkpointKeep());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint directory " + settings.checkpointDir() + ": "
                    + e.getMessage(), e);
        }
    }
}
