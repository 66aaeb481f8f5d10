package org.adanspark.spark.config;

import static org.adanspark.spark.config.SettingType.BOOLEAN;
import static org.adanspark.spark.config.SettingType.DOUBLE;
import static org.adanspark.spark.config.SettingType.DOUBLE_ARRAY;
import static org.adanspark.spark.config.SettingType.DURATION;
import static org.adanspark.spark.config.SettingType.INT;
import static org.adanspark.spark.config.SettingType.INT_ARRAY;
import static org.adanspark.spark.config.SettingType.LONG;
import static org.adanspark.spark.config.SettingType.LONG_LIST;
import static org.adanspark.spark.config.SettingType.OBJECT;
import static org.adanspark.spark.config.SettingType.STRING;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.adanspark.optim.OptimizerRegistry;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.ModelSpec;

/**
 * Every setting of a run, each declared once: its key (reference.conf, docs/CONFIGURATION.md), its flag
 * ({@code adan-train --help}, docs/CLI.md), its estimator param, its type and accepted values, and its help
 * line. The run's plan reads and checks the keys from here, the estimators make their params from here
 * ({@link #ESTIMATOR}), and messages name settings from here.
 */
public final class Settings {

    /** Training data. */
    public static final Setting DATA = Setting.of("adan.data.source", STRING,
            "training data: fashion-mnist | mnist | libsvm:PATH | csv:PATH | parquet:PATH (test split: t10k, PATH.t)"
                    + " | text:PATH (a character corpus; its last 10% validates)").flag("--data", "SOURCE");
    /** Characters per window of a text. */
    public static final Setting WINDOW = Setting.of("adan.data.window", INT,
            "text:PATH: characters per window a language model reads").flag("--window", "N").check(Check.atLeast(1));
    /** Where IDX data sets are looked for first. */
    public static final Setting DATA_DIR = Setting.of("adan.data.dir", STRING, "where to look for IDX data sets first")
            .flag("--data-dir", "DIR");
    /** The test split of a file source. */
    public static final Setting TEST = Setting.of("adan.data.test", STRING, "test split of a file source");
    /** Parquet/CSV features column. */
    public static final Setting FEATURES_COLUMN = Setting.of("adan.data.features-column", STRING,
            "Parquet/CSV: the features column").param("featuresCol");
    /** Parquet/CSV label column. */
    public static final Setting LABEL_COLUMN = Setting.of("adan.data.label-column", STRING,
            "Parquet/CSV: the label column").param("labelCol");
    /** Training rows read at most. */
    public static final Setting TRAIN_LIMIT = Setting.of("adan.data.train-limit", INT,
            "read at most this many training rows; 0 = all").check(Check.atLeast(0));
    /** Test rows read at most. */
    public static final Setting TEST_LIMIT = Setting.of("adan.data.test-limit", INT,
            "read at most this many test rows; 0 = all").check(Check.atLeast(0));
    /** The MLP an estimator trains when it names no model spec. */
    public static final Setting HIDDEN_LAYERS = Setting.estimatorOnly("hiddenLayers", INT_ARRAY, new int[] {256},
            "widths of the hidden layers of an MLP; empty for a linear model").check(Check.each(Check.atLeast(1)));
    /** The model. */
    public static final Setting MODEL = Setting.of("adan.model.spec", STRING,
            "linear | mlp:256,256[:activation=relu][:dropout=0.1] | lenet | resnet[:depth=8][:width=16]"
                    + " | charlm[:body=attention|lstm][:layers=2][:width=128][:heads=4]" + definitionFormats())
            .flag("--model", "SPEC").param("modelSpec").paramDefault("")
            .check(Check.blankOr(Check.parsedAs("a model spec", ModelSpec::parse)));
    /** The compute backend. */
    public static final Setting BACKEND = Setting.of("adan.model.backend", STRING,
            "the compute backend: dl4j | pytorch; blank = the model's own (presets and json: dl4j, torchscript:"
                    + " pytorch)").flag("--backend", "NAME").param("backend").check(Check.oneOf(Settings::backends));
    /** The optimizer. */
    public static final Setting OPTIMIZER = Setting.of("adan.optimizer.name", STRING,
            String.join(" | ", OptimizerRegistry.names()) + " | lookahead-<name>").flag("--optimizer", "NAME")
            .param("optimizer").check(Check.parsedAs("an optimizer name", OptimizerRegistry::canonical));
    /** The chosen optimizer's peak learning rate. */
    public static final Setting LR = Setting.of("adan.optimizer.<name>.lr", DOUBLE,
            "the chosen optimizer's peak learning rate").flag("--lr", "X").param("learningRate").check(Check.above(0));
    /** The chosen optimizer's weight decay. */
    public static final Setting WEIGHT_DECAY = Setting.of("adan.optimizer.<name>.weight-decay", DOUBLE,
            "the chosen optimizer's weight decay").flag("--weight-decay", "X").param("weightDecay")
            .check(Check.atLeast(0));
    /** The chosen optimizer's betas. */
    public static final Setting BETAS = Setting.of("adan.optimizer.<name>.betas", DOUBLE_ARRAY,
            "the chosen optimizer's betas: 3 for adan (the reference code's convention, 0.98, 0.92, 0.99), 2 for adam,"
                    + " adamw, lamb, radam and setadam, 1 (β1) for adafactor").param("betas")
            .check(Check.each(Check.inRange(0, true, 1, false)));
    /** The model EMA's decay. */
    public static final Setting EMA_DECAY = Setting.of("adan.optimizer.ema-decay", DOUBLE,
            "keep a model EMA with this decay (e.g. 0.999), evaluated and saved; 0 = off").flag("--ema-decay", "D")
            .param("emaDecay").check(Check.inRange(0, true, 1, false));
    /** Partitions to train on. */
    public static final Setting PARTITIONS = Setting.of("adan.data.partitions", INT,
            "partitions to train on (0 = Spark's default parallelism); changes the bits").flag("--partitions", "N")
            .check(Check.atLeast(0));
    /** Examples per step. */
    public static final Setting GLOBAL_BATCH = Setting.of("adan.train.global-batch", INT,
            "examples per step over all partitions: 1 … the training rows (studied: 1k … 32k)")
            .flag("--global-batch", "N").param("globalBatchSize").check(Check.atLeast(1));
    /** Examples per forward/backward pass. */
    public static final Setting MICRO_BATCH = Setting.of("adan.train.micro-batch", INT,
            "examples per forward/backward pass on an executor").flag("--micro-batch", "N").param("microBatchSize")
            .check(Check.atLeast(1));
    /** Passes over the data. */
    public static final Setting EPOCHS = Setting.of("adan.train.epochs", INT, "passes over the training data")
            .flag("--epochs", "N").param("maxEpochs").check(Check.atLeast(1));
    /** A cap on the steps. */
    public static final Setting MAX_STEPS = Setting.of("adan.train.max-steps", LONG,
            "stop after this many steps (0 = no limit)").flag("--max-steps", "N").check(Check.atLeast(0));
    /** The schedule's shape. */
    public static final Setting SCHEDULE = Setting.of("adan.schedule.kind", STRING,
            "constant | warmup-cosine | warmup-linear");
    /** Warm-up steps. */
    public static final Setting WARMUP_STEPS = Setting.of("adan.schedule.warmup-steps", INT,
            "linear learning-rate warm-up steps").flag("--warmup-steps", "N").param("warmupSteps")
            .check(Check.atLeast(0));
    /** Where the decay ends. */
    public static final Setting MIN_LR_RATIO = Setting.of("adan.schedule.min-lr-ratio", DOUBLE,
            "the decay ends at lr × min-lr-ratio").check(Check.inRange(0, true, 1, true));
    /** The seed. */
    public static final Setting SEED = Setting.of("adan.train.seed", LONG, "weights, sampling and dropout")
            .flag("--seed", "N").param("seed");
    /** Optimizer state shards. */
    public static final Setting SHARDS = Setting.of("adan.optimizer.shards", INT,
            "optimizer state shards (and reduce-scatter partitions)").flag("--shards", "N").param("numShards")
            .check(Check.atLeast(1));
    /** Gradient-norm clipping. */
    public static final Setting MAX_GRAD_NORM = Setting.of("adan.optimizer.max-grad-norm", DOUBLE,
            "global gradient-norm clipping; 0 = off").param("maxGradNorm").check(Check.atLeast(0));
    /** What a non-finite loss or gradient does. */
    public static final Setting NON_FINITE = Setting.of("adan.optimizer.non-finite", STRING,
            "a NaN/Inf gradient or loss: fail (naming the step) | skip (drop the step, count it)")
            .check(Check.oneOf(() -> List.of("fail", "skip")));
    /** How the jobs execution sums gradients. */
    public static final Setting ALLREDUCE = Setting.of("adan.train.allreduce", STRING,
            "how gradients are summed: sharded | tree").flag("--allreduce", "MODE").param("allReduce")
            .check(Check.oneOf(() -> Arrays.stream(ReduceMode.values()).map(ReduceMode::configName).toList()));
    /** The execution. */
    public static final Setting EXECUTION = Setting.of("adan.train.execution", STRING,
            "jobs (a Spark job per step) | barrier (one barrier stage, optimizer shards on the executors)")
            .flag("--execution", "MODE").param("execution")
            .check(Check.oneOf(() -> Arrays.stream(ExecutionMode.values()).map(ExecutionMode::configName).toList()));
    /** How long a barrier task waits for a peer. */
    public static final Setting BARRIER_TIMEOUT = Setting.of("adan.train.barrier-timeout", DURATION,
            "barrier: how long a task waits for a peer's message");
    /** How long a barrier run waits for lost task slots before it continues in the jobs execution. */
    public static final Setting CAPACITY_WAIT = Setting.of("adan.train.capacity-wait", DURATION,
            "barrier: how long to wait for lost task slots before continuing in the jobs execution");
    /** Compute threads per task. */
    public static final Setting COMPUTE_THREADS = Setting.of("adan.train.compute-threads", INT,
            "ND4J threads per task (0 = spark.task.cpus); changes the bits").flag("--compute-threads", "N")
            .check(Check.atLeast(0));
    /** The BLAS kernel. */
    public static final Setting BLAS_KERNEL = Setting.of("adan.train.blas-kernel", STRING,
            "OpenBLAS CPU kernel of every task: Haswell (default, any x86-64 server) | SkylakeX | Zen | … | auto;"
                    + " changes the bits").flag("--blas-kernel", "NAME");
    /** Evaluation after every epoch. */
    public static final Setting EVALUATE_EVERY_EPOCH = Setting.of("adan.train.evaluate-every-epoch", BOOLEAN,
            "evaluate on the test split after every epoch (and always at the end)");
    /** Console progress interval. */
    public static final Setting PROGRESS_INTERVAL = Setting.of("adan.train.progress-interval", DURATION,
            "console progress: at most one line per this interval");
    /** The Spark master. */
    public static final Setting MASTER = Setting.of("adan.spark.master", STRING,
            "Spark master (default: spark-submit's, else local[*,4])").flag("--master", "URL");
    /** The checkpoint directory. */
    public static final Setting CHECKPOINT_DIR = Setting.of("adan.checkpoint.dir", STRING,
            "checkpoints on any Hadoop file system").flag("--checkpoint-dir", "DIR").param("checkpointDir");
    /** Steps between checkpoints. */
    public static final Setting CHECKPOINT_EVERY = Setting.of("adan.checkpoint.every", LONG,
            "steps between checkpoints (0 = only at the end)").flag("--checkpoint-every", "N").check(Check.atLeast(0));
    /** Checkpoints kept. */
    public static final Setting CHECKPOINT_KEEP = Setting.of("adan.checkpoint.keep", INT, "newest checkpoints kept")
            .check(Check.atLeast(1));
    /** Resume from the newest checkpoint. */
    public static final Setting RESUME = Setting.of("adan.checkpoint.resume", BOOLEAN,
            "continue from the newest valid checkpoint in --checkpoint-dir").flag("--resume", "");
    /** The metrics file. */
    public static final Setting METRICS_OUT = Setting.of("adan.output.metrics", STRING,
            "JSON lines: one per step, one per epoch, a final one").flag("--metrics-out", "FILE");
    /** Where the trained model is saved. */
    public static final Setting SAVE_MODEL = Setting.of("adan.output.model", STRING,
            "save the trained model there: AdanNetClassificationModel.load reads it; the backend's own file beside")
            .flag("--save-model", "DIR");
    /** Spark properties. */
    public static final Setting SPARK_CONF = Setting.of("adan.spark.conf", OBJECT,
            "Spark properties, as spark-submit's --conf takes them");
    /** The application's name. */
    public static final Setting APP_NAME = Setting.of("adan.spark.app-name", STRING, "the Spark application's name");
    /** Test-only fault injection. */
    public static final Setting FAIL_STEPS = Setting.of("adan.debug.fail-first-attempt-at-steps", LONG_LIST,
            "tests: the first attempt of each listed step's gradient task fails");
    /** The regressors' loss. */
    public static final Setting LOSS = Setting.estimatorOnly("loss", STRING, "squaredError",
            "regression loss: squaredError or huber").check(Check.oneOf(() -> List.of("squaredError", "huber")));
    /** Huber's δ. */
    public static final Setting HUBER_DELTA = Setting.estimatorOnly("huberDelta", DOUBLE, 1.0,
            "Huber's delta: residuals beyond it are penalised linearly").check(Check.above(0));

