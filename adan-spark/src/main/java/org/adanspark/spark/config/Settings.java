package org.adanspark.spark.config;

import java.util.List;
import org.adanspark.optim.OptimizerRegistry;

/**
 * Every setting of a run, each declared once: its key (reference.conf, docs/CONFIGURATION.md), its flag
 * ({@code adan-train --help}, docs/CLI.md), its estimator param, and its help line. The run's plan reads the
 * keys from here and names settings in messages from here.
 */
public final class Settings {

    /** Training data. */
    public static final Setting DATA = new Setting("adan.data.source", "--data", "SOURCE", "",
            "training data: fashion-mnist | mnist | libsvm:PATH | csv:PATH | parquet:PATH (test split: t10k, PATH.t)"
                    + " | text:PATH (a character corpus; its last 10% validates)");
    /** Characters per window of a text. */
    public static final Setting WINDOW = new Setting("adan.data.window", "--window", "N", "",
            "text:PATH: characters per window a language model reads");
    /** Where IDX data sets are looked for first. */
    public static final Setting DATA_DIR = new Setting("adan.data.dir", "--data-dir", "DIR", "",
            "where to look for IDX data sets first");
    /** The test split of a file source. */
    public static final Setting TEST = new Setting("adan.data.test", "", "", "", "test split of a file source");
    /** Parquet/CSV features column. */
    public static final Setting FEATURES_COLUMN = new Setting("adan.data.features-column", "", "", "featuresCol",
            "Parquet/CSV: the features column");
    /** Parquet/CSV label column. */
    public static final Setting LABEL_COLUMN = new Setting("adan.data.label-column", "", "", "labelCol",
            "Parquet/CSV: the label column");
    /** Training rows read at most. */
    public static final Setting TRAIN_LIMIT = new Setting("adan.data.train-limit", "", "", "",
            "read at most this many training rows; 0 = all");
    /** Test rows read at most. */
    public static final Setting TEST_LIMIT = new Setting("adan.data.test-limit", "", "", "",
            "read at most this many test rows; 0 = all");
    /** The model. */
    public static final Setting MODEL = new Setting("adan.model.spec", "--model", "SPEC", "modelSpec",
            "linear | mlp:256,256[:activation=relu][:dropout=0.1] | lenet | resnet[:depth=8][:width=16]"
                    + " | charlm[:body=attention|lstm][:layers=2][:width=128][:heads=4] | json:PATH | torchscript:PATH");
    /** The compute backend. */
    public static final Setting BACKEND = new Setting("adan.model.backend", "--backend", "NAME", "backend",
            "the compute backend: dl4j | pytorch; blank = the model's own (presets and json: dl4j, torchscript:"
                    + " pytorch)");
    /** The optimizer. */
    public static final Setting OPTIMIZER = new Setting("adan.optimizer.name", "--optimizer", "NAME", "optimizer",
            String.join(" | ", OptimizerRegistry.names()) + " | lookahead-<name>");
    /** The chosen optimizer's peak learning rate. */
    public static final Setting LR = new Setting("adan.optimizer.<name>.lr", "--lr", "X", "learningRate",
            "the chosen optimizer's peak learning rate");
    /** The chosen optimizer's weight decay. */
    public static final Setting WEIGHT_DECAY = new Setting("adan.optimizer.<name>.weight-decay", "--weight-decay", "X",
            "weightDecay", "the chosen optimizer's weight decay");
    /** The model EMA's decay. */
    public static final Setting EMA_DECAY = new Setting("adan.optimizer.ema-decay", "--ema-decay", "D", "emaDecay",
            "keep a model EMA with this decay (e.g. 0.999), evaluated and saved; 0 = off");
    /** Partitions to train on. */
    public static final Setting PARTITIONS = new Setting("adan.data.partitions", "--partitions", "N", "",
            "partitions to train on (0 = Spark's default parallelism); changes the bits");
    /** Examples per step. */
    public static final Setting GLOBAL_BATCH = new Setting("adan.train.global-batch", "--global-batch", "N",
            "globalBatchSize", "examples per step over all partitions: 1 … the training rows (studied: 1k … 32k)");
    /** Examples per forward/backward pass. */
    public static final Setting MICRO_BATCH = new Setting("adan.train.micro-batch", "--micro-batch", "N",
            "microBatchSize", "examples per forward/backward pass on an executor");
    /** Passes over the data. */
    public static final Setting EPOCHS = new Setting("adan.train.epochs", "--epochs", "N", "maxEpochs",
            "passes over the training data");
    /** A cap on the steps. */
    public static final Setting MAX_STEPS = new Setting("adan.train.max-steps", "--max-steps", "N", "",
            "stop after this many steps (0 = no limit)");
    /** The schedule's shape. */
    public static final Setting SCHEDULE = new Setting("adan.schedule.kind", "", "", "",
            "constant | warmup-cosine | warmup-linear");
    /** Warm-up steps. */
    public static final Setting WARMUP_STEPS = new Setting("adan.schedule.warmup-steps", "--warmup-steps", "N",
            "warmupSteps", "linear learning-rate warm-up steps");
    /** Where the decay ends. */
    public static final Setting MIN_LR_RATIO = new Setting("adan.schedule.min-lr-ratio", "", "", "",
            "the decay ends at lr × min-lr-ratio");
    /** The seed. */
    public static final Setting SEED = new Setting("adan.train.seed", "--seed", "N", "seed",
            "weights, sampling and dropout");
    /** Optimizer state shards. */
    public static final Setting SHARDS = new Setting("adan.optimizer.shards", "--shards", "N", "numShards",
            "optimizer state shards (and reduce-scatter partitions)");
    /** Gradient-norm clipping. */
    public static final Setting MAX_GRAD_NORM = new Setting("adan.optimizer.max-grad-norm", "", "", "maxGradNorm",
            "global gradient-norm clipping; 0 = off");
    /** What a non-finite loss or gradient does. */
    public static final Setting NON_FINITE = new Setting("adan.optimizer.non-finite", "", "", "",
            "a NaN/Inf gradient or loss: fail (naming the step) | skip (drop the step, count it)");
    /** How the jobs execution sums gradients. */
    public static final Setting ALLREDUCE = new Setting("adan.train.allreduce", "--allreduce", "MODE", "allReduce",
            "how gradients are summed: sharded | tree");
    /** The execution. */
    public static final Setting EXECUTION = new Setting("adan.train.execution", "--execution", "MODE", "execution",
            "jobs (a Spark job per step) | barrier (one barrier stage, optimizer shards on the executors)");
    /** How long a barrier task waits for a peer. */
    public static final Setting BARRIER_TIMEOUT = new Setting("adan.train.barrier-timeout", "", "", "",
            "barrier: how long a task waits for a peer's message");
    /** How long a barrier run waits for lost task slots before it continues in the jobs execution. */
    public static final Setting CAPACITY_WAIT = new Setting("adan.train.capacity-wait", "", "", "",
            "barrier: how long to wait for lost task slots before continuing in the jobs execution");
    /** Compute threads per task. */
    public static final Setting COMPUTE_THREADS = new Setting("adan.train.compute-threads", "--compute-threads", "N", "",
            "ND4J threads per task (0 = spark.task.cpus); changes the bits");
    /** The BLAS kernel. */
    public static final Setting BLAS_KERNEL = new Setting("adan.train.blas-kernel", "--blas-kernel", "NAME", "",
            "OpenBLAS CPU kernel of every task: Haswell (default, any x86-64 server) | SkylakeX | Zen | … | auto;"
                    + " changes the bits");
    /** Evaluation after every epoch. */
    public static final Setting EVALUATE_EVERY_EPOCH = new Setting("adan.train.evaluate-every-epoch", "", "", "",
            "evaluate on the test split after every epoch (and always at the end)");
    /** Console progress interval. */
    public static final Setting PROGRESS_INTERVAL = new Setting("adan.train.progress-interval", "", "", "",
            "console progress: at most one line per this interval");
    /** The Spark master. */
    public static final Setting MASTER = new Setting("adan.spark.master", "--master", "URL", "",
            "Spark master (default: spark-submit's, else local[*,4])");
    /** The checkpoint directory. */
    public static final Setting CHECKPOINT_DIR = new Setting("adan.checkpoint.dir", "--checkpoint-dir", "DIR",
            "checkpointDir", "checkpoints on any Hadoop file system");
    /** Steps between checkpoints. */
    public static final Setting CHECKPOINT_EVERY = new Setting("adan.checkpoint.every", "--checkpoint-every", "N", "",
            "steps between checkpoints (0 = only at the end)");
    /** Checkpoints kept. */
    public static final Setting CHECKPOINT_KEEP = new Setting("adan.checkpoint.keep", "", "", "",
            "newest checkpoints kept");
    /** Resume from the newest checkpoint. */
    public static final Setting RESUME = new Setting("adan.checkpoint.resume", "--resume", "", "",
            "continue from the newest valid checkpoint in --checkpoint-dir");
    /** The metrics file. */
    public static final Setting METRICS_OUT = new Setting("adan.output.metrics", "--metrics-out", "FILE", "",
            "JSON lines: one per step, one per epoch, a final one");
    /** Where the trained model is saved. */
    public static final Setting SAVE_MODEL = new Setting("adan.output.model", "--save-model", "DIR", "",
            "save the trained model there: AdanNetClassificationModel.load reads it; the backend's own file beside");
    /** Spark properties. */
    public static final Setting SPARK_CONF = new Setting("adan.spark.conf", "", "", "",
            "Spark properties, as spark-submit's --conf takes them");
    /** The application's name. */
    public static final Setting APP_NAME = new Setting("adan.spark.app-name", "", "", "", "the Spark application's name");
    /** Test-only fault injection. */
    public static final Setting FAIL_STEPS = new Setting("adan.debug.fail-first-attempt-at-steps", "", "", "",
            "tests: the first attempt of each listed step's gradient task fails");

    /** The settings a flag sets, in the order {@code --help} lists them. */
    public static final List<Setting> FLAGGED = List.of(DATA, WINDOW, DATA_DIR, MODEL, BACKEND, OPTIMIZER, LR, WEIGHT_DECAY,
            EMA_DECAY, PARTITIONS, GLOBAL_BATCH, MICRO_BATCH, EPOCHS, MAX_STEPS, WARMUP_STEPS, SEED, SHARDS, ALLREDUCE,
            EXECUTION, COMPUTE_THREADS, BLAS_KERNEL, MASTER, CHECKPOINT_DIR, CHECKPOINT_EVERY, RESUME, METRICS_OUT,
            SAVE_MODEL);

    private Settings() {
    }
}
