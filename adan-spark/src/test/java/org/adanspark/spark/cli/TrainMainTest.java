package org.adanspark.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.adanspark.io.DataSetLocator;
import org.adanspark.io.IdxReader;
import org.adanspark.spark.ml.AdanNetClassificationModel;
import org.adanspark.spark.testing.SparkTestSession;
import org.adanspark.spark.testing.TestKeyStore;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: flags, metrics file, saved model, exit statuses. */
class TrainMainTest {

    @TempDir
    Path tmp;

    @Test
    void aRunWritesStepEpochAndFinalMetricsAndTheModel() throws IOException {
        Path metrics = tmp.resolve("out/metrics.jsonl");
        Path model = tmp.resolve("model");
        int status = TrainMain.run(new String[] {"--data", "mnist", "--model", "mlp:32", "--optimizer", "adan",
            "--global-batch", "1000", "--micro-batch", "250", "--epochs", "2", "--master", "local[2,4]",
            "--conf", "adan.data.train-limit=3000", "--conf", "adan.data.test-limit=1000",
            "--metrics-out", metrics.toString(), "--save-model", model.toString()});
        assertEquals(0, status);
        List<String> lines = Files.readAllLines(metrics);
        assertEquals(6 + 2 + 1, lines.size(), String.join("\n", lines)); // 6 steps, 2 epoch lines, final
        Config step = ConfigFactory.parseString(lines.get(0));
        for (String key : List.of("step", "epoch", "loss", "lr", "examples", "examples_per_sec", "compute_ms",
                "reduce_ms", "update_ms", "broadcast_ms")) {
            assertTrue(step.hasPath(key), key + " in " + lines.get(0));
        }
        assertEquals(1, step.getInt("step"));
        assertEquals(1000, step.getInt("examples"));
        Config epoch = ConfigFactory.parseString(lines.get(lines.size() - 2));
        assertEquals("epoch", epoch.getString("event"));
        double logLoss = epoch.getDouble("test_log_loss");
        assertTrue(logLoss > 0 && logLoss < Math.log(10), "test log-loss below chance: " + lines.get(lines.size() - 2));
        Config last = ConfigFactory.parseString(lines.get(lines.size() - 1));
        assertEquals("final", last.getString("event"));
        assertEquals(6, last.getInt("steps"));
        assertTrue(last.getDouble("test_accuracy") > 0.7, lines.get(lines.size() - 1));
        assertTrue(last.getDouble("wall_s") > 0);
        String sha = last.getString("params_sha256");
        assertTrue(sha.matches("[0-9a-f]{64}"), sha);
        assertTrue(Files.size(model.resolve("model.zip")) > 0);
        assertEquals(sha, Files.readString(model.resolve("params.sha256")).trim());
        assertSparkMlLoadsAndPredicts(model, sha, last.getDouble("test_accuracy"));
    }