    /** The settings a flag sets, in the order {@code --help} lists them. */
    public static final List<Setting> FLAGGED = List.of(DATA, WINDOW, DATA_DIR, MODEL, BACKEND, OPTIMIZER, LR, WEIGHT_DECAY,
            EMA_DECAY, PARTITIONS, GLOBAL_BATCH, MICRO_BATCH, EPOCHS, MAX_STEPS, WARMUP_STEPS, SEED, SHARDS, ALLREDUCE,
            EXECUTION, COMPUTE_THREADS, BLAS_KERNEL, MASTER, CHECKPOINT_DIR, CHECKPOINT_EVERY, RESUME, METRICS_OUT,
            SAVE_MODEL);

    /**
     * The settings every AdanNet stage has a param of, in the order the params are listed: what the estimators,
     * their models and the Python classes make their params from. (The features and label columns are Spark's
     * shared params.)
     */
    public static final List<Setting> ESTIMATOR = List.of(HIDDEN_LAYERS, MODEL, BACKEND, OPTIMIZER, LR, WEIGHT_DECAY,
            BETAS, MAX_GRAD_NORM, EMA_DECAY, GLOBAL_BATCH, MICRO_BATCH, EPOCHS, WARMUP_STEPS, SEED, SHARDS,
            CHECKPOINT_DIR, ALLREDUCE, EXECUTION);

