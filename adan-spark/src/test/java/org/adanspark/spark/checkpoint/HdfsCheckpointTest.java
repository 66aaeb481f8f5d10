package org.adanspark.spark.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.adanspark.spark.cli.TrainMain;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints on a real HDFS — Hadoop's own namenode and datanode ({@code MiniDFSCluster}, from the Hadoop
 * version Spark ships) in this JVM: the barrier execution's tasks write them to {@code hdfs://}; a driver killed
 * with {@code kill -9} (a separate JVM) is resumed from HDFS to the undisturbed run's {@code params_sha256}; and
 * a checkpoint whose write a stopped datanode interrupts ends the run in one line, leaves nothing under a
 * {@code step-} name, and a resume after the datanode is back starts from the checkpoint before it.
 */
class HdfsCheckpointTest {

    @TempDir
    static Path tmp;

    private static MiniDFSCluster hdfs;
    private static FileSystem fs;
    private static String undisturbedSha;

    /**
     * MNIST, 24 steps of 250 on two partitions, a checkpoint every 4 (none when {@code checkpoints} is null: the
     * bits are the same): long enough to kill something mid-run.
     */
    private static List<String> flags(String checkpoints, String metrics) {
        List<String> flags = new ArrayList<>(List.of("--data", "mnist", "--model", "mlp:16", "--global-batch", "250",
                "--epochs", "3", "--master", "local[2]", "--execution", "barrier", "--conf", "adan.data.train-limit=2000",
                "--conf", "adan.data.test-limit=500", "--metrics-out", metrics));
        if (checkpoints != null) {
            flags.addAll(List.of("--checkpoint-dir", checkpoints, "--checkpoint-every", "4"));
        }
        return flags;
    }

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
        undisturbedSha = finalSha(run(0, flags(null, tmp.resolve("undisturbed.jsonl").toString())));
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    private static String uri(String path) {
        return fs.getUri() + path;
    }

    @Test
    void aDriverKilledMidRunResumesFromHdfsToTheUndisturbedBits() throws Exception {
        String checkpoints = uri("/killed");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), TrainMain.class.getName()));
        command.addAll(flags(checkpoints, tmp.resolve("killed.jsonl").toString()));
        Process driver = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("killed.out").toFile()).start();
        org.apache.hadoop.fs.Path step8 = new org.apache.hadoop.fs.Path(checkpoints + "/step-000000008");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!fs.exists(step8) && driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        driver.destroyForcibly().waitFor();
        assertTrue(fs.exists(step8), "the driver wrote a checkpoint at step 8:\n" + Files.readString(tmp.resolve("killed.out")));
        assertFalse(fs.exists(new org.apache.hadoop.fs.Path(checkpoints + "/step-000000024")), "killed before its end");

        List<String> resume = flags(checkpoints, tmp.resolve("resumed.jsonl").toString());
        resume.add("--resume");
        String out = run(0, resume);
        assertTrue(out.contains("resumed from " + checkpoints + "/step-"), out);
        assertEquals(undisturbedSha, finalSha(out));
    }

    @Test
    void aCheckpointADatanodeStopInterruptsIsNeverTakenForAValidOne() throws Exception {
        String checkpoints = uri("/interrupted");
        org.apache.hadoop.fs.Path step4 = new org.apache.hadoop.fs.Path(checkpoints + "/step-000000004");
        AtomicReference<MiniDFSCluster.DataNodeProperties> stopped = new AtomicReference<>();
        List<String> first = flags(checkpoints, tmp.resolve("interrupted.jsonl").toString());
        Thread stopper = new Thread(() -> {
            try {
                while (!fs.exists(step4)) {
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                return;
            }
            stopped.set(hdfs.stopDataNode(0)); // while the run goes on to its next checkpoint
        });
        stopper.start();
        String out = run(1, first);
        stopper.join();
        assertTrue(stopped.get() != null, out);
        String last = out.lines().reduce((a, b) -> b).orElse("");
        assertTrue(last.startsWith("adan-train: cannot write checkpoint at step "), out);
        for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path(checkpoints))) {
            String name = s.getPath().getName();
            assertTrue(name.equals("step-000000004") || !name.startsWith("step-") && !name.startsWith(".step-"),
                    "only whole checkpoints are left: " + name);
        }

        assertTrue(hdfs.restartDataNode(stopped.get(), true));
        hdfs.waitActive();
        List<String> resume = flags(checkpoints, tmp.resolve("interrupted-resumed.jsonl").toString());
        resume.add("--resume");
        String again = run(0, resume);
        assertTrue(again.contains("resumed from " + checkpoints + "/step-000000004 at step 4"), again);
        assertEquals(undisturbedSha, finalSha(again));
    }

    /** Runs TrainMain in this JVM; returns what it printed (stdout, then stderr). */
    private static String run(int status, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        int actual;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            actual = TrainMain.run(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertEquals(status, actual, printed);
        return printed;
    }

    private static String finalSha(String printed) {
        return printed.lines().filter(l -> l.strip().startsWith("params_sha256 ")).map(l -> l.strip().substring(14))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no params_sha256 in:\n" + printed));
    }
}