    /**
     * The --save-model directory is an AdanNetClassificationModel: it loads with {@code load(DIR)}, runs as
     * a Pipeline stage, and predicts the CLI's 1,000 test rows as well as the CLI's own evaluation did.
     */
    private static void assertSparkMlLoadsAndPredicts(Path dir, String sha, double cliAccuracy) throws IOException {
        SparkSession spark = SparkTestSession.start();
        try {
            AdanNetClassificationModel loaded = AdanNetClassificationModel.load(dir.toString());
            assertEquals(sha, loaded.network().paramsSha256());
            Path mnist = new DataSetLocator(null).locate("mnist", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
            IdxReader.UnsignedBytes x = IdxReader.readUnsignedBytes(mnist.resolve("t10k-images-idx3-ubyte.gz"));
            IdxReader.UnsignedBytes y = IdxReader.readUnsignedBytes(mnist.resolve("t10k-labels-idx1-ubyte.gz"));
            List<Row> rows = new ArrayList<>();
            for (int r = 0; r < 1000; r++) {
                double[] f = new double[x.itemSize()];
                for (int j = 0; j < f.length; j++) {
                    f[j] = (x.data()[r * f.length + j] & 0xFF) / 255.0;
                }
                rows.add(RowFactory.create(Vectors.dense(f), (double) (y.data()[r] & 0xFF)));
            }
            Dataset<Row> test = spark.createDataFrame(rows, new StructType()
                    .add("features", SQLDataTypes.VectorType()).add("label", DataTypes.DoubleType));
            PipelineModel pipeline = new Pipeline().setStages(new PipelineStage[] {loaded}).fit(test);
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                    .evaluate(pipeline.transform(test));
            // one output computed per row instead of in batches may break a near-tie the other way
            assertEquals(cliAccuracy, accuracy, 1.0 / 1000, "the saved model predicts as the run evaluated it");
        } finally {
            spark.stop();
        }
    }

    @Test
    void aJobSparkGivesUpOnEndsInOneLineNamingTheStepAndTheCheckpointToResumeFrom() {
        Path checkpoints = tmp.resolve("ck");
        // local[2] in the jobs execution: one attempt per task, so the injected failure at step 3 (0-based 2) is
        // final (a barrier stage would be restarted instead)
        String[] args = {"--data", "mnist", "--model", "mlp:16", "--global-batch", "1000", "--epochs", "1",
            "--master", "local[2]", "--execution", "jobs", "--conf", "adan.data.train-limit=3000", "--conf", "adan.data.test-limit=500",
            "--checkpoint-dir", checkpoints.toString(), "--checkpoint-every", "1",
            "--conf", "adan.debug.fail-first-attempt-at-steps=[2]"};
        String line = onlyErrorLine(args, 1);
        assertTrue(line.startsWith("adan-train: step 3/3 (epoch 1) failed: Job aborted due to stage failure"), line);
        assertTrue(line.contains("injected failure"), line);
        assertTrue(line.endsWith("Run the same command with --resume to continue from the newest checkpoint, "
                + "file:" + checkpoints.resolve("step-000000002")), line);
    }

    /** Runs TrainMain, expects {@code status}, and returns the one line it printed on stderr. */
    private static String onlyErrorLine(String[] args, int status) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int actual;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            actual = TrainMain.run(args);
        } finally {
            System.setErr(original);
        }
        String printed = err.toString(StandardCharsets.UTF_8);
        assertEquals(status, actual, printed);
        List<String> lines = printed.lines().toList();
        assertEquals(1, lines.size(), printed);
        return lines.get(0);
    }

    @Test
    void badFlagsAndConfigurationExitWithTwoBeforeSparkStarts() throws IOException {
        assertEquals(2, TrainMain.run(new String[] {"--epoch", "3"}));
        Path conf = tmp.resolve("bad.conf");
        Files.writeString(conf, "adan.optimizer.adan.lr = -1\n");
        assertEquals(2, TrainMain.run(new String[] {"--config", conf.toString()}));
        assertEquals(0, TrainMain.run(new String[] {"--help"}));
    }

    /** A small barrier run on MNIST with the given extra flags; returns its final metrics line. */
    private Config barrierRun(String name, String... extra) throws IOException {
        Path metrics = tmp.resolve(name + ".jsonl");
        List<String> args = new java.util.ArrayList<>(List.of("--data", "mnist", "--model", "mlp:16",
            "--global-batch", "1000", "--epochs", "1", "--master", "local[2]", "--execution", "barrier",
            "--conf", "adan.data.train-limit=3000", "--conf", "adan.data.test-limit=500",
            "--metrics-out", metrics.toString()));
        args.addAll(List.of(extra));
        assertEquals(0, TrainMain.run(args.toArray(String[]::new)), String.join(" ", args));
        List<String> lines = Files.readAllLines(metrics);
        return ConfigFactory.parseString(lines.get(lines.size() - 1));
    }

    @Test
    void sparkPropertiesGivenWithConfReachTheSessionAndTheDataPlaneKeepsTheBits() throws IOException {
        Config plain = barrierRun("plain");
        assertEquals("Haswell", plain.getString("blas_kernel"), "the final line records the kernel");
        // spark.authenticate and spark.authenticate.secret nest as HOCON paths: they must be taken whole
        Config secured = barrierRun("secured", "--conf", "spark.authenticate=true", "--conf",
            "spark.authenticate.secret=a-secret", "--conf", "spark.network.crypto.enabled=true",
            "--conf", "spark.app.name=adan-secured");
        assertEquals(plain.getString("params_sha256"), secured.getString("params_sha256"),
            "an authenticated, encrypted data plane carries the same numbers");
        List<String> tls = new ArrayList<>(List.of("--conf", "spark.authenticate=true", "--conf",
            "spark.authenticate.secret=a-secret"));
        TestKeyStore.create(tmp).sparkTls().forEach((k, v) -> tls.addAll(List.of("--conf", k + "=" + v)));
        Config overTls = barrierRun("tls", tls.toArray(String[]::new));
        assertEquals(plain.getString("params_sha256"), overTls.getString("params_sha256"),
            "a data plane under TLS (spark.ssl.rpc.*) carries the same numbers");
    }

    @Test
    void confThatCannotBeParsedIsOneLineWithStatusTwo() {
        String line = onlyErrorLine(new String[] {"--conf", "adan.train.epochs=1", "--conf", "adan.train.epochs.x=2"}, 2);
        assertTrue(line.startsWith("adan-train: --conf: keys that cannot be set together"), line);
        line = onlyErrorLine(new String[] {"--conf", "spark.authenticate"}, 2);
        assertEquals("adan-train: --conf needs KEY=VALUE, got 'spark.authenticate'", line);
    }

    @Test
    void aBlasKernelOtherThanTheLoadedOneIsRefusedByNameAndSoIsAResumeWithAnotherKernel() throws IOException {
        String line = onlyErrorLine(new String[] {"--blas-kernel", "Skylake"}, 2);
        assertTrue(line.startsWith("adan-train: adan.train.blas-kernel (--blas-kernel) must be an OpenBLAS x86-64 kernel"),
                line);
        assertTrue(line.endsWith("or auto, got 'Skylake'"), line);
        // this test JVM loaded OpenBLAS with Haswell (surefire's environment, and BlasKernel's pin): a run that
        // asks for another kernel cannot have it here, and says so before it trains
        String[] other = {"--data", "mnist", "--model", "mlp:16", "--global-batch", "1000", "--max-steps", "1",
            "--master", "local[2]", "--conf", "adan.data.train-limit=3000", "--conf", "adan.data.test-limit=500",
            "--blas-kernel", "skylakex"};
        line = onlyErrorLine(other, 2);
        assertTrue(line.startsWith("adan-train: OpenBLAS in this JVM computes with its Haswell kernel, not the run's"
                + " SkylakeX"), line);
        assertTrue(line.contains("OPENBLAS_CORETYPE=SkylakeX and DNNL_MAX_CPU_ISA=AVX512_CORE"), line);
        // a checkpoint records its kernel; a resume under another one is refused naming both
        Path checkpoints = tmp.resolve("ck-kernel");
        barrierRun("first", "--checkpoint-dir", checkpoints.toString(), "--max-steps", "2");
        String[] resume = {"--data", "mnist", "--model", "mlp:16", "--global-batch", "1000", "--epochs", "1",
            "--master", "local[2]", "--conf", "adan.data.train-limit=3000", "--conf", "adan.data.test-limit=500",
            "--checkpoint-dir", checkpoints.toString(), "--resume", "--blas-kernel", "auto"};
        line = onlyErrorLine(resume, 1);
        assertTrue(line.contains("adan.train.blas-kernel was Haswell, is auto (the BLAS kernel changes the bits;"
                + " pass --blas-kernel Haswell)"), line);
        assertTrue(Files.readString(checkpoints.resolve("step-000000002/training.json")).contains("\"blas_kernel\" : \"Haswell\""),
                "the checkpoint records the kernel");
    }

    @Test
    void aFreshRunRefusesACheckpointDirectoryHoldingAnotherRunsCheckpointsAndReusesItsOwn() throws IOException {
        Path checkpoints = tmp.resolve("ck-shared");
        Config first = barrierRun("mine", "--checkpoint-dir", checkpoints.toString(), "--max-steps", "2");
        // the same run again, from step 0: its checkpoints have the same bits, so the directory is its own
        Config again = barrierRun("mine-again", "--checkpoint-dir", checkpoints.toString(), "--max-steps", "2");
        assertEquals(first.getString("params_sha256"), again.getString("params_sha256"));
        String[] other = {"--data", "mnist", "--model", "mlp:8", "--global-batch", "1000", "--max-steps", "2",
            "--master", "local[2]", "--conf", "adan.data.train-limit=3000", "--conf", "adan.data.test-limit=500",
            "--checkpoint-dir", checkpoints.toString()};
        String line = onlyErrorLine(other, 2);
        assertTrue(line.startsWith("adan-train: adan.checkpoint.dir (--checkpoint-dir) " + checkpoints
                + " holds another run's checkpoints (file:" + checkpoints.resolve("step-000000002")
                + ": model configuration (adan.model.spec / seed) differs"), line);
        assertTrue(line.endsWith("give this run another --checkpoint-dir, or delete them"), line);
    }

    @Test
    void badDataExitsWithThree() throws IOException {
        Path csv = tmp.resolve("bad.csv");
        Files.writeString(csv, "label,a\n0,1\n-3,2\n");
        assertEquals(3, TrainMain.run(new String[] {"--data", "csv:" + csv, "--model", "linear", "--master", "local[2]"}));
    }
}