    /** The settings only the regressors have a param of. */
    public static final List<Setting> REGRESSION = List.of(LOSS, HUBER_DELTA);

    /** Every setting with a fixed key, for the run plan's checks. */
    public static final List<Setting> KEYED = List.of(DATA, WINDOW, DATA_DIR, TEST, FEATURES_COLUMN, LABEL_COLUMN,
            TRAIN_LIMIT, TEST_LIMIT, MODEL, BACKEND, OPTIMIZER, EMA_DECAY, PARTITIONS, GLOBAL_BATCH, MICRO_BATCH, EPOCHS,
            MAX_STEPS, SCHEDULE, WARMUP_STEPS, MIN_LR_RATIO, SEED, SHARDS, MAX_GRAD_NORM, NON_FINITE, ALLREDUCE, EXECUTION,
            BARRIER_TIMEOUT, CAPACITY_WAIT, COMPUTE_THREADS, BLAS_KERNEL, EVALUATE_EVERY_EPOCH, PROGRESS_INTERVAL, MASTER,
            CHECKPOINT_DIR, CHECKPOINT_EVERY, CHECKPOINT_KEEP, RESUME, METRICS_OUT, SAVE_MODEL, SPARK_CONF, APP_NAME,
            FAIL_STEPS);

    private Settings() {
    }

    /** @return every name {@link #OPTIMIZER} accepts: the base names and their {@code lookahead-} wrappers */
    public static List<String> optimizers() {
        List<String> names = new ArrayList<>(OptimizerRegistry.names());
        for (String n : OptimizerRegistry.names()) {
            names.add(OptimizerRegistry.LOOKAHEAD_PREFIX + n);
        }
        return names;
    }

    /** @return {@code " | json:PATH | torchscript:PATH"}: the definition files the backends on the classpath read */
    private static String definitionFormats() {
        StringBuilder b = new StringBuilder();
        for (ComputeBackend.DefinitionFormat f : ComputeBackend.allFormats()) {
            b.append(" | ").append(f.prefix()).append(":PATH");
        }
        return b.toString();
    }

    /** @return every name {@link #BACKEND} accepts: blank, then the backends on the classpath */
    public static List<String> backends() {
        List<String> names = new ArrayList<>(List.of(""));
        names.addAll(ComputeBackend.names());
        return names;
    }
}
