package org.adanspark.spark.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.adanspark.spark.config.DataPlaneSecurity;
import org.adanspark.spark.data.DataSettings;
import org.adanspark.spark.data.DataValidationException;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.Failures;
import org.adanspark.spark.error.TrainingException;
import org.adanspark.spark.metrics.ConsoleProgress;
import org.adanspark.spark.metrics.JsonLinesMetrics;
import org.adanspark.spark.metrics.TrainingListener;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.NativeRuntime;
import org.adanspark.spark.run.RunPlan;
import org.adanspark.spark.run.SyncTrainer;
import org.adanspark.spark.run.TrainResult;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code adan-train} command: {@code bin/adan-train [flags]} in embedded {@code local[*]}, or
 * {@code spark-submit --class org.adanspark.spark.cli.TrainMain <jar> [flags]} on a cluster. Settings
 * are validated before Spark starts. Exit status: 0 done, 2 bad flags or configuration, 3 unusable data,
 * 1 training failed.
 */
public final class TrainMain {


    /** Exit status: the run finished (or {@code --help} was printed). */
    public static final int EXIT_DONE = 0;
    /** Exit status: training failed (a non-finite gradient, a lost checkpoint, a Spark failure). */
    public static final int EXIT_FAILED = 1;
    /** Exit status: bad flags or configuration, reported before Spark starts. */
    public static final int EXIT_USAGE = 2;
    /** Exit status: the data is unusable (a bad row, a missing file), reported before any step runs. */
    public static final int EXIT_BAD_DATA = 3;

    private static final Logger FAILURE_LOG = LoggerFactory.getLogger("org.adanspark.failure");

    private TrainMain() {
    }

    /**
     * @param args flags; {@code --help} lists them
     */
    public static void main(String[] args) {
        int status = run(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Runs a training job; the testable body of {@link #main}. While it runs, what libraries print to standard
     * output (SameDiff's {@code Added differentiated op …}) goes to the log file instead ({@link LibraryChatter});
     * the caller's {@code System.out} is back afterwards.
     *
     * @param args flags
     * @return the exit status
     */
    public static int run(String[] args) {
        PrintStream console = LibraryChatter.install();
        try {
            return train(args);
        } finally {
            System.setOut(console);
        }
    }

    private static int train(String[] args) {
        RunPlan settings;
        try {
            Config user = CommandLine.parse(args);
            if (user == null) {
                System.out.println(CommandLine.USAGE);
                return EXIT_DONE;
            }
            settings = RunPlan.from(user);
        } catch (IllegalArgumentException | ConfigException e) {
            System.err.println("adan-train: " + e.getMessage());
            return EXIT_USAGE;
        }
        try { // what Spark's own start would refuse with a message naming no setting
            SparkConf sparkConf = new SparkConf(true); // spark-submit's settings, then the user's --conf
            settings.sparkConf().forEach(sparkConf::set);
            DataPlaneSecurity.check(sparkConf);
        } catch (ConfigurationException e) {
            return fail(e.getMessage(), e, EXIT_USAGE);
        }
        NativeRuntime runtime; // the backend's natives, set up before they load, as in local[*] this JVM computes
        try {
            runtime = ComputeBackend.forSpec(settings.model(), settings.backend()).runtime();
        } catch (ConfigurationException e) {
            return fail(e.getMessage(), e, EXIT_USAGE);
        }
        runtime.prepareJvm(settings.blasKernel());
        List<TrainingListener> listeners = new ArrayList<>();
        listeners.add(new ConsoleProgress(System.out, settings.progressInterval(), settings.epochs()));
        if (settings.metricsOut() != null) {
            try {
                listeners.add(new JsonLinesMetrics(settings.metricsOut(), new Configuration()));
            } catch (UncheckedIOException e) {
                return fail("--metrics-out " + settings.metricsOut() + ": " + e.getMessage(), e, EXIT_USAGE);
            }
        }
        SparkSession spark;
        try {
            spark = session(settings, runtime);
        } catch (Exception e) { // e.g. an unknown master URL, or a driver without enough memory
            return fail("cannot start Spark: " + Failures.reason(e), e, EXIT_FAILED);
        }
        try {
            TrainResult result = new SyncTrainer(spark, settings, listeners).run();
            if (result == null) {
                return EXIT_FAILED;
            }
            if (settings.saveModel() != null) {
                DataSettings data = settings.dataSettings(1);
                ModelExport.save(spark, result, settings.saveModel(), data.featuresColumn(), data.labelColumn());
                System.out.println("  model saved to " + settings.saveModel() + " (AdanNetClassificationModel.load; the "
                        + result.model().backend() + " backend's own form: " + result.model().nativeFile() + ")");
            }
            return EXIT_DONE;
        } catch (DataValidationException e) {
            return fail("bad data: " + e.getMessage(), e, EXIT_BAD_DATA);
        } catch (ConfigurationException e) {
            return fail(e.getMessage(), e, EXIT_USAGE);
        } catch (TrainingException | UncheckedIOException | IllegalArgumentException e) {
            return fail(e.getMessage(), e, EXIT_FAILED);
        } catch (FSError e) { // a write to a full local disk that nothing closer caught
            return fail("cannot write to the local file system: " + Failures.reason(e), Failures.io(e), EXIT_FAILED);
        } catch (Exception e) { // anything else, e.g. a Spark job that failed outside a step
            return fail("training failed: " + e.getClass().getSimpleName() + ": " + Failures.reason(e), e, EXIT_FAILED);
        } finally {
            listeners.forEach(TrainingListener::close);
            spark.stop();
        }
    }

    /**
     * Reports a failure as one {@code adan-train:} line on stderr; its full trace goes to the log only
     * (the {@code org.adanspark.failure} logger, which conf/log4j2.properties sends to the log file).
     */
    private static int fail(String message, Exception e, int status) {
        FAILURE_LOG.error("adan-train: {}", message, e);
        System.err.println("adan-train: " + message);
        return status;
    }

    /**
     * The session: {@code --master} if given, else the one spark-submit set, else {@code local[*,4]}
     * (all cores, up to 4 attempts per task as on a cluster).
     */
    private static SparkSession session(RunPlan settings, NativeRuntime runtime) {
        SparkSession.Builder b = SparkSession.builder().appName(settings.appName())
                .config("spark.ui.showConsoleProgress", "false");
        settings.sparkConf().forEach(b::config);
        // executors load the backend's natives as the run computes (OpenBLAS's kernel); a user's own executor
        // environment stays
        runtime.executorEnvironment(settings.blasKernel()).forEach((name, value) -> {
            String key = "spark.executorEnv." + name;
            if (!settings.sparkConf().containsKey(key) && System.getProperty(key) == null) {
                b.config(key, value);
            }
        });
        if (settings.master() != null) {
            b.master(settings.master());
        } else if (System.getProperty("spark.master") == null) {
            b.master("local[*,4]");
        }
        return b.getOrCreate();
    }
}
