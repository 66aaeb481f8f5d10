package org.adanspark.spark.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.adanspark.io.CorruptCheckpointException;
import org.adanspark.optim.ModelEma;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.optim.Precision;
import org.adanspark.optim.SlotSpace;
import org.adanspark.spark.barrier.BarrierExecution;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.DataLoader;
import org.adanspark.spark.data.DataSpec;
import org.adanspark.spark.data.DataValidationException;
import org.adanspark.spark.data.LabelKind;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.metrics.RunSummary;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.runtime.BlasKernel;
import org.adanspark.spark.runtime.ComputeThreads;
import org.adanspark.spark.runtime.TaskCompute;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous data-parallel training (docs/ARCHITECTURE.md, "Two executions"): the run is set up once
 * ({@link TrainingRun}: network, step plan, schedule, optimizer, and — in the {@code jobs} execution — θ
 * and the optimizer state, or the checkpoint to resume from), then an {@link Execution} carries out the
 * steps: {@link JobExecution} (a Spark job per step, the optimizer on the driver) or
 * {@link BarrierExecution} (one barrier stage, the optimizer's shards on the executors). Both report every
 * step to the listeners; this class reports the run's summary.
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

    /**
     * @param spark the session to train in
     * @param settings the run's settings
     * @param listeners progress receivers (console, metrics file), called on the driver
     */
    public SyncTrainer(SparkSession spark, RunPlan settings, List<TrainingListener> listeners) {
        this.spark = spark;
        this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        this.settings = settings;
        this.listeners = List.copyOf(listeners);
    }

    /**
     * Reads the configured data, trains, and releases the cached blocks.
     *
     * @return the result
     */
    public TrainResult run() {
        int classes = 0;
        int inputs = -1;
        if (settings.model().isJson()) {
            int[] widths = settings.model().jsonWidths();
            inputs = widths[0];
            classes = widths[1];
        }
        if (settings.saveModel() != null && settings.data().format() == DataSpec.Format.TEXT) {
            throw new ConfigurationException("adan.output.model (--save-model) writes a Spark ML classifier of feature "
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
        DataLoader loader = new DataLoader(spark, settings.dataSettings(Parallelism.defaultPartitions(jsc.sc(), settings.execution())));
        try {
            return loader.load(classes);
        } catch (DataValidationException | UncheckedIOException e) {
            throw e;
        } catch (Exception e) { // SparkException is thrown undeclared from Scala
            throw new DataValidationException("reading " + settings.data() + " failed: " + SparkFailure.reason(e), e);
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
        String callersDescription = jsc.getLocalProperty("spark.job.description");
        BlasKernel.pin(settings.blasKernel()); // in a JVM that has not loaded OpenBLAS yet
        int threads = ComputeThreads.resolve(settings.computeThreads(), jsc.getConf());
        AutoCloseable held = ComputeThreads.hold(threads);
        TaskCompute compute = new TaskCompute(threads, settings.blasKernel());
        try {
            if (jsc.isLocal()) { // this JVM computes the gradients: say so before Spark starts a task
                try {
                    BlasKernel.check(compute.blasKernel());
                } catch (IllegalStateException e) {
                    throw new ConfigurationException(e.getMessage(), e);
                }
            }
            return train(data, objective, compute, paramsToDriver);
        } finally {
            jsc.setJobDescription(callersDescription); // each step's job was described in the Spark UI
            try {
                held.close(); // the caller's JVM gets its ND4J thread counts back
            } catch (Exception e) {
                LOG.debug("could not restore ND4J's thread counts", e);
            }
        }
    }

    private TrainResult train(TrainTestData data, Objective objective, TaskCompute compute, boolean paramsToDriver) {
        long wallStart = System.nanoTime();
        boolean barrier = settings.execution() == ExecutionMode.BARRIER;
        TrainingRun run = setUp(data, objective, compute, !barrier);
        LOG.info("training {} on {}: {} parameters, {} steps of {} examples ({} per epoch), {}, {}",
                settings.model(), run.train(), run.layout().totalLength(), run.totalSteps(), settings.globalBatch(),
                run.plan().stepsPerEpoch(), settings.optimizer(), run.schedule());
        if (barrier && settings.allReduce() == ReduceMode.TREE) {
            LOG.warn("adan.train.allreduce (--allreduce) tree applies to the jobs execution; the barrier execution "
                    + "reduce-scatters between its tasks, in the same order");
        }
        BlockDataset test = objective.isClassification() ? data.test() : null;
        Execution execution = barrier
                ? new BarrierExecution(jsc, settings, test, compute, listeners, paramsToDriver)
                : new JobExecution(jsc, settings, test, compute, listeners);
        TrainingOutcome o = execution.train(run);
        RunSummary summary = new RunSummary(o.steps(), o.steps() - run.firstStep(), o.skippedSteps(), o.testAccuracy(),
                o.lastLoss(), (System.nanoTime() - wallStart) / 1e9, o.paramsSha256(), run.layout().totalLength(),
                o.emaTestAccuracy(), compute.blasKernel());
        listeners.forEach(l -> l.onFinish(summary));
        return new TrainResult(o.params(), run.layout(), run.model(), summary, o.losses(),
                run.train().dim(), run.train().numOutputs());
    }

    /**
     * Sets the run up once: builds and checks the network, plans the steps and the schedule, builds the
     * optimizer, and finds the newest checkpoint when resuming (after checking that it belongs to this run).
     * With {@code driverState} (the {@code jobs} execution) it also holds θ and the optimizer state, restored
     * from that checkpoint; without (the {@code barrier} execution) the driver allocates neither.
     */
    private TrainingRun setUp(TrainTestData data, Objective objective, TaskCompute compute, boolean driverState) {
        BlockDataset train = data.train();
        if (data.test() != null && data.test().dim() != train.dim()) {
            throw new DataValidationException(data.test().name() + " has " + data.test().dim()
                    + " features per row, the training data " + train.dim());
        }
        if (objective.outputs() != train.numOutputs() || objective.isClassification() != (train.numClasses() > 0)) {
            throw new IllegalArgumentException("objective " + objective + " does not fit " + train);
        }
        Network driverNet = buildNetwork(train, objective);
        ModelHandle model = ModelHandle.of(driverNet.configJson(), exampleShape(driverNet, train, objective));
        ParamLayout layout = layoutOf(driverNet);
        if (driverState) {
            checkDriverHeap(layout.totalLength());
        }
        float[] theta = driverState ? driverNet.params().toFloatVector() : null;
        driverNet = null; // the barrier execution's driver keeps no copy of the parameters

        if (settings.globalBatch() > train.rows()) {
            throw new ConfigurationException("adan.train.global-batch (--global-batch) is " + settings.globalBatch()
                    + " but " + train.name() + " has " + train.rows() + " rows; a step cannot use an example twice, so "
                    + "give at most " + train.rows(), null);
        }
        int microBatch = settings.microBatch();
        if (microBatch > settings.globalBatch()) {
            LOG.warn("adan.train.micro-batch (--micro-batch) {} is larger than the global batch {}; each partition's "
                    + "share of a step runs as one micro-batch", microBatch, settings.globalBatch());
            microBatch = settings.globalBatch();
        }
        EpochPlan plan = new EpochPlan(train.partitionRows(), settings.globalBatch());
        long totalSteps = (long) settings.epochs() * plan.stepsPerEpoch();
        if (settings.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, settings.maxSteps());
        }
        LearningRateSchedule schedule = settings.schedule(totalSteps);
        if (settings.warmupSteps() > 0 && settings.warmupSteps() >= totalSteps) {
            LOG.warn("adan.schedule.warmup-steps (--warmup-steps) {} covers the whole run of {} steps: the learning "
                    + "rate never reaches its peak {}; use fewer warm-up steps", settings.warmupSteps(), totalSteps,
                    settings.optimizer().lr());
        }
        OptimizerSpec spec = settings.optimizer();
        Optimizer optimizer = spec.build();
        OptimizerState state = driverState ? optimizer.init(layout, Precision.FLOAT32, spec.shards()) : null;
        long stateValues = optimizer.slotSpaces(layout).stream().mapToLong(SlotSpace::length).sum();
        LOG.info("optimizer state: {} float32 values for {} parameters, {} bytes per parameter ({})", stateValues,
                layout.totalLength(), String.format(java.util.Locale.ROOT, "%.2f", 4.0 * stateValues / layout.totalLength()),
                String.join(", ", optimizer.slotNames()));

        CheckpointStore checkpoints = openCheckpoints();
        long step = 0;
        long skipped = 0;
        String restoredFrom = null;
        if (settings.resume()) {
            checkSlots(checkpoints, optimizer);
            // jobs reads θ and the state here; barrier only locates the checkpoint, whose files its tasks read
            Optional<CheckpointStore.Restored> found = driverState
                    ? unchecked(() -> checkpoints.restoreLatest(optimizer, spec.shards()))
                    : unchecked(checkpoints::latestLocation).map(location -> new CheckpointStore.Restored(
                            unchecked(() -> checkpoints.position(location)), null, null, location));
            if (found.isPresent()) {
                CheckpointStore.Restored r = found.get();
                checkCompatible(r.position(), r.location(), model.sha256(), optimizer, layout.totalLength(), train,
                        compute);
                if (driverState) {
                    theta = r.params();
                    state = r.state();
                }
                step = r.position().step();
                skipped = r.position().skippedSteps();
                restoredFrom = r.location();
                LOG.debug("resumed from {} at step {} with {} optimizer shards", r.location(), step, spec.shards());
                long resumedAt = step;
                listeners.forEach(l -> l.onResume(r.location(), resumedAt));
            } else {
                LOG.info("no checkpoint in {} yet; starting from step 0", checkpoints);
            }
        } else if (checkpoints != null) {
            checkFreshStart(checkpoints, model.sha256(), optimizer, layout.totalLength(), train, compute);
        }
        return new TrainingRun(train, model, layout, theta, microBatch, settings.seed(), plan,
                totalSteps, schedule, optimizer, spec.nonFinitePolicy(), state, checkpoints, step, skipped, restoredFrom);
    }

    /**
     * Builds the network on the driver, so a model that cannot work is refused before any Spark job: a
     * preset that does not fit the data ({@code lenet} on 123 features) is a data error, a configuration
     * whose layers do not fit each other, or that cannot be trained here, a configuration error. A
     * {@code json:} model's own updater is ignored — the chosen optimizer trains it — and a notice says so.
     */
    private Network buildNetwork(BlockDataset train, Objective objective) {
        ModelSpec spec = settings.model();
        boolean tokens = train.labelKind() == LabelKind.NEXT_TOKEN;
        if (spec.isLanguageModel() && !tokens) {
            throw new ConfigurationException("model " + spec + " predicts the next token of a text; train it on "
                    + "--data text:PATH, not " + train.name(), null);
        }
        if (tokens && !spec.isLanguageModel() && !spec.isJson()) {
            throw new ConfigurationException(train.name() + " is token windows of a text; train a sequence model "
                    + "on it (--model charlm, or json:PATH of a recurrent network), not " + spec, null);
        }
        String json;
        try {
            json = spec.configuration(tokens ? train.dim() - 1 : train.dim(), objective, settings.seed());
        } catch (ConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new DataValidationException(train.name() + " does not fit model " + spec + ": " + e.getMessage(), e);
        }
        Network net = Network.fromJson(json);
        Map<String, Layer> layers = net.layers();
        refuseRunningStatistics(layers);
        if (spec.isJson()) {
            noticeIgnoredUpdaters(layers);
        }
        try {
            net.init();
        } catch (RuntimeException e) {
            throw new ConfigurationException("model " + spec + " cannot be built: " + SparkFailure.reason(e), e);
        }
        return net;
    }

    /**
     * How one example enters the network, found by running one through it: a flat row of the data's
     * width, else (a convolution that takes images, as DL4J's model-zoo graphs do) a square image of 1
     * or 3 channels. Also checks that the output has one value per class (per position for token
     * windows).
     */
    private int[] exampleShape(Network net, BlockDataset train, Objective objective) {
        ModelSpec spec = settings.model();
        boolean tokens = train.labelKind() == LabelKind.NEXT_TOKEN;
        int width = tokens ? train.dim() - 1 : train.dim();
        List<int[]> candidates = new ArrayList<>();
        candidates.add(new int[] {width});
        if (!tokens) {
            for (int c : new int[] {1, 3}) {
                int side = (int) Math.round(Math.sqrt(width / (double) c));
                if (c * side * side == width && side >= 8) { // smaller "images" are rows of a few features
                    candidates.add(new int[] {c, side, side});
                }
            }
        }
        RuntimeException first = null;
        for (int[] shape : candidates) {
            long[] out;
            try {
                out = net.output(ModelHandle.input(shape, new float[width], 1)).shape();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
                continue;
            } finally {
                net.clear();
            }
            long[] expected = tokens ? new long[] {1, objective.outputs(), width} : new long[] {1, objective.outputs()};
            if (!java.util.Arrays.equals(out, expected)) {
                throw new ConfigurationException("model " + spec + " gives output of shape "
                        + java.util.Arrays.toString(out) + " for one example of " + train.name() + ", which needs "
                        + java.util.Arrays.toString(expected) + " (" + (tokens ? objective.outputs() + " tokens × "
                        + width + " positions" : objective.outputs() + (objective.isClassification() ? " classes"
                        : " output")) + "); set the output layer's nOut to " + objective.outputs(), null);
            }
            return shape;
        }
        throw new ConfigurationException("model " + spec + " cannot run on " + width + " features per row"
                + (candidates.size() > 1 ? " (tried as a flat row and as a square image)" : "") + ": "
                + SparkFailure.reason(first), first);
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
            throw new ConfigurationException(String.format(java.util.Locale.ROOT, "the jobs execution keeps θ and "
                    + "%s's %d state slots on the driver: %d parameters × %d bytes = %.2f GB, more than the driver's "
                    + "heap of %.2f GB; use --execution barrier (the state stays on the executors) or a larger "
                    + "--driver-memory", settings.optimizer().name(), slots, numParams, 4 * (1 + slots), needed / 1e9,
                    heap / 1e9), null);
        }
    }

    private void noticeIgnoredUpdaters(Map<String, Layer> layers) {
        Set<String> updaters = new TreeSet<>();
        for (Layer layer : layers.values()) {
            if (layer instanceof BaseLayer base && base.getIUpdater() != null && !(base.getIUpdater() instanceof NoOp)) {
                updaters.add(base.getIUpdater().getClass().getSimpleName());
            }
        }
        if (!updaters.isEmpty()) {
            LOG.warn("model {} sets updater {} on its layers; adan-train ignores it and trains with {}",
                    settings.model(), String.join(", ", updaters), settings.optimizer().name());
        }
    }

    /**
     * Batch normalisation keeps running means and variances as DL4J parameters that the layer moves itself
     * (its "gradient" for them is a correction to subtract as is); a step of the optimizer over every
     * parameter would treat them as weights. Refused with the layers named.
     */
    private void refuseRunningStatistics(Map<String, Layer> layers) {
        List<String> found = new ArrayList<>();
        layers.forEach((name, layer) -> {
            if (layer instanceof BatchNormalization) {
                found.add(name);
            }
        });
        if (!found.isEmpty()) {
            throw new ConfigurationException("model " + settings.model() + " has batch normalisation in "
                    + (found.size() == 1 ? "layer " : found.size() + " layers: ") + String.join(", ",
                    found.subList(0, Math.min(8, found.size()))) + (found.size() > 8 ? ", …" : "")
                    + "; its running statistics are parameters DL4J moves outside the gradient, which adan-spark's "
                    + "optimizers cannot train. Remove it (the resnet preset trains without, from zero-initialised "
                    + "residual branches) or use layer normalisation", null);
        }
    }

    /**
     * The network's parameter tensors in its flat order ({@code 0_W}, {@code 0_b}, …), each with its matrix
     * view: a weight of shape {@code [nIn, nOut]} in DL4J's column-major order is {@code nOut} rows of
     * {@code nIn} contiguous values, a row-major convolution weight {@code [out, in, kh, kw]} is {@code out}
     * rows of {@code in·kh·kw}; every tensor that is not a contiguous view of either order is a vector.
     *
     * @param net an initialised network
     * @return its layout
     */
    public static ParamLayout layoutOf(Network net) {
        Map<String, INDArray> table = net.paramTable();
        List<String> names = new ArrayList<>(table.keySet());
        int[] lengths = new int[names.size()];
        int[] rows = new int[names.size()];
        for (int i = 0; i < lengths.length; i++) {
            INDArray p = table.get(names.get(i));
            lengths[i] = Math.toIntExact(p.length());
            rows[i] = matrixRows(p);
        }
        return ParamLayout.shaped(names, lengths, rows);
    }

    /** The rows of a tensor's matrix view (fan-out × contiguous fan-in), 1 when it has none. */
    static int matrixRows(INDArray p) {
        long[] shape = p.shape();
        if (shape.length < 2 || p.length() < 4) {
            return 1;
        }
        long[] stride = p.stride();
        boolean c = p.ordering() == 'c';
        long expected = 1; // the strides of a contiguous array of that order
        for (int d = c ? shape.length - 1 : 0; c ? d >= 0 : d < shape.length; d += c ? -1 : 1) {
            if (shape[d] > 1 && stride[d] != expected) {
                return 1;
            }
            expected *= shape[d];
        }
        long rows = c ? shape[0] : p.length() / shape[0];
        return (int) rows;
    }

    private CheckpointStore openCheckpoints() {
        if (settings.checkpointDir() == null) {
            return null;
        }
        try {
            return new CheckpointStore(settings.checkpointDir(), jsc.hadoopConfiguration(), settings.checkpointKeep());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint directory " + settings.checkpointDir() + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Reading checkpoints: an I/O failure (a corrupt checkpoint among them) ends the run with its message. */
    private static <T> T unchecked(IoSupplier<T> read) {
        try {
            return read.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Refuses, naming why, a newest checkpoint whose optimizer state has other slots than this run's (a model
     * EMA turned on or off since): before the {@code jobs} execution would take it for a damaged one and
     * start over, or the {@code barrier} tasks would fail reading it. A manifest that cannot be read is left
     * to the resume, which reports it and tries an older checkpoint.
     */
    private static void checkSlots(CheckpointStore checkpoints, Optimizer optimizer) {
        Optional<String> newest = unchecked(checkpoints::latestLocation);
        if (newest.isEmpty()) {
            return;
        }
        List<String> slots;
        try {
            slots = checkpoints.optimizerSlots(newest.get(), optimizer.name());
        } catch (java.io.IOException e) {
            return;
        }
        if (slots != null && !slots.equals(optimizer.slotNames())) {
            boolean emaThen = slots.contains(ModelEma.SLOT);
            boolean emaNow = optimizer.slotNames().contains(ModelEma.SLOT);
            throw new TrainingException("cannot resume from " + newest.get() + ": its optimizer state holds " + slots
                    + ", this run's " + optimizer.slotNames() + (emaThen == emaNow ? "" : emaThen
                            ? " (it was written with a model EMA: resume with the adan.optimizer.ema-decay /"
                                    + " --ema-decay it was written with)"
                            : " (it was written without a model EMA: resume without adan.optimizer.ema-decay /"
                                    + " --ema-decay, or start a new checkpoint directory)"), null);
        }
    }

    private void checkCompatible(TrainingCheckpoint p, String location, String modelSha, Optimizer optimizer,
                                 int numParams, BlockDataset train, TaskCompute compute) {
        List<String> diffs = differences(p, modelSha, optimizer, numParams, train, compute);
        if (!diffs.isEmpty()) {
            throw new TrainingException("cannot resume from " + location + ": " + String.join("; ", diffs), null);
        }
    }

    /**
     * A run that starts from step 0 in a checkpoint directory: refused when the directory holds another run's
     * checkpoints, which this run's would mix with (a later {@code --resume} would find them, and pruning
     * would delete them); allowed, and said, when they are this same run's (its checkpoints have the same bits).
     */
    private void checkFreshStart(CheckpointStore checkpoints, String modelSha, Optimizer optimizer, int numParams,
                                 BlockDataset train, TaskCompute compute) {
        Optional<String> latest;
        try {
            latest = checkpoints.latestLocation();
        } catch (CorruptCheckpointException e) { // nothing usable there: this run's checkpoints replace it
            LOG.warn("{} holds no valid checkpoint ({}); this run writes its own there", checkpoints, e.getMessage());
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoints in " + checkpoints + ": " + e.getMessage(), e);
        }
        if (latest.isEmpty()) {
            return;
        }
        TrainingCheckpoint p = unchecked(() -> checkpoints.position(latest.get()));
        List<String> diffs = differences(p, modelSha, optimizer, numParams, train, compute);
        if (!diffs.isEmpty()) {
            throw new ConfigurationException("adan.checkpoint.dir (--checkpoint-dir) " + checkpoints + " holds another run's"
                    + " checkpoints (" + latest.get() + ": " + String.join("; ", diffs) + "); give this run another"
                    + " --checkpoint-dir, or delete them", null);
        }
        LOG.info("{} holds this run's checkpoints up to step {}; starting over from step 0 (--resume continues from them)",
                checkpoints, p.step());
    }

    /** @return what differs between a checkpoint's run and this one, each with the setting that restores it */
    private List<String> differences(TrainingCheckpoint p, String modelSha, Optimizer optimizer, int numParams,
                                     BlockDataset train, TaskCompute compute) {
        List<String> diffs = new ArrayList<>();
        if (!p.modelSha256().equals(modelSha)) {
            diffs.add("model configuration (adan.model.spec / seed) differs: sha256 " + p.modelSha256() + " vs " + modelSha);
        }
        if (!p.optimizer().equals(optimizer.name())) {
            diffs.add("adan.optimizer.name was " + p.optimizer() + ", is " + optimizer.name());
        }
        if (p.seed() != settings.seed()) {
            diffs.add("adan.train.seed was " + p.seed() + ", is " + settings.seed());
        }
        if (p.globalBatch() != settings.globalBatch()) {
            diffs.add("adan.train.global-batch was " + p.globalBatch() + ", is " + settings.globalBatch());
        }
        if (p.numParams() != numParams) {
            diffs.add("the model had " + p.numParams() + " parameters, has " + numParams);
        }
        if (p.computeThreads() != 0 && p.computeThreads() != compute.threads()) {
            diffs.add("adan.train.compute-threads was " + p.computeThreads() + ", is " + compute.threads()
                    + " (the thread count changes the bits; pass --compute-threads " + p.computeThreads() + ")");
        }
        if (!p.blasKernel().isEmpty() && !p.blasKernel().equals(compute.blasKernel())) {
            diffs.add("adan.train.blas-kernel was " + p.blasKernel() + ", is " + compute.blasKernel()
                    + " (the BLAS kernel changes the bits; pass --blas-kernel " + p.blasKernel() + ")");
        }
        if (p.partitions() != 0 && p.partitions() != train.numPartitions()) {
            diffs.add("adan.data.partitions was " + p.partitions() + ", is " + train.numPartitions()
                    + " (the partition count changes the bits; pass --partitions " + p.partitions() + ")");
        }
        if (p.dataRows() != train.rows()) {
            diffs.add("the training data had " + p.dataRows() + " rows, has " + train.rows());
        }
        return diffs;
    }


}
