package org.adanspark.spark.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.config.Setting;
import org.adanspark.spark.config.SettingNames;
import org.adanspark.spark.config.Settings;
import org.adanspark.spark.data.DataSettings;
import org.adanspark.spark.data.DataSpec;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.runtime.BlasKernel;
import org.adanspark.spark.step.LearningRateSchedule;

/**
 * Every setting of a training run — the run plan — validated once, in one place, before Spark starts.
 * Two sources make it: the command line ({@link #from}: CLI flags &gt; {@code --config} file &gt;
 * {@code reference.conf}; a key under {@code adan} that {@code reference.conf} does not define, a value of
 * the wrong type, or a value out of range is an {@link IllegalArgumentException} naming the key and the
 * value) and the Spark ML estimators ({@link #forEstimator}: their params as an overlay on reference.conf,
 * read by the same constructor, messages naming the estimator's params).
 */
public final class RunPlan implements Serializable {

    private static final long serialVersionUID = 1L;
    /** The master URLs Spark 4 accepts: local modes, standalone (with standby masters), YARN, Kubernetes. */
    private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
            "local|local\\[(\\*|[1-9]\\d*)(,[1-9]\\d*)?]|local-cluster\\[\\d+,\\d+,\\d+]"
                    + "|spark://[^\\s/]+(:\\d+)?(,[^\\s/]+(:\\d+)?)*|yarn|k8s://\\S+");

    private final DataSpec data;
    private final String dataDir;
    private final String testPath;
    private final String featuresColumn;
    private final String labelColumn;
    private final int partitions;
    private final int trainLimit;
    private final int testLimit;
    private final int window;
    private final ModelSpec model;
    private final String backend;
    private final OptimizerSpec optimizer;
    private final LearningRateSchedule.Kind scheduleKind;
    private final long warmupSteps;
    private final double minLrRatio;
    private final int globalBatch;
    private final int microBatch;
    private final int epochs;
    private final long maxSteps;
    private final long seed;
    private final ReduceMode allReduce;
    private final ExecutionMode execution;
    private final Duration barrierTimeout;
    private final Duration capacityWait;
    private final int computeThreads;
    private final String blasKernel;
    private final boolean evaluateEveryEpoch;
    private final Duration progressInterval;
    private final String checkpointDir;
    private final long checkpointEvery;
    private final int checkpointKeep;
    private final boolean resume;
    private final String metricsOut;
    private final String saveModel;
    private final String master;
    private final Map<String, String> sparkConf;
    private final String appName;
    private final Set<Long> failSteps;

    /**
     * Reads a merged configuration: the command line's (flags over a file over reference.conf) or an estimator's
     * (its params over reference.conf). Every setting's declared check runs first, so both sources are checked
     * alike; only the names in messages differ.
     *
     * @param a the configuration, reference.conf's defaults included (full paths, so a wrongly typed value's
     *     message names its whole key)
     * @param names how the source names a setting
     */
    private RunPlan(Config a, SettingNames names) {
        for (Setting s : Settings.KEYED) {
            if (s != Settings.MODEL && s != Settings.DATA) { // parsed below, with the parser's message
                s.validate(names, s.read(a));
            }
        }
        data = parse(names, Settings.DATA, () -> DataSpec.parse(a.getString(Settings.DATA.key())));
        dataDir = blankToNull(a.getString(Settings.DATA_DIR.key()));
        testPath = blankToNull(a.getString(Settings.TEST.key()));
        featuresColumn = a.getString(Settings.FEATURES_COLUMN.key());
        labelColumn = a.getString(Settings.LABEL_COLUMN.key());
        partitions = a.getInt(Settings.PARTITIONS.key());
        trainLimit = a.getInt(Settings.TRAIN_LIMIT.key());
        testLimit = a.getInt(Settings.TEST_LIMIT.key());
        window = a.getInt(Settings.WINDOW.key());
        model = parse(names, Settings.MODEL, () -> ModelSpec.parse(a.getString(Settings.MODEL.key())));
        backend = a.getString(Settings.BACKEND.key()).trim();
        optimizer = OptimizerSpec.from(a.getConfig(OptimizerSpec.SECTION), names);
        scheduleKind = LearningRateSchedule.Kind.parse(a.getString(Settings.SCHEDULE.key()));
        warmupSteps = a.getInt(Settings.WARMUP_STEPS.key());
        minLrRatio = a.getDouble(Settings.MIN_LR_RATIO.key());
        globalBatch = a.getInt(Settings.GLOBAL_BATCH.key());
        microBatch = a.getInt(Settings.MICRO_BATCH.key());
        epochs = a.getInt(Settings.EPOCHS.key());
        maxSteps = a.getLong(Settings.MAX_STEPS.key());
        seed = a.getLong(Settings.SEED.key());
        allReduce = ReduceMode.parse(a.getString(Settings.ALLREDUCE.key()), names.apply(Settings.ALLREDUCE));
        execution = ExecutionMode.parse(a.getString(Settings.EXECUTION.key()), names.apply(Settings.EXECUTION));
        barrierTimeout = a.getDuration(Settings.BARRIER_TIMEOUT.key());
        capacityWait = a.getDuration(Settings.CAPACITY_WAIT.key());
        computeThreads = a.getInt(Settings.COMPUTE_THREADS.key());
        blasKernel = BlasKernel.canonical(a.getString(Settings.BLAS_KERNEL.key()), Settings.BLAS_KERNEL.named());
        evaluateEveryEpoch = a.getBoolean(Settings.EVALUATE_EVERY_EPOCH.key());
        progressInterval = a.getDuration(Settings.PROGRESS_INTERVAL.key());
        checkpointDir = blankToNull(a.getString(Settings.CHECKPOINT_DIR.key()));
        checkpointEvery = a.getLong(Settings.CHECKPOINT_EVERY.key());
        checkpointKeep = a.getInt(Settings.CHECKPOINT_KEEP.key());
        resume = a.getBoolean(Settings.RESUME.key());
        metricsOut = blankToNull(a.getString(Settings.METRICS_OUT.key()));
        saveModel = blankToNull(a.getString(Settings.SAVE_MODEL.key()));
        master = blankToNull(a.getString(Settings.MASTER.key()));
        sparkConf = sparkProperties(a.getObject(SPARK_CONF));
        appName = a.getString(Settings.APP_NAME.key());
        failSteps = new HashSet<>(a.getLongList(Settings.FAIL_STEPS.key()));
        validate(names);
    }

    /**
     * The checks of a run's settings that span more than one setting or value, whichever source they came from
     * (each setting's own values are checked by its declaration).
     *
     * @param name how the source names a setting
     * @throws IllegalArgumentException naming the setting and the value
     */
    private void validate(SettingNames name) {
        if (barrierTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException(name.apply(Settings.BARRIER_TIMEOUT) + " must be at least 1s, got "
                    + barrierTimeout);
        }
        if (capacityWait.isNegative()) {
            throw new IllegalArgumentException(name.apply(Settings.CAPACITY_WAIT) + " must be 0 (wait as long as Spark"
                    + " retries) or more, got " + capacityWait);
        }
        if (resume && checkpointDir == null) {
            throw new IllegalArgumentException(name.apply(Settings.RESUME) + " (--resume) needs "
                    + name.apply(Settings.CHECKPOINT_DIR) + " (--checkpoint-dir)");
        }
        if (master != null && !MASTER.matcher(master).matches()) {
            throw new IllegalArgumentException(name.apply(Settings.MASTER) + " (--master) '" + master
                    + "' is not a Spark master URL: use local, local[N], local[*], local[N,F], spark://HOST:PORT, yarn or "
                    + "k8s://URL");
        }
    }

    /**
     * The settings of an estimator's fit: its params as an overlay on reference.conf, read and checked by the
     * same code as the command line's configuration, with messages naming the params.
     *
     * @param stage the estimator's uid, for messages
     * @param values what the estimator sets, by configuration key ({@link Setting#key}, per-optimizer keys for
     *     the chosen optimizer): numbers, strings, booleans, and lists for arrays
     * @return the settings
     * @throws IllegalArgumentException naming the estimator's param and the value
     */
    public static RunPlan forEstimator(String stage, Map<String, Object> values) {
        try {
            return new RunPlan(ConfigFactory.parseMap(values, stage).withFallback(reference()).resolve(),
                    SettingNames.PARAMS);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(stage + ": " + e.getMessage(), e);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(stage + ": bad param value: " + e.getMessage(), e);
        }
    }

    /** @return reference.conf, resolved: the defaults under every source */
    private static Config reference() {
        return ConfigFactory.defaultReference(RunPlan.class.getClassLoader()).resolve();
    }

    /**
     * Validates a configuration and reads it.
     *
     * @param config user settings (CLI flags over a file), without the defaults
     * @return the settings, with {@code reference.conf} filling in what the user left out
     * @throws IllegalArgumentException naming the first unknown key, wrongly typed or out-of-range value
     */
    public static RunPlan from(Config config) {
        Config reference = ConfigFactory.defaultReference(RunPlan.class.getClassLoader());
        List<String> unknown = new ArrayList<>();
        if (config.hasPath("adan")) {
            for (Map.Entry<String, ConfigValue> e : config.getConfig("adan").entrySet()) {
                String key = "adan." + e.getKey();
                if (!reference.hasPathOrNull(key) && !OptimizerSpec.isOptimizerKey(key)
                        && !key.startsWith(SPARK_CONF + ".")) { // Spark's own names
                    unknown.add(key + describeOrigin(e.getValue()));
                }
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            throw new IllegalArgumentException("unknown configuration key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; the keys are those of reference.conf, listed in docs/CONFIGURATION.md");
        }
        Config merged = config.withFallback(reference).resolve();
        try {
            merged.checkValid(reference, "adan");
            return new RunPlan(merged, SettingNames.KEYS);
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bad configuration value: " + e.getMessage(), e);
        }
    }

    private static String describeOrigin(ConfigValue v) {
        String d = v.origin() == null ? null : v.origin().description();
        return d == null ? "" : " (" + d + ")";
    }

    private interface Parser<T> {
        T get();
    }

    private static <T> T parse(SettingNames names, Setting setting, Parser<T> p) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(names.apply(setting) + ": " + e.getMessage(), e);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /**
     * @param defaultParallelism Spark's default parallelism, used when {@code adan.data.partitions} is 0
     * @return how to read the data
     */
    public DataSettings dataSettings(int defaultParallelism) {
        return new DataSettings(data, dataDir, testPath, featuresColumn, labelColumn,
                partitions > 0 ? partitions : Math.max(1, defaultParallelism), trainLimit, testLimit, window);
    }

    /**
     * @param totalSteps steps the run will take
     * @return the schedule
     */
    public LearningRateSchedule schedule(long totalSteps) {
        return new LearningRateSchedule(scheduleKind, optimizer.lr(), warmupSteps, totalSteps, minLrRatio);
    }

    /** @return the data source */
    public DataSpec data() {
        return data;
    }

    /** @return the model */
    public ModelSpec model() {
        return model;
    }

    /** @return the compute backend a run names, or blank for the model's own */
    public String backend() {
        return backend;
    }

    /** @return the optimizer */
    public OptimizerSpec optimizer() {
        return optimizer;
    }

    /** @return linear warm-up steps of the schedule, 0 = none */
    public long warmupSteps() {
        return warmupSteps;
    }

    /** @return examples per step */
    public int globalBatch() {
        return globalBatch;
    }

    /** @return examples per forward/backward pass */
    public int microBatch() {
        return microBatch;
    }

    /** @return epochs to run */
    public int epochs() {
        return epochs;
    }

    /** @return step limit, 0 = none */
    public long maxSteps() {
        return maxSteps;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return how the {@code jobs} execution sums gradients */
    public ReduceMode allReduce() {
        return allReduce;
    }

    /** @return the execution: {@code jobs} or {@code barrier} */
    public ExecutionMode execution() {
        return execution;
    }

    /**
     * @return how long a barrier run waits for lost task slots before it continues in the jobs execution; zero
     *     for as long as Spark retries the stage
     */
    public Duration capacityWait() {
        return capacityWait;
    }

    /** @return how long a barrier task waits for a peer's message */
    public Duration barrierTimeout() {
        return barrierTimeout;
    }

    /**
     * @return ND4J threads per gradient/evaluation task, 0 = {@code spark.task.cpus}
     *     ({@link org.adanspark.spark.runtime.TaskCompute#threads})
     */
    public int computeThreads() {
        return computeThreads;
    }

    /**
     * @return the OpenBLAS kernel every task computes with, in OpenBLAS's spelling, or {@code auto}
     *     ({@link BlasKernel})
     */
    public String blasKernel() {
        return blasKernel;
    }

    /** @return whether to evaluate after each epoch */
    public boolean evaluateEveryEpoch() {
        return evaluateEveryEpoch;
    }

    /** @return the console progress interval */
    public Duration progressInterval() {
        return progressInterval;
    }

    /** @return the checkpoint directory URI, or null */
    public String checkpointDir() {
        return checkpointDir;
    }

    /** @return steps between checkpoints, 0 = at the end only */
    public long checkpointEvery() {
        return checkpointEvery;
    }

    /** @return checkpoints kept */
    public int checkpointKeep() {
        return checkpointKeep;
    }

    /** @return whether to resume */
    public boolean resume() {
        return resume;
    }

    /** @return the metrics file, or null */
    public String metricsOut() {
        return metricsOut;
    }

    /** @return the model output directory, or null */
    public String saveModel() {
        return saveModel;
    }

    /** @return the Spark master, or null for spark-submit's / local */
    public String master() {
        return master;
    }

    /**
     * @return Spark properties for the session this run starts ({@code adan.spark.conf}, {@code --conf
     *     spark.KEY=VALUE}), in the order given; empty when none
     */
    public Map<String, String> sparkConf() {
        return sparkConf;
    }

    /** The object of Spark properties, whose keys are Spark's names rather than ours. */
    private static final String SPARK_CONF = Settings.SPARK_CONF.key();

    /** {@code adan.spark.conf}: its keys are Spark property names, taken whole (they contain dots). */
    private static Map<String, String> sparkProperties(ConfigObject conf) {
        Map<String, String> out = new LinkedHashMap<>();
        conf.forEach((key, value) -> {
            if (!key.startsWith("spark.")) {
                throw new IllegalArgumentException("adan.spark.conf holds Spark properties, whose names start with"
                        + " 'spark.', got '" + key + "'");
            }
            Object v = value.unwrapped();
            if (v instanceof Map || v instanceof List) {
                throw new IllegalArgumentException("adan.spark.conf.\"" + key + "\" must be a single value, got "
                        + value.render());
            }
            out.put(key, String.valueOf(v));
        });
        return Collections.unmodifiableMap(out);
    }

    /** @return the application name */
    public String appName() {
        return appName;
    }

    /** @return steps with injected task failures */
    public Set<Long> failSteps() {
        return Set.copyOf(failSteps);
    }
}
