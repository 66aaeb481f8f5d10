package org.adanspark.io;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValueFactory;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.optim.Precision;
import org.adanspark.optim.ShardPlan;
import org.adanspark.optim.ShardState;
import org.adanspark.optim.SlotSpace;

/**
 * Writes and reads optimizer state as a checkpoint directory.
 *
 * <h2>Format, version 1</h2>
 * <p>{@code manifest.json} (UTF-8 JSON):
 * <pre>{@code
 * { "format": "adan-spark-optimizer-state", "format_version": 1,
 *   "optimizer": "adan", "hyperparameters": { "lr": 0.001, ... },
 *   "precision": "FLOAT32", "step": 120, "skipped_steps": 0,
 *   "layout": { "names": ["0_W", "0_b"], "lengths": [200704, 256], "rows": [256, 1] },
 *   "slots": ["m", "v", "n", "g_prev"],
 *   "shards": [ { "index": 0, "offset": 0, "length": 100352, "file": "shard-00000.bin",
 *                 "bytes": 1605664, "sha256": "…" }, … ] }
 * }</pre>
 * <p>{@code shard-NNNNN.bin}, all integers and values little-endian:
 * <pre>
 *   8 bytes   magic "ADANSHRD"
 *   int32     format version (1)
 *   int32     shard index
 *   int32     offset of the shard in the flat vector
 *   int32     length of the shard (elements)
 *   int32     slot count S
 *   int32     element size (4 = float32, 8 = float64)
 *   slot 0's values, then slot 1's, ...: for a slot with one value per parameter, {@code length} of them;
 *   for one that holds fewer ({@link SlotSpace}), the run of its values anchored in the shard's range
 * </pre>
 * {@code rows} gives each tensor's matrix view ({@link ParamLayout#rows(int)}); a manifest without it
 * (written before Adafactor) reads as all vectors.
 * <p>Writing goes to a temporary sibling directory that is renamed onto the target in one atomic move, so
 * a crash mid-write leaves no partial checkpoint under the target name. Reading checks every file's
 * size, SHA-256 and header against the manifest and reports the first mismatch by file name. A state
 * saved with S shards can be read into any number of shards.
 */
public final class OptimizerCheckpoint {

    /** The format identifier in every manifest. */
    public static final String FORMAT = "adan-spark-optimizer-state";
    /** The version this class writes and reads. */
    public static final int FORMAT_VERSION = 1;
    /** Name of the manifest file inside a checkpoint directory. */
    public static final String MANIFEST = "manifest.json";

    private static final byte[] MAGIC = "ADANSHRD".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + 6 * Integer.BYTES;
    private static final int IO_CHUNK_ELEMENTS = 1 << 16;

    private OptimizerCheckpoint() {
    }

