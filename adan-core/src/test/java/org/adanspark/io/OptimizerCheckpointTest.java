package org.adanspark.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.adanspark.optim.AdamW;
import org.adanspark.optim.Adan;
import org.adanspark.optim.Lookahead;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.optim.Precision;
import org.adanspark.optim.ShardState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptimizerCheckpointTest {

    @TempDir
    Path tmp;

    private final ParamLayout layout = ParamLayout.named(java.util.List.of("0_W", "0_b", "1_W"), new int[] {700, 50, 300});
    private final Adan adan = Adan.builder().lr(0.01).weightDecay(0.02).maxGradNorm(1).build();

    private static void train(Optimizer o, OptimizerState s, float[] p, SplittableRandom rnd, int steps) {
        for (int t = 0; t < steps; t++) {
            float[] g = new float[p.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (2 * rnd.nextDouble() - 1);
            }
            o.step(s, p, g);
        }
    }

    @Test
    void resumedStateContinuesBitForBitIntoAnyShardCount() throws IOException {
        for (int resumeShards : new int[] {1, 3, 4}) {
            SplittableRandom a = new SplittableRandom(1);
            float[] pStraight = new float[layout.totalLength()];
            OptimizerState straight = adan.init(layout, Precision.FLOAT32, 4);
            train(adan, straight, pStraight, a, 20);

            SplittableRandom b = new SplittableRandom(1);
            float[] pResumed = new float[layout.totalLength()];
            OptimizerState first = adan.init(layout, Precision.FLOAT32, 4);
            train(adan, first, pResumed, b, 12);
            Path dir = tmp.resolve("ckpt-" + resumeShards);
            OptimizerCheckpoint.write(dir, adan, first);
            OptimizerState resumed = OptimizerCheckpoint.read(dir, adan, resumeShards);
            assertEquals(12, resumed.step());
            assertEquals(resumeShards, resumed.numShards());
            train(adan, resumed, pResumed, b, 8);
            assertArrayEquals(pStraight, pResumed, "resume into " + resumeShards + " shards");
        }
    }

    @Test
    void anOwnerOfOneShardReadsJustItsSliceWhateverTheSavedShardCount() throws IOException {
        float[] p = new float[layout.totalLength()];
        OptimizerState saved = adan.init(layout, Precision.FLOAT32, 3);
        train(adan, saved, p, new SplittableRandom(5), 6);
        Path dir = tmp.resolve("ckpt");
        OptimizerCheckpoint.write(dir, adan, saved);
        OptimizerState whole = OptimizerCheckpoint.read(dir, adan, 5);
        for (int r = 0; r < 5; r++) {
            ShardState own = OptimizerCheckpoint.readShard(CheckpointFiles.local(dir), adan, 5, r);
            assertEquals(6, own.step());
            for (String slot : adan.slotNames()) {
                assertArrayEquals(whole.shard(r).values32(slot), own.values32(slot), "shard " + r + " of 5, slot " + slot);
            }
        }
        // the last of 5 shards needs only the last saved file: damage to the first does not concern it
        Files.delete(dir.resolve("shard-00000.bin"));
        ShardState last = OptimizerCheckpoint.readShard(CheckpointFiles.local(dir), adan, 5, 4);
        assertArrayEquals(whole.shard(4).values32("m"), last.values32("m"));
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
                () -> OptimizerCheckpoint.readShard(CheckpointFiles.local(dir), adan, 5, 0));
        assertTrue(e.getMessage().contains("shard-00000.bin is missing"), e.getMessage());
    }

    @Test
    void float64AndLookaheadStateRoundTrip() throws IOException {
        Lookahead la = Lookahead.wrap(AdamW.builder().build(), 3, 0.5);
        OptimizerState s = la.init(layout, Precision.FLOAT64, 2);
        double[] p = new double[layout.totalLength()];
        SplittableRandom rnd = new SplittableRandom(4);
        for (int t = 0; t < 4; t++) {
            double[] g = rnd.doubles(p.length, -1, 1).toArray();
            la.step(s, p, g);
        }
        OptimizerCheckpoint.write(tmp.resolve("la"), la, s);
        OptimizerState back = OptimizerCheckpoint.read(tmp.resolve("la"), la, 5);
        for (String slot : la.slotNames()) {
            assertArrayEquals(s.slot64(slot), back.slot64(slot), slot);
        }
        assertEquals(layout, back.layout());
        Config manifest = OptimizerCheckpoint.readManifest(tmp.resolve("la"));
        assertEquals("lookahead-adamw", manifest.getString("optimizer"));
        assertEquals(3, manifest.getInt("hyperparameters.lookahead_k"));
        assertEquals(0.01, manifest.getDouble("hyperparameters.weight_decay"));
    }

    @Test
    void truncatedShardIsNamed() throws IOException {
        Path dir = saved("t");
        Path shard = dir.resolve("shard-00001.bin");
        try (RandomAccessFile f = new RandomAccessFile(shard.toFile(), "rw")) {
            f.setLength(f.length() - 3);
        }
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> OptimizerCheckpoint.read(dir, adan, 2));
        assertTrue(e.getMessage().contains("shard-00001.bin") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void alteredByteIsNamed() throws IOException {
        Path dir = saved("a");
        Path shard = dir.resolve("shard-00000.bin");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 2] ^= 0x10;
        Files.write(shard, bytes);
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> OptimizerCheckpoint.read(dir, adan, 2));
        assertTrue(e.getMessage().contains("shard-00000.bin") && e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void alteredHeaderIsNamed() throws IOException {
        Path dir = saved("h");
        Path shard = dir.resolve("shard-00000.bin");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[0] = 'X';
        Files.write(shard, bytes);
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> OptimizerCheckpoint.read(dir, adan, 2));
        assertTrue(e.getMessage().contains("shard-00000.bin: header XDANSHRD"), e.getMessage());
    }

    @Test
    void missingFilesAreNamed() throws IOException {
        Path dir = saved("m");
        Files.delete(dir.resolve("shard-00001.bin"));
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> OptimizerCheckpoint.read(dir, adan, 2));
        assertTrue(e.getMessage().endsWith("shard-00001.bin is missing"), e.getMessage());
        Files.delete(dir.resolve(OptimizerCheckpoint.MANIFEST));
        e = assertThrows(CorruptCheckpointException.class, () -> OptimizerCheckpoint.read(dir, adan, 2));
        assertTrue(e.getMessage().contains("manifest.json is missing"), e.getMessage());
    }

    @Test
    void garbledManifestIsNamed() throws IOException {
        Path dir = saved("g");
        Files.writeString(dir.resolve(OptimizerCheckpoint.MANIFEST), "{\"format\": \"adan-spark-optimizer-state\", \"format_version\": 1, \"optimizer\": \"adan\"");
        CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class, () -> OptimizerCheckpoint.read(dir, adan, 2));
        assertTrue(e.getMessage().contains("manifest.json is not a valid manifest"), e.getMessage());
    }

    @Test
    void stateOfAnotherOptimizerIsRefused() throws IOException {
        Path dir = saved("o");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OptimizerCheckpoint.read(dir, AdamW.builder().build(), 1));
        assertTrue(e.getMessage().endsWith("holds state of optimizer 'adan', cannot continue it with 'adamw'"), e.getMessage());
    }

    @Test
    void existingTargetIsNeverOverwrittenAndNoTempIsLeft() throws IOException {
        Path dir = saved("x");
        OptimizerState s = adan.init(layout, Precision.FLOAT32);
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> OptimizerCheckpoint.write(dir, adan, s));
        try (var list = Files.list(tmp)) {
            assertFalse(list.anyMatch(p -> p.getFileName().toString().contains(".tmp-")));
        }
    }

    private Path saved(String name) throws IOException {
        OptimizerState s = adan.init(layout, Precision.FLOAT32, 2);
        train(adan, s, new float[layout.totalLength()], new SplittableRandom(2), 3);
        Path dir = tmp.resolve(name);
        OptimizerCheckpoint.write(dir, adan, s);
        return dir;
    }
}
