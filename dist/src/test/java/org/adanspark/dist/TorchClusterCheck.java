package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.adanspark.spark.cli.TrainMain;
import org.junit.jupiter.api.Test;

/**
 * A TorchScript model on the standalone cluster (two one-core worker JVMs, the submit jar through spark-submit)
 * against the embedded {@code local[*]} run of the same flags, in both executions: the same {@code params_sha256}.
 * About 100 s, so not part of {@code mvn verify} (the name does not end in Test); run it by hand:
 * {@code mvn -B verify -pl dist -Dtest=TorchClusterCheck -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class TorchClusterCheck {
    @Test
    void aTorchScriptRunOnTwoWorkerJvmsGivesTheEmbeddedRunsBits() throws Exception {
        Path dir = Build.ROOT.resolve("dist/target/torch-cluster-check");
        Build.deleteRecursively(dir);
        Files.createDirectories(dir);
        List<String> flags = List.of("--data", "fashion-mnist", "--model",
                "torchscript:" + Build.ROOT.resolve("examples/torchscript/fashion_cnn.pt"), "--global-batch", "1024",
                "--epochs", "1", "--max-steps", "6", "--partitions", "2");
        List<String> local = new ArrayList<>(flags);
        local.addAll(List.of("--metrics-out", dir.resolve("local.jsonl").toString(), "--master", "local[*]"));
        assertEquals(0, TrainMain.run(local.toArray(String[]::new)));
        String localSha = sha(dir.resolve("local.jsonl"));
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "2g")) {
            for (String execution : List.of("barrier", "jobs")) {
                List<String> c = new ArrayList<>(flags);
                Path metrics = dir.resolve(execution + ".jsonl");
                c.addAll(List.of("--execution", execution, "--metrics-out", metrics.toString()));
                StandaloneCluster.Driver d = cluster.submit("torch-" + execution, c);
                assertEquals(0, d.await(600), d.output());
                System.out.println("TorchClusterCheck: " + execution + " on the cluster " + sha(metrics) + ", local " + localSha);
                assertEquals(localSha, sha(metrics), execution);
            }
        }
    }

    private static String sha(Path metrics) throws Exception {
        List<String> lines = Files.readAllLines(metrics);
        Config last = ConfigFactory.parseString(lines.get(lines.size() - 1));
        return last.getString("params_sha256");
    }
}