    /**
     * Writes {@code state} of {@code optimizer} to a new directory {@code target}, atomically.
     *
     * @param target the checkpoint directory; must not exist yet
     * @param optimizer the optimizer that made the state (its hyperparameters are recorded)
     * @param state the state to save
     * @throws IOException if writing fails; {@code target} then does not exist
     */
    public static void write(Path target, Optimizer optimizer, OptimizerState state) throws IOException {
        if (!optimizer.name().equals(state.optimizerName())) {
            throw new IllegalArgumentException("state was made by '" + state.optimizerName() + "', not by '" + optimizer.name() + "'");
        }
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "checkpoint directory already exists");
        }
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
        try {
            write(CheckpointFiles.local(tmp), optimizer, state);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot move " + tmp + " onto " + target + " atomically on this file system", e);
            }
        } catch (IOException | RuntimeException e) {
            deleteRecursively(tmp);
            throw e;
        }
    }

    /**
     * Writes {@code state} of {@code optimizer} as the files of a checkpoint directory: one shard file per
     * shard and the manifest, last. Not atomic by itself: a caller that needs a checkpoint to appear whole
     * writes into a temporary directory and renames it, as {@link #write(Path, Optimizer, OptimizerState)}
     * does.
     *
     * @param files the directory's files, on any file system
     * @param optimizer the optimizer that made the state (its hyperparameters are recorded)
     * @param state the state to save
     * @throws IOException if writing fails
     */
    public static void write(CheckpointFiles files, Optimizer optimizer, OptimizerState state) throws IOException {
        if (!optimizer.name().equals(state.optimizerName())) {
            throw new IllegalArgumentException("state was made by '" + state.optimizerName() + "', not by '" + optimizer.name() + "'");
        }
        List<ShardFile> shards = new ArrayList<>();
        for (int s = 0; s < state.numShards(); s++) {
            shards.add(writeShardFile(files, state.shard(s)));
        }
        writeManifest(files, optimizer, state.layout(), state.precision(), state.step(), state.skippedSteps(), shards);
    }

    /**
     * One shard file of a checkpoint as its manifest lists it.
     *
     * @param index the shard
     * @param offset where its slice starts in the flat vector
     * @param length its slice's length
     * @param file the file's name in the checkpoint directory
     * @param bytes the file's size
     * @param sha256 the file's SHA-256, hex
     */
    public record ShardFile(int index, int offset, int length, String file, long bytes, String sha256)
            implements java.io.Serializable {
    }

    /**
     * Writes one shard's file ({@code shard-NNNNN.bin}) among {@code files}: what each owner of a shard
     * writes of a checkpoint when the shards live in different processes; the manifest follows once every
     * shard's file is written ({@link #writeManifest}).
     *
     * @param files the checkpoint directory's files
     * @param shard the shard's state
     * @return its manifest entry
     * @throws IOException if writing fails
     */
    public static ShardFile writeShardFile(CheckpointFiles files, ShardState shard) throws IOException {
        String file = String.format("shard-%05d.bin", shard.shard());
        MessageDigest sha = Sha256.digest();
        try (OutputStream out = new DigestOutputStream(new BufferedOutputStream(files.create(file), 1 << 16), sha)) {
            writeShard(out, shard);
        }
        return new ShardFile(shard.shard(), shard.offset(), shard.length(), file, files.size(file), Sha256.hex(sha));
    }

    /**
     * Writes the manifest of a checkpoint whose shard files are written.
     *
     * @param files the checkpoint directory's files
     * @param optimizer the optimizer that made the state (its hyperparameters are recorded)
     * @param layout the parameter layout
     * @param precision the state's precision
     * @param step the state's step counter
     * @param skippedSteps the state's skipped-step counter
     * @param shards every shard's file, in shard order
     * @throws IOException if writing fails
     */
    public static void writeManifest(CheckpointFiles files, Optimizer optimizer, ParamLayout layout, Precision precision,
                                     long step, long skippedSteps, List<ShardFile> shards) throws IOException {
        List<Object> entries = new ArrayList<>();
        for (ShardFile f : shards) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("index", f.index());
            entry.put("offset", f.offset());
            entry.put("length", f.length());
            entry.put("file", f.file());
            entry.put("bytes", f.bytes());
            entry.put("sha256", f.sha256());
            entries.add(entry);
        }
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", FORMAT);
        manifest.put("format_version", FORMAT_VERSION);
        manifest.put("optimizer", optimizer.name());
        manifest.put("hyperparameters", optimizer.hyperparameters());
        manifest.put("precision", precision.name());
        manifest.put("step", step);
        manifest.put("skipped_steps", skippedSteps);
        Map<String, Object> layoutEntry = new LinkedHashMap<>();
        layoutEntry.put("names", layout.names());
        layoutEntry.put("lengths", toList(layout.lengths()));
        layoutEntry.put("rows", toList(layout.rows()));
        manifest.put("layout", layoutEntry);
        manifest.put("slots", optimizer.slotNames());
        manifest.put("shards", entries);
        String json = ConfigValueFactory.fromMap(manifest).render(ConfigRenderOptions.concise().setFormatted(true));
        try (OutputStream out = files.create(MANIFEST)) {
            out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Reads a checkpoint into new state of {@code optimizer}, cut into {@code shards} shards (which may
     * differ from the number it was saved with).
     *
     * @param dir the checkpoint directory
     * @param optimizer the optimizer to continue with; its name must match the manifest's. Its
     *     hyperparameters may differ (a new learning rate on resume is legitimate); compare
     *     {@link #readManifest(Path)} to refuse that
     * @param shards shard count of the returned state
     * @return the restored state
     * @throws CorruptCheckpointException naming the file, if any file is missing, truncated, altered or
     *     inconsistent
     * @throws IOException if reading fails
     */
    public static OptimizerState read(Path dir, Optimizer optimizer, int shards) throws IOException {
        return read(CheckpointFiles.local(dir), optimizer, shards);
    }

    /**
     * Reads the checkpoint in {@code files} into new state of {@code optimizer}, cut into {@code shards}
     * shards; as {@link #read(Path, Optimizer, int)}, on any file system.
     *
     * @param files the checkpoint directory's files
     * @param optimizer the optimizer to continue with; its name must match the manifest's
     * @param shards shard count of the returned state
     * @return the restored state
     * @throws CorruptCheckpointException naming the file, if any file is missing, truncated, altered or
     *     inconsistent
     * @throws IOException if reading fails
     */
    public static OptimizerState read(CheckpointFiles files, Optimizer optimizer, int shards) throws IOException {
        Saved saved = Saved.of(files, optimizer);
        try {
            OptimizerState state = optimizer.init(saved.layout(), saved.precision(), shards);
            state.setCounters(saved.manifest().getLong("step"), saved.manifest().getLong("skipped_steps"));
            long covered = 0;
            for (Config shard : saved.manifest().getConfigList("shards")) {
                covered += readShard(files, shard, Target.of(state, state.slotSpaces()));
            }
            if (covered != saved.layout().totalLength()) {
                throw new CorruptCheckpointException(saved.manifestFile() + ": shards cover " + covered + " of "
                        + saved.layout().totalLength() + " parameters");
            }
            return state;
        } catch (ConfigException | IllegalArgumentException e) {
            throw new CorruptCheckpointException(saved.manifestFile() + ": " + e.getMessage());
        }
    }

    /**
     * Reads one shard of the checkpoint in {@code files}, for an owner that holds only that shard: the
     * state of shard {@code shard} of a {@code shards}-way plan (any shard count, whatever the checkpoint
     * was saved with), read from the saved shard files that overlap its slice, each checked in full.
     *
     * @param files the checkpoint directory's files
     * @param optimizer the optimizer to continue with; its name must match the manifest's
     * @param shards the shard count of the plan the owner belongs to
     * @param shard which shard
     * @return that shard's restored state, with the checkpoint's counters
     * @throws CorruptCheckpointException naming the file, if a file it needs is missing, truncated or altered
     * @throws IOException if reading fails
     */
    public static ShardState readShard(CheckpointFiles files, Optimizer optimizer, int shards, int shard)
            throws IOException {
        Saved saved = Saved.of(files, optimizer);
        try {
            ShardState state = optimizer.initShard(new ShardPlan(saved.layout(), shards), shard, saved.precision());
            state.setCounters(saved.manifest().getLong("step"), saved.manifest().getLong("skipped_steps"));
            Target target = Target.of(state, optimizer.slotSpaces(saved.layout()));
            long covered = 0;
            for (Config file : saved.manifest().getConfigList("shards")) {
                int lo = Math.max(file.getInt("offset"), state.offset());
                int hi = Math.min(file.getInt("offset") + file.getInt("length"), state.offset() + state.length());
                if (lo < hi) { // a saved file that overlaps the slice: read and checked in full
                    readShard(files, file, target);
                    covered += hi - lo;
                }
            }
            if (covered != state.length()) {
                throw new CorruptCheckpointException(saved.manifestFile() + ": shards cover " + covered + " of shard "
                        + shard + "'s " + state.length() + " parameters");
            }
            return state;
        } catch (ConfigException | IllegalArgumentException e) {
            throw new CorruptCheckpointException(saved.manifestFile() + ": " + e.getMessage());
        }
    }

    /** A checked manifest: of the optimizer's name and slots, with the layout and precision it records. */
    private record Saved(Config manifest, String manifestFile, ParamLayout layout, Precision precision) {

        static Saved of(CheckpointFiles files, Optimizer optimizer) throws IOException {
            Config m = readManifest(files);
            String manifestFile = files.describe(MANIFEST);
            String name = m.hasPath("optimizer") ? m.getString("optimizer") : "(none)";
            if (!name.equals(optimizer.name())) {
                throw new IllegalArgumentException(manifestFile + " holds state of optimizer '" + name
                        + "', cannot continue it with '" + optimizer.name() + "'");
            }
            try {
                if (!m.getStringList("slots").equals(optimizer.slotNames())) {
                    throw new CorruptCheckpointException(manifestFile + ": slots " + m.getStringList("slots")
                            + " do not match " + optimizer.name() + "'s " + optimizer.slotNames());
                }
                int[] lengths = m.getIntList("layout.lengths").stream().mapToInt(Integer::intValue).toArray();
                int[] rows = m.hasPath("layout.rows")
                        ? m.getIntList("layout.rows").stream().mapToInt(Integer::intValue).toArray()
                        : null;
                ParamLayout layout = rows == null ? ParamLayout.named(m.getStringList("layout.names"), lengths)
                        : ParamLayout.shaped(m.getStringList("layout.names"), lengths, rows);
                return new Saved(m, manifestFile, layout, Precision.valueOf(m.getString("precision")));
            } catch (ConfigException | IllegalArgumentException e) {
                throw new CorruptCheckpointException(manifestFile + ": " + e.getMessage());
            }
        }
    }

    /** Copies a run of values into one slot from a flat position on. */
    @FunctionalInterface
    private interface Scatter<A> {
        void into(int slot, int from, A values, int n);
    }

    /** Where a saved shard file's values go: a whole state, or one shard's; with each slot's space. */
    private record Target(List<String> slotNames, List<SlotSpace> spaces, Precision precision, int totalLength,
                          Scatter<float[]> floats, Scatter<double[]> doubles) {

        static Target of(OptimizerState s, List<SlotSpace> spaces) {
            return new Target(s.slotNames(), spaces, s.precision(), s.layout().totalLength(), s::scatter, s::scatter);
        }

        static Target of(ShardState s, List<SlotSpace> spaces) {
            return new Target(s.slotNames(), spaces, s.precision(), s.plan().layout().totalLength(), s::scatter,
                    s::scatter);
        }

        void scatter(int slot, int from, float[] values, int n) {
            floats.into(slot, from, values, n);
        }

        void scatter(int slot, int from, double[] values, int n) {
            doubles.into(slot, from, values, n);
        }
    }

    /**
     * What an optimizer checkpoint's manifest says of its contents, typed: whose state it is, its slots and
     * its shard files. What a caller that checks or locates a checkpoint needs without knowing the
     * manifest's keys.
     *
     * @param optimizer the optimizer's name
     * @param slots its state slots, in storage order
     * @param shards its shard files, as {@link #writeManifest} recorded them
     */
    public record Contents(String optimizer, List<String> slots, List<ShardFile> shards) {
    }

    /**
     * Reads the manifest among {@code files} as {@link Contents}.
     *
     * @param files the checkpoint directory's files
     * @return its contents
     * @throws CorruptCheckpointException if the manifest is missing, not this format, or lacks a field
     * @throws IOException if reading fails
     */
    public static Contents contents(CheckpointFiles files) throws IOException {
        Config m = readManifest(files);
        try {
            List<ShardFile> shards = new ArrayList<>();
            for (Config e : m.getConfigList("shards")) {
                shards.add(new ShardFile(e.getInt("index"), e.getInt("offset"), e.getInt("length"), e.getString("file"),
                        e.getLong("bytes"), e.getString("sha256")));
            }
            return new Contents(m.getString("optimizer"), m.getStringList("slots"), List.copyOf(shards));
        } catch (ConfigException e) {
            throw new CorruptCheckpointException(files.describe(MANIFEST) + ": " + e.getMessage());
        }
    }

    /**
     * Reads and checks the manifest of a checkpoint without loading its shards.
     *
     * @param dir the checkpoint directory
     * @return the manifest
     * @throws CorruptCheckpointException if it is missing, not JSON, or not this format and version
     * @throws IOException if reading fails
     */
    public static Config readManifest(Path dir) throws IOException {
        return readManifest(CheckpointFiles.local(dir));
    }

    /**
     * Reads and checks the manifest among {@code files}, as {@link #readManifest(Path)}.
     *
     * @param files the checkpoint directory's files
     * @return the manifest
     * @throws CorruptCheckpointException if it is missing, not JSON, or not this format and version
     * @throws IOException if reading fails
     */
    public static Config readManifest(CheckpointFiles files) throws IOException {
        String file = files.describe(MANIFEST);
        String text;
        if (!files.exists(MANIFEST)) {
            throw new CorruptCheckpointException(file + " is missing: " + files.describe("") + " is not a complete checkpoint");
        }
        try (InputStream in = files.open(MANIFEST)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Config m;
        try {
            m = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
            if (!FORMAT.equals(m.getString("format"))) {
                throw new CorruptCheckpointException(file + ": format is '" + m.getString("format") + "', expected '" + FORMAT + "'");
            }
            int version = m.getInt("format_version");
            if (version != FORMAT_VERSION) {
                throw new CorruptCheckpointException(file + ": format_version " + version + " is not supported (this build reads "
                        + FORMAT_VERSION + ")");
            }
        } catch (ConfigException e) {
            throw new CorruptCheckpointException(file + " is not a valid manifest: " + e.getMessage());
        }
        return m;
    }

    /**
     * Writes one shard's state in the shard-file format above: what an owner of a single shard (an
     * executor in the barrier execution) saves, with no other shard's state at hand.
     *
     * @param out where to write; not closed
     * @param shard the shard's state
     * @throws IOException if writing fails
     */
    public static void writeShard(OutputStream out, ShardState shard) throws IOException {
        int bytes = shard.precision().bytes();
        int length = shard.length();
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(FORMAT_VERSION).putInt(shard.shard()).putInt(shard.offset()).putInt(length)
                .putInt(shard.slotNames().size()).putInt(bytes);
        out.write(header.array());
        ByteBuffer buf = ByteBuffer.allocate(IO_CHUNK_ELEMENTS * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int slot = 0; slot < shard.slotNames().size(); slot++) {
            String name = shard.slotNames().get(slot);
            int values = shard.slotLength(slot);
            int base = shard.slotBase(slot);
            for (int from = 0; from < values; from += IO_CHUNK_ELEMENTS) {
                int n = Math.min(IO_CHUNK_ELEMENTS, values - from);
                buf.clear();
                if (shard.precision() == Precision.FLOAT32) {
                    buf.asFloatBuffer().put(shard.slot32(name), base + from, n);
                } else {
                    buf.asDoubleBuffer().put(shard.slot64(name), base + from, n);
                }
                out.write(buf.array(), 0, n * bytes);
            }
        }
    }

    /** Reads one shard file into the matching range of every slot; returns the element count. */
    private static int readShard(CheckpointFiles files, Config entry, Target state) throws IOException {
        String name = entry.getString("file");
        String file = files.describe(name);
        int offset = entry.getInt("offset");
        int length = entry.getInt("length");
        int slots = state.slotNames().size();
        int bytes = state.precision().bytes();
        if (offset < 0 || length < 0 || (long) offset + length > state.totalLength()) {
            throw new CorruptCheckpointException(file + ": range [" + offset + ", " + ((long) offset + length)
                    + ") lies outside the layout of " + state.totalLength() + " parameters");
        }
        long values = 0; // the saved shard's values of every slot: its range of each slot's space
        for (SlotSpace space : state.spaces()) {
            values += space.before(offset + length) - space.before(offset);
        }
        long expectedBytes = HEADER_BYTES + values * bytes;
        if (!files.exists(name)) {
            throw new CorruptCheckpointException(file + " is missing");
        }
        long size = files.size(name);
        if (size != entry.getLong("bytes") || size != expectedBytes) {
            throw new CorruptCheckpointException(file + " has " + size + " bytes, the manifest expects "
                    + entry.getLong("bytes") + " (" + expectedBytes + " for " + slots + " slots over " + length
                    + " parameters): truncated or altered");
        }
        MessageDigest sha = Sha256.digest();
        try (InputStream in = files.open(name)) {
            ByteBuffer header = ByteBuffer.wrap(readFully(in, HEADER_BYTES, sha, file)).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            int[] fields = {header.getInt(), header.getInt(), header.getInt(), header.getInt(), header.getInt(), header.getInt()};
            int[] expected = {FORMAT_VERSION, entry.getInt("index"), offset, length, slots, bytes};
            if (!java.util.Arrays.equals(magic, MAGIC) || !java.util.Arrays.equals(fields, expected)) {
                throw new CorruptCheckpointException(file + ": header " + new String(magic, StandardCharsets.ISO_8859_1)
                        + java.util.Arrays.toString(fields) + " does not match the manifest's ADANSHRD" + java.util.Arrays.toString(expected));
            }
            float[] chunk32 = new float[IO_CHUNK_ELEMENTS];
            double[] chunk64 = new double[IO_CHUNK_ELEMENTS];
            for (int slot = 0; slot < slots; slot++) {
                SlotSpace space = state.spaces().get(slot);
                int start = space.before(offset);
                int end = space.before(offset + length);
                for (int from = start; from < end; from += IO_CHUNK_ELEMENTS) {
                    int n = Math.min(IO_CHUNK_ELEMENTS, end - from);
                    ByteBuffer buf = ByteBuffer.wrap(readFully(in, n * bytes, sha, file)).order(ByteOrder.LITTLE_ENDIAN);
                    if (state.precision() == Precision.FLOAT32) {
                        buf.asFloatBuffer().get(chunk32, 0, n);
                        state.scatter(slot, from, chunk32, n);
                    } else {
                        buf.asDoubleBuffer().get(chunk64, 0, n);
                        state.scatter(slot, from, chunk64, n);
                    }
                }
            }
        }
        String actual = Sha256.hex(sha);
        if (!actual.equals(entry.getString("sha256"))) {
            throw new CorruptCheckpointException(file + ": SHA-256 " + actual + " differs from the manifest's "
                    + entry.getString("sha256") + ": the file was altered");
        }
        return length;
    }

    private static byte[] readFully(InputStream in, int n, MessageDigest sha, String file) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new CorruptCheckpointException(file + " ends early: truncated");
        }
        sha.update(b);
        return b;
    }


    private static List<Integer> toList(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int v : values) {
            list.add(v);
        }
        return list;
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // Best effort: a leftover hidden temp directory is harmless and never read as a checkpoint.
        }
    }
}
