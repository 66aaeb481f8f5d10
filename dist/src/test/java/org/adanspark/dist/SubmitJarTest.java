package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.adanspark.spark.cli.TrainMain;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spark-submit jar: what it holds and leaves out, that none of its classes collides with Spark's,
 * and that Spark's own {@code SparkSubmit}, on Spark's classpath and this jar alone, trains the same
 * model bit for bit as the embedded launcher.
 */
class SubmitJarTest {

    private static Set<String> entries;

    @TempDir
    Path tmp;

    @BeforeAll
    static void readJar() throws IOException {
        Path jar = Build.submitJar();
        assertTrue(Files.isRegularFile(jar), jar + " was not built");
        assertEquals("adan-spark-" + Build.property("adan.version") + ".jar", jar.getFileName().toString());
        entries = new HashSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().map(ZipEntry::getName).forEach(entries::add);
        }
    }

    @Test
    void holdsOurCodeDl4jNd4jAndThisOsNativesButNotSparkOrScala() throws IOException {
        for (String required : List.of("org/adanspark/spark/cli/TrainMain.class",
                "org/adanspark/optim/Adan.class", "org/deeplearning4j/nn/multilayer/MultiLayerNetwork.class",
                "org/nd4j/linalg/factory/Nd4j.class", "com/typesafe/config/ConfigFactory.class",
                "reference.conf", "META-INF/services/org.nd4j.linalg.factory.Nd4jBackend")) {
            assertTrue(entries.contains(required), "submit jar lacks " + required);
        }
        String backend = Build.property("adan.nd4jBackend");
        String classifier = Build.property("adan.nd4jClassifier");
        // the one build of the natives the jar carries: linux-x86_64-onednn by default (nd4j.extension)
        String natives = (backend.equals("nd4j-native") ? "org/nd4j/linalg/cpu/nativecpu/bindings/"
                : "org/nd4j/linalg/jcublas/bindings/") + classifier + Build.property("adan.nd4jExtension") + "/";
        assertTrue(entries.stream().anyMatch(e -> e.startsWith(natives) && e.contains("libnd4j")),
                "submit jar lacks " + backend + "'s " + classifier + " natives under " + natives);
        for (String entry : entries) {
            assertTrue(!entry.startsWith("org/apache/spark/") && !entry.startsWith("scala/"),
                    "Spark and Scala are the cluster's, but the jar holds " + entry);
        }
        try (JarFile jar = new JarFile(Build.submitJar().toFile())) {
            assertEquals("org.adanspark.spark.cli.TrainMain", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            Properties build = new Properties();
            try (InputStream in = jar.getInputStream(jar.getEntry("META-INF/adan-spark/build.properties"))) {
                build.load(in);
            }
            assertEquals(Build.property("adan.version"), build.getProperty("version"));
            assertEquals(Build.property("adan.sparkVersion"), build.getProperty("spark.version"));
            assertEquals(backend, build.getProperty("nd4j.backend"));
            assertEquals(classifier, build.getProperty("nd4j.classifier"));
            // libtorch's CPU natives travel in the CPU build's jar; the cuda build's beside it (docs/GPU.md)
            boolean cpu = backend.equals("nd4j-native");
            assertEquals(cpu, build.getProperty("libtorch.natives").startsWith("pytorch-native-cpu "),
                    build.getProperty("libtorch.natives"));
            assertEquals(cpu, jar.getEntry("native/lib/pytorch.properties") != null, "libtorch's natives in the jar");
            try (InputStream in = jar.getInputStream(jar.getEntry("reference.conf"))) {
                String reference = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(reference.contains("global-batch"), "adan-spark's reference.conf was lost in the merge");
            }
        }
    }

    @Test
    void everyBundledArtifactIsInTheLicenceTableAndTheJarCarriesIt() throws IOException {
        String page = Files.readString(Build.ROOT.resolve("docs/DEPENDENCIES.md"));
        List<String> missing = new ArrayList<>();
        Pattern resolved = Pattern.compile("^\\s+([^:\\s]+):([^:\\s]+):jar:(?:[^:\\s]+:)?([^:\\s]+):(compile|runtime)");
        for (String line : Files.readAllLines(Build.ROOT.resolve("dist/target/bundled-artifacts.txt"))) {
            Matcher m = resolved.matcher(line);
            if (m.find() && !page.contains("| `" + m.group(1) + ":" + m.group(2) + "` | " + m.group(3))) {
                missing.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3));
            }
        }
        assertTrue(missing.isEmpty(), "bundled but not in docs/DEPENDENCIES.md's licence table: " + missing);
        assertTrue(entries.contains("META-INF/adan-spark/DEPENDENCIES.md"), "the jar carries its licence table");
    }

    @Test
    void noClassCollidesWithSparksClasspath() throws IOException {
        Set<String> clashes = new TreeSet<>();
        for (String path : Build.sparkClasspath().split(File.pathSeparator)) {
            try (ZipFile zip = new ZipFile(path)) {
                zip.stream().map(ZipEntry::getName)
                        .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class") && !n.startsWith("META-INF/"))
                        .filter(entries::contains)
                        .forEach(n -> clashes.add(n.substring(0, n.lastIndexOf('/')) + "/ (from " + new File(path).getName() + ")"));
            }
        }
        assertTrue(clashes.isEmpty(), "packages in both the submit jar and Spark's classpath; relocate them in "
                + "dist/pom.xml: " + clashes);
        assertTrue(entries.contains("org/adanspark/shaded/gson/Gson.class"), "gson is relocated");
        assertTrue(entries.contains("org/adanspark/shaded/commons/io/FileUtils.class"), "commons-io is relocated");
        assertTrue(entries.stream().noneMatch(e -> e.startsWith("com/google/gson/") || e.startsWith("org/apache/commons/io/")));
    }

    @Test
    void sparkSubmitOnSparksClasspathTrainsTheSameModelAsTheEmbeddedLauncher() throws Exception {
        List<String> flags = List.of("--data", "mnist", "--model", "mlp:32", "--optimizer", "adan",
                "--global-batch", "1000", "--micro-batch", "250", "--epochs", "1",
                "--conf", "adan.data.train-limit=3000", "--conf", "adan.data.test-limit=1000");

        Path embeddedMetrics = tmp.resolve("embedded.jsonl");
        List<String> embedded = new ArrayList<>(flags);
        embedded.addAll(List.of("--master", "local[2]", "--metrics-out", embeddedMetrics.toString()));
        assertEquals(0, TrainMain.run(embedded.toArray(String[]::new)));

        Path submitMetrics = tmp.resolve("submitted.jsonl");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        command.addAll(Build.sparkJvmOpens());
        command.add("-Dlog4j2.configurationFile=" + Build.ROOT.resolve("conf/log4j2.properties"));
        command.addAll(List.of("-cp", Build.sparkClasspath(), "org.apache.spark.deploy.SparkSubmit",
                "--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "--class", "org.adanspark.spark.cli.TrainMain", Build.submitJar().toString()));
        command.addAll(flags);
        command.addAll(List.of("--metrics-out", submitMetrics.toString()));
        Build.Result result = Build.run(command, Build.ROOT, Map.of("SPARK_LOCAL_IP", "127.0.0.1"), 300);
        assertEquals(0, result.status(), result.output());
        assertTrue(result.output().contains("test accuracy"), result.output());

        Config a = last(embeddedMetrics);
        Config b = last(submitMetrics);
        assertNotNull(a.getString("params_sha256"));
        assertEquals(a.getString("params_sha256"), b.getString("params_sha256"),
                "spark-submit with the shaded jar and the embedded launcher trained different models");
        assertEquals(a.getDouble("test_accuracy"), b.getDouble("test_accuracy"));
    }

    private static Config last(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        return ConfigFactory.parseString(lines.get(lines.size() - 1));
    }
}
