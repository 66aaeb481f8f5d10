package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A benchmark, not part of the suite (its name does not end in Test; run it with
 * {@code mvn -B -o -pl dist verify -Dtest=DriverMemoryBenchmark}): a 56.8M-parameter MLP on Fashion-MNIST
 * on a standalone cluster of two one-core workers, with the driver's heap at 1 GiB. The {@code barrier}
 * execution keeps θ and the optimizer state on the executors and steps; the {@code jobs} execution, whose
 * driver holds θ and Adan's four state slots (20 bytes per parameter, 1.1 GB), cannot start: it says so
 * before allocating them. Prints both
 * outcomes and the barrier run's step times (docs/BENCHMARKS.md, "Driver memory").
 */
class DriverMemoryBenchmark {

    /** 784·8192 + 8192 + 8192·6144 + 6144 + 6144·10 + 10 = 56,829,962 parameters. */
    private static final List<String> RUN = List.of("--data", "fashion-mnist", "--model", "mlp:8192,6144",
            "--optimizer", "adan", "--lr", "0.001", "--global-batch", "256", "--micro-batch", "128", "--max-steps", "4",
            "--partitions", "2", "--conf", "adan.data.test-limit=1000", "--conf", "adan.train.evaluate-every-epoch=false");

    @Test
    void aModelOfFiftySevenMillionParametersStepsWithAOneGigabyteDriverInTheBarrierExecutionOnly() throws Exception {
        Path dir = Build.ROOT.resolve("dist/target/driver-memory");
        Build.deleteRecursively(dir);
        Files.createDirectories(dir);
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "7g")) {
            Path metrics = dir.resolve("barrier.jsonl");
            List<String> barrier = new ArrayList<>(RUN);
            barrier.addAll(List.of("--execution", "barrier", "--metrics-out", metrics.toString()));
            long t = System.nanoTime();
            StandaloneCluster.Driver b = cluster.submit("barrier", barrier, "5g");
            assertEquals(0, b.await(900), b.output());
            System.out.printf(Locale.ROOT, "barrier: finished in %.1f s with a 1 GiB driver%n", (System.nanoTime() - t) / 1e9);
            for (String line : Files.readAllLines(metrics)) {
                System.out.println("  " + line);
            }
            assertTrue(b.output().contains("56829962 parameters"), b.output());

            List<String> jobs = new ArrayList<>(RUN);
            jobs.addAll(List.of("--execution", "jobs"));
            StandaloneCluster.Driver j = cluster.submit("jobs", jobs, "5g");
            int status = j.await(900);
            String out = j.output();
            System.out.println("jobs: exit status " + status + "; " + out.lines()
                    .filter(l -> l.contains("driver's heap")).findFirst().orElse(""));
            assertNotEquals(0, status, out);
            assertTrue(out.contains("more than the driver's heap"), out);
        }
    }
}
