package org.adanspark.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.adanspark.io.DataSetLocator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Every kind of bad input docs/TROUBLESHOOTING.md lists, through {@code TrainMain} as a user meets it: the
 * exit status CLI.md promises (2 configuration, 3 data), exactly one {@code adan-train:} line on stderr
 * whose text names the file, the line, the column and the value where there are such, and no metrics file
 * left behind by a run that failed before its first step.
 */
class BadInputTest {

    @TempDir
    static Path dir;

    /** A regular file, so that any path below it can be neither created nor written. */
    private static Path aFile;

    @BeforeAll
    static void writeInputs() throws IOException {
        write("extra.csv", "label,a,b\n0,1,2\n1,3,4,5\n");
        write("missing.csv", "label,a,b\n0,1,2\n1,3,\n");
        write("label.csv", "label,a,b\n0,1,2\n1,3,4\nx,5,6\n");
        write("header-only.csv", "label,f1,f2\n");
        write("nan.libsvm", "1 1:0.5 2:1\n0 1:nan 2:3\n");
        write("infinity.libsvm", "1 1:0.5 2:1\n# a comment\n\n0 1:2 2:-Infinity\n");
        write("fraction.libsvm", "1 1:0.5\n1.5 1:2\n");
        write("descending.libsvm", "1 1:0.5 3:1 2:4\n");
        write("empty.libsvm", "");
        write("one-class.libsvm", "1 1:0.5 2:1\n1 1:1 2:0\n1 1:2 2:2\n");
        write("three.libsvm", "1 1:0.5 2:1 3:1\n0 1:1 2:0 3:2\n");
        write("hello.json", "{\"hello\": \"world\"}");
        write("table.csv", "label,a,b\n0,1,2\n1,3,4\n");
        write("syntax.conf", "adan { train { epochs = 2\n");
        aFile = write("a-file", "not a directory");
        MultiLayerConfiguration misfit = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(10).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(7).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        // DL4J's builder sets each nIn from the layer before; a hand-edited file can still disagree
        String misfitJson = misfit.toJson().replaceFirst("(\"n[iI]n\"\\s*:\\s*)10\\b", "$17");
        assertFalse(misfitJson.equals(misfit.toJson()), "the output layer's nIn was edited");
        write("misfit.json", misfitJson);
        Path mnist = new DataSetLocator(null).locate("mnist", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        Path cut = Files.createDirectories(dir.resolve("cut-data/mnist"));
        for (String f : List.of("train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
            Files.copy(mnist.resolve(f), cut.resolve(f));
        }
        byte[] images = Files.readAllBytes(mnist.resolve("train-images-idx3-ubyte.gz"));
        Files.write(cut.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(images, images.length / 3));
        Files.createDirectories(dir.resolve("empty-dir"));
        Files.createDirectories(dir.resolve("keep-me"));
        write("keep-me/notes.txt", "a user's file that --save-model must not delete");
    }

    private static Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    static Stream<Arguments> cases() {
        String q = Pattern.quote(dir.toString());
        return Stream.of(
                // data: exit 3, file:line: column, value
                bad(3, "bad data: file:" + q + "/extra.csv:3: 4 values where the header has 3 columns; the line: 1,3,4,5",
                        "--data", "csv:" + p("extra.csv"), "--model", "linear"),
                bad(3, "bad data: file:" + q + "/missing.csv:3: column 'b' has no value; expected a number; the line: 1,3,",
                        "--data", "csv:" + p("missing.csv"), "--model", "linear"),
                bad(3, "bad data: file:" + q + "/label.csv:4: column 'label' holds 'x', not a number; expected a class index.*",
                        "--data", "csv:" + p("label.csv"), "--model", "linear"),
                bad(3, "bad data: " + q + "/header-only.csv has a header line and no rows",
                        "--data", "csv:" + p("header-only.csv"), "--model", "linear"),
                bad(3, "bad data: file:" + q + "/nan.libsvm:2: the value of feature 1 holds 'nan', not a number; the line: 0 1:nan 2:3",
                        "--data", "libsvm:" + p("nan.libsvm"), "--model", "linear"),
                bad(3, "bad data: file:" + q + "/infinity.libsvm:4: the value of feature 2 holds '-Infinity', not a finite number.*",
                        "--data", "libsvm:" + p("infinity.libsvm"), "--model", "linear"),
                bad(3, "bad data: file:" + q + "/fraction.libsvm:2: the label is '1.5', not a class index 0, 1, ….*",
                        "--data", "libsvm:" + p("fraction.libsvm"), "--model", "linear"),
                bad(3, "bad data: file:" + q + "/descending.libsvm:1: feature '2:4': index 2 follows index 3; indices must ascend.*",
                        "--data", "libsvm:" + p("descending.libsvm"), "--model", "linear"),
                bad(3, "bad data: " + q + "/empty.libsvm has no records \\(it is empty, or only blank and # comment lines\\)",
                        "--data", "libsvm:" + p("empty.libsvm"), "--model", "linear"),
                bad(3, "bad data: file:" + q + "/table.csv is not a Parquet file: it does not begin and end with Parquet's"
                                + " magic bytes PAR1; it starts with the text 'label,a,b', which looks like CSV \\(use csv:PATH\\)",
                        "--data", "parquet:" + p("table.csv"), "--model", "linear"),
                bad(3, "bad data: data file " + q + "/absent.libsvm does not exist",
                        "--data", "libsvm:" + p("absent.libsvm"), "--model", "linear"),
                bad(3, "bad data: the driver \\(local mode\\) cannot read the data: " + q
                                + "/cut-data/mnist/train-images-idx3-ubyte.gz is (damaged|truncated): .*",
                        "--data", "mnist", "--data-dir", p("cut-data"), "--model", "linear"),
                bad(3, "bad data: --data-dir " + q + "/empty-dir holds no 'mnist' data set: looked for .* in " + q
                                + "/empty-dir/mnist and in " + q + "/empty-dir",
                        "--data", "mnist", "--data-dir", p("empty-dir")),
                bad(3, "bad data: " + q + "/three.libsvm does not fit model lenet: model 'lenet' needs 28×28 = 784 features "
                                + "per example, the data has 3",
                        "--data", "libsvm:" + p("three.libsvm"), "--model", "lenet"),
                // configuration: exit 2
                bad(2, "model configuration " + q + "/hello.json is not a DL4J configuration: it is neither a "
                                + "MultiLayerConfiguration \\(no \"confs\" list of layers\\) nor a ComputationGraphConfiguration "
                                + "\\(no \"vertices\" and \"networkInputs\"\\); its fields are \\[hello\\]",
                        "--data", "libsvm:" + p("three.libsvm"), "--model", "json:" + p("hello.json")),
                bad(2, "model json:" + q + "/misfit.json cannot run on 3 features per row: .*",
                        "--data", "libsvm:" + p("three.libsvm"), "--model", "json:" + p("misfit.json"), "--global-batch", "2"),
                bad(2, "--config " + q + "/syntax.conf: .*syntax.conf: 2: .*", "--config", p("syntax.conf")),
                bad(2, "adan.spark.master \\(--master\\) 'bogus://x' is not a Spark master URL: .*", "--master", "bogus://x"),
                bad(2, "--checkpoint-dir " + q + "/a-file/ck is not writable: .*",
                        "--data", "libsvm:" + p("three.libsvm"), "--model", "linear", "--checkpoint-dir", p("a-file") + "/ck"),
                bad(2, "--save-model " + q + "/a-file/model is not writable: .*",
                        "--data", "libsvm:" + p("three.libsvm"), "--model", "linear", "--save-model", p("a-file") + "/model"),
                bad(2, "--save-model " + q + "/a-file is not writable: it is a file, not a directory",
                        "--data", "libsvm:" + p("three.libsvm"), "--model", "linear", "--save-model", p("a-file")),
                bad(2, "--save-model " + q + "/keep-me already holds notes.txt, which is not a saved model; saving "
                                + "replaces the directory, so give a new or empty one, or one that --save-model wrote",
                        "--data", "libsvm:" + p("three.libsvm"), "--model", "linear", "--save-model", p("keep-me")),
                bad(2, "--metrics-out " + q + "/a-file/m.jsonl: cannot write metrics to " + q + "/a-file/m.jsonl: "
                                + q + "/a-file is a file, not a directory",
                        "--metrics-out", p("a-file") + "/m.jsonl"),
                bad(3, "bad data: " + q + "/one-class.libsvm: every label is 1; a classifier needs at least two classes",
                        "--data", "libsvm:" + p("one-class.libsvm"), "--model", "linear", "--global-batch", "2"),
                bad(2, "spark.ssl.rpc.enabled is true but there is no key to serve TLS with: set spark.ssl.rpc.keyStore "
                                + "\\(found: " + q + "/absent.p12, which cannot be read\\) with .*",
                        "--conf", "spark.ssl.rpc.enabled=true", "--conf", "spark.ssl.rpc.keyStore=" + p("absent.p12")),
                bad(2, "adan.train.global-batch \\(--global-batch\\) is 100 but " + q + "/three.libsvm has 2 rows; .* give at most 2",
                        "--data", "libsvm:" + p("three.libsvm"), "--model", "linear", "--global-batch", "100"));
    }

    private static Arguments bad(int status, String firstLine, String... args) {
        return Arguments.of(String.join(" ", args), status, firstLine, args);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedInOneLineWithItsExitStatusAndLeavesNoOutput(String name, int status, String firstLine, String[] args)
            throws IOException {
        Path metrics = dir.resolve("metrics-" + Integer.toHexString(name.hashCode()) + ".jsonl");
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--master")) {
            all.addAll(List.of("--master", "local[2]"));
        }
        if (!all.contains("--metrics-out")) {
            all.addAll(List.of("--metrics-out", metrics.toString()));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int actual;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            actual = TrainMain.run(all.toArray(String[]::new));
        } finally {
            System.setErr(original);
        }
        String printed = err.toString(StandardCharsets.UTF_8);
        List<String> lines = printed.lines().toList();
        assertEquals(1, lines.size(), "one line on stderr:\n" + printed);
        assertTrue(lines.get(0).matches("adan-train: " + firstLine), lines.get(0) + "\n  expected: " + firstLine);
        assertEquals(status, actual, printed);
        assertFalse(Files.exists(metrics), "a run that failed before its first step left " + metrics);
        assertFalse(Files.exists(dir.resolve("a-file/ck")) || Files.exists(dir.resolve("a-file/model")));
        assertTrue(Files.isRegularFile(dir.resolve("keep-me/notes.txt")), "a refused --save-model deleted a user's file");
    }

    @Test
    void aFileThatChangesWhileItIsReadIsRefused() throws Exception {
        Path growing = dir.resolve("growing.csv");
        StringBuilder rows = new StringBuilder("label,a,b\n");
        for (int i = 0; i < 2000; i++) {
            rows.append(i % 2).append(',').append(i).append(',').append(-i).append('\n');
        }
        Files.writeString(growing, rows);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> { // a download that is still running
            for (int i = 0; !stop.get(); i++) {
                try {
                    Files.writeString(growing, (i % 2) + "," + i + ",1\n", StandardOpenOption.APPEND);
                    Thread.sleep(5);
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        writer.start();
        try {
            isRefusedInOneLineWithItsExitStatusAndLeavesNoOutput("growing", 3, "bad data: " + Pattern.quote(growing.toString())
                    + " changed while it was read: [0-9,]+ bytes modified .* when the run began, [0-9,]+ bytes modified "
                    + ".* now; run again once the data is complete and no longer written",
                    new String[] {"--data", "csv:" + growing, "--model", "linear", "--global-batch", "100"});
        } finally {
            stop.set(true);
            writer.join();
        }
    }
}
