package org.adanspark.spark.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.adanspark.spark.data.DataSettings;
import org.adanspark.spark.data.DataSpec;

/**
 * Every setting of a training run, read once from Typesafe Config and validated before Spark starts.
 * Precedence: CLI flags &gt; {@code --config} file &gt; {@code reference.conf}. A key under {@code adan}
 * that {@code reference.conf} does not define, a value of the wrong type, or a value out of range is an
 * {@link IllegalArgumentException} naming the key and the value.
 */
public final class TrainSettings implements Serializable {

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
    private final ModelSpec model;
    private final OptimizerSpec optimizer;
    private final LearningRateSchedule.Kind scheduleKind;
    private final long warmupSteps;
    private final double minLrRatio;
    private final int globalBatch;
    private final int microBatch;
    private final int epochs;
    private final long maxSteps;
    private final long seed;
    private final String allReduce;
    private final int computeThreads;
    private final boolean evaluateEveryEpoch;
    private final Duration progressInterval;
    private final String checkpointDir;
    private final long checkpointEvery;
    private final int checkpointKeep;
    private final boolean resume;
    private final String metricsOut;
    private final String saveModel;
    private final String master;
    private final String appName;
    private final Set<Long> failSteps;

    private TrainSettings(Config c) {
        Config a = c; // full paths, so a wrongly typed value's message names its whole key
        data = parse("adan.data.source", () -> DataSpec.parse(a.getString("adan.data.source")));
        dataDir = blankToNull(a.getString("adan.data.dir"));
        testPath = blankToNull(a.getString("adan.data.test"));
        featuresColumn = a.getString("adan.data.features-column");
        labelColumn = a.getString("adan.data.label-column");
        partitions = atLeast(a, "adan.data.partitions", 0);
        trainLimit = atLeast(a, "adan.data.train-limit", 0);
        testLimit = atLeast(a, "adan.data.test-limit", 0);
        model = parse("adan.model.spec", () -> ModelSpec.parse(a.getString("adan.model.spec")));
        try {
            optimizer = new OptimizerSpec(a.getConfig("adan.optimizer"));
        } catch (ConfigException e) {
            throw new IllegalArgumentException("bad configuration value under adan.optimizer: " + e.getMessage(), e);
        }
        scheduleKind = LearningRateSchedule.Kind.parse(a.getString("adan.schedule.kind"));
        warmupSteps = atLeast(a, "adan.schedule.warmup-steps", 0);
        minLrRatio = a.getDouble("adan.schedule.min-lr-ratio");
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("adan.schedule.min-lr-ratio must be in [0, 1], got " + minLrRatio);
        }
        globalBatch = atLeast(a, "adan.train.global-batch", 1);
        microBatch = atLeast(a, "adan.train.micro-batch", 1);
        epochs = atLeast(a, "adan.train.epochs", 1);
        maxSteps = a.getLong("adan.train.max-steps");
        if (maxSteps < 0) {
            throw new IllegalArgumentException("adan.train.max-steps must be >= 0, got " + maxSteps);
        }
        seed = a.getLong("adan.train.seed");
        allReduce = a.getString("adan.train.allreduce").trim().toLowerCase(Locale.ROOT);
        if (!allReduce.equals("sharded") && !allReduce.equals("tree")) {
            throw new IllegalArgumentException("adan.train.allreduce must be sharded or tree, got '" + allReduce + "'");
        }
        computeThreads = atLeast(a, "adan.train.compute-threads", 0);
        evaluateEveryEpoch = a.getBoolean("adan.train.evaluate-every-epoch");
        progressInterval = a.getDuration("adan.train.progress-interval");
        checkpointDir = blankToNull(a.getString("adan.checkpoint.dir"));
        checkpointEvery = a.getLong("adan.checkpoint.every");
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("adan.checkpoint.every must be >= 0, got " + checkpointEvery);
        }
        checkpointKeep = atLeast(a, "adan.checkpoint.keep", 1);
        resume = a.getBoolean("adan.checkpoint.resume");
        if (resume && checkpointDir == null) {
            throw new IllegalArgumentException("adan.checkpoint.resume (--resume) needs adan.checkpoint.dir (--checkpoint-dir)");
        }
        metricsOut = blankToNull(a.getString("adan.output.metrics"));
        saveModel = blankToNull(a.getString("adan.output.model"));
        master = blankToNull(a.getString("adan.spark.master"));
        if (master != null && !MASTER.matcher(master).matches()) {
            throw new IllegalArgumentException("adan.spark.master (--master) '" + master + "' is not a Spark master URL: "
                    + "use local, local[N], local[*], local[N,F], spark://HOST:PORT, yarn or k8s://URL");
        }
        appName = a.getString("adan.spark.app-name");
        failSteps = new HashSet<>(a.getLongList("adan.debug.fail-first-attempt-at-steps"));
    }

    /**
     * Validates a configuration and reads it.
     *
     * @param config user settings (CLI flags over a file), without the defaults
     * @return the settings, with {@code reference.conf} filling in what the user left out
     * @throws IllegalArgumentException naming the first unknown key, wrongly typed or out-of-range value
     */
    public static TrainSettings from(Config config) {
        Config reference = ConfigFactory.defaultReference(TrainSettings.class.getClassLoader());
        List<String> unknown = new ArrayList<>();
        if (config.hasPath("adan")) {
            for (Map.Entry<String, ConfigValue> e : config.getConfig("adan").entrySet()) {
                String key = "adan." + e.getKey();
                if (!reference.hasPathOrNull(key)) {
                    unknown.add(key + describeOrigin(e.getValue()));
                }
            }
        }
        if (!unknown.isEmpty()) {
            unknown.sort(null);
            throw new IllegalArgumentException("unknown configuration key" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + "; the keys are those of reference.conf (see conf/application.conf)");
        }
        Config merged = config.withFallback(reference).resolve();
        try {
            merged.checkValid(reference, "adan");
            return new TrainSettings(merged);
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

    private static <T> T parse(String key, Parser<T> p) {
        try {
            return p.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
        }
    }

    private static int atLeast(Config a, String key, int min) {
        int v = a.getInt(key);
        if (v < min) {
            throw new IllegalArgumentException(key + " must be >= " + min + ", got " + v);
        }
        return v;
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
                partitions > 0 ? partitions : Math.max(1, defaultParallelism), trainLimit, testLimit);
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

    /** @return {@code sharded} or {@code tree} */
    public String allReduce() {
        return allReduce;
    }

    /**
     * @return ND4J threads per gradient/evaluation task, 0 = {@code spark.task.cpus}
     *     ({@link ComputeThreads#resolve})
     */
    public int computeThreads() {
        return computeThreads;
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

    /** @return the application name */
    public String appName() {
        return appName;
    }

    /** @return steps with injected task failures */
    public Set<Long> failSteps() {
        return Set.copyOf(failSteps);
    }
}
