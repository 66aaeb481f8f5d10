package org.adanspark.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A benchmark, not part of the suite (its name does not end in Test; run it with
 * {@code mvn -B -o -pl dist verify -Dtest=ChaosBenchmark -Dsurefire.failIfNoSpecifiedTests=false}): a barrier run
 * of 200 steps on a standalone cluster of two one-core workers, once undisturbed and once under chaos — a random
 * executor killed ({@code kill -9}) every {@value #KILL_EVERY} steps, and once, mid-run, a whole worker that is
 * not restarted, so the run continues in the jobs execution after {@code adan.train.capacity-wait}. Prints a
 * table (docs/BENCHMARKS.md, section 12): each kill's step, time and the time until the run was {@value #PAST}
 * steps past it (against the undisturbed run's time for as many steps), the stage restarts Spark made, the switch, the wall times, and whether the final {@code params_sha256}
 * equals the undisturbed run's (the benchmark fails if it does not).
 */
class ChaosBenchmark {

    /** Steps between executor kills. */
    private static final int KILL_EVERY = 25;
    /** The step after which the worker goes. */
    private static final int WORKER_KILL_AT = 130;
    /** Fashion-MNIST, 20 steps of 1,000 per epoch, 10 epochs, a checkpoint every 10 steps. */
    private static final List<String> RUN = List.of("--data", "fashion-mnist", "--model", "mlp:64", "--optimizer", "adan",
            "--global-batch", "1000", "--micro-batch", "500", "--epochs", "10", "--seed", "11", "--partitions", "2",
            "--execution", "barrier", "--conf", "adan.data.train-limit=20000", "--conf", "adan.data.test-limit=2000",
            "--conf", "adan.train.evaluate-every-epoch=false", "--checkpoint-every", "10",
            "--conf", "adan.train.capacity-wait=20s");
    private static final int STEPS = 200;
    /** A kill's cost is measured until the run is this many steps past where it was. */
    private static final int PAST = 5;

    /** One kill: what, at which step and time, and the seconds until the run was {@link #PAST} steps past it. */
    private record Kill(String what, long step, double atS, double lostS) {
    }

    @Test
    void aRunUnderChaosEndsOnTheUndisturbedBits() throws Exception {
        Path dir = Build.ROOT.resolve("dist/target/chaos");
        Build.deleteRecursively(dir);
        Files.createDirectories(dir);
        try (StandaloneCluster cluster = StandaloneCluster.start(dir.resolve("cluster"), 2, 1, "2g")) {
            Path calmMetrics = dir.resolve("undisturbed.jsonl");
            List<String> calm = new ArrayList<>(RUN);
            calm.addAll(List.of("--checkpoint-dir", dir.resolve("undisturbed-ck").toString(), "--metrics-out",
                    calmMetrics.toString()));
            long t0 = System.nanoTime();
            StandaloneCluster.Driver undisturbed = cluster.submit("undisturbed", calm);
            assertEquals(0, undisturbed.await(1800), undisturbed.output());
            double calmWall = (System.nanoTime() - t0) / 1e9;
            String calmSha = finalLine(calmMetrics).getString("params_sha256");

            Path metrics = dir.resolve("chaos.jsonl");
            List<String> chaos = new ArrayList<>(RUN);
            chaos.addAll(List.of("--checkpoint-dir", dir.resolve("chaos-ck").toString(), "--metrics-out",
                    metrics.toString()));
            Random random = new Random(20261205);
            List<Kill> kills = new ArrayList<>();
            long start = System.nanoTime();
            StandaloneCluster.Driver driver = cluster.submit("chaos", chaos);
            boolean workerGone = false;
            for (long next = KILL_EVERY; next < STEPS; next += KILL_EVERY) {
                long at = next;
                StandaloneCluster.await("step " + at, java.time.Duration.ofSeconds(900),
                        () -> maxStep(metrics) >= at || !driver.process().isAlive());
                if (!driver.process().isAlive()) {
                    break;
                }
                double atS = (System.nanoTime() - start) / 1e9;
                long step = maxStep(metrics);
                String what;
                if (!workerGone && step >= WORKER_KILL_AT) {
                    cluster.killWorker(2);
                    workerGone = true;
                    what = "worker 2";
                } else {
                    List<Integer> live = cluster.liveWorkers();
                    int worker = live.get(random.nextInt(live.size()));
                    what = "executor of worker " + worker + " (pid " + cluster.killExecutorOf(worker) + ")";
                }
                // past the step the run was at by more than a step already in flight when the kill landed
                StandaloneCluster.await(PAST + " steps past " + step, java.time.Duration.ofSeconds(900),
                        () -> maxStep(metrics) >= step + PAST || !driver.process().isAlive());
                kills.add(new Kill(what, step, atS, (System.nanoTime() - start) / 1e9 - atS));
            }
            assertEquals(0, driver.await(1800), driver.output());
            double chaosWall = (System.nanoTime() - start) / 1e9;
            String sha = finalLine(metrics).getString("params_sha256");
            String out = driver.output();
            long restarts = out.lines().filter(l -> l.contains("Spark restarted the stage")).count();
            String switched = out.lines().filter(l -> l.contains("continuing in the jobs execution")).findFirst()
                    .map(l -> l.substring(l.indexOf("WARN"))).orElse("(no switch)");

            double stepS = calmWall / STEPS;
            System.out.printf(Locale.ROOT, "chaos: %d steps, %d kills, %d barrier stage restarts; undisturbed %.1f s"
                    + " (%.2f s/step), under chaos %.1f s (+%.1f s)%n", STEPS, kills.size(), restarts, calmWall, stepS,
                    chaosWall, chaosWall - calmWall);
            System.out.printf(Locale.ROOT, "| kill | at step | at s | s until %d steps past it (undisturbed: %.2f s) |%n",
                    PAST, PAST * stepS);
            System.out.println("|---|---:|---:|---:|");
            for (Kill k : kills) {
                System.out.printf(Locale.ROOT, "| %s | %d | %.1f | %.1f |%n", k.what(), k.step(), k.atS(), k.lostS());
            }
            System.out.println("switch: " + switched);
            System.out.println("params_sha256 undisturbed " + calmSha + ", under chaos " + sha + (sha.equals(calmSha)
                    ? " (equal)" : " (DIFFERENT)"));
            assertEquals(calmSha, sha, "the run under chaos ends on the undisturbed bits");
        }
    }

    /** @return the largest step the metrics file has reported so far */
    private static long maxStep(Path metrics) {
        try {
            if (!Files.exists(metrics)) {
                return 0;
            }
            long max = 0;
            for (String line : Files.readAllLines(metrics)) {
                if (line.startsWith("{\"step\"")) {
                    max = Math.max(max, ConfigFactory.parseString(line).getLong("step"));
                }
            }
            return max;
        } catch (IOException | com.typesafe.config.ConfigException e) {
            return 0; // a line being written; the next poll reads it whole
        }
    }

    private static Config finalLine(Path metrics) throws IOException {
        List<String> lines = Files.readAllLines(metrics);
        return ConfigFactory.parseString(lines.get(lines.size() - 1));
    }
}
