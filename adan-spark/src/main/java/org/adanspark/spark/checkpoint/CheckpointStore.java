package org.adanspark.spark.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.adanspark.io.CorruptCheckpointException;
import org.adanspark.io.OptimizerCheckpoint;
import org.adanspark.io.Sha256;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ShardState;
import org.adanspark.spark.error.Failures;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training checkpoints in a directory on any Hadoop file system (local, HDFS, S3A).
 *
 * <p>A checkpoint is a directory {@code step-NNNNNNNNN/} holding {@code training.json} (the run's
 * position, see {@link TrainingCheckpoint}, plus the params file's size and SHA-256),
 * {@code params.bin} (see {@link ParamsCodec}) and {@code optimizer/} (an {@link OptimizerCheckpoint}:
 * every shard's state with its checksum). Every file is written through the checkpoint directory's Hadoop
 * file system into a hidden {@code .step-…tmp-UUID} sibling, which is then renamed into place, so a crash mid-write leaves no
 * directory under a {@code step-} name: the previous checkpoint stays the newest valid one. (Rename is
 * atomic on local file systems and HDFS; on S3A it is a copy, which is why reading verifies every
 * checksum anyway.) Only the newest {@code keep} checkpoints are kept.
 */
public final class CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern NAME = Pattern.compile("step-(\\d{9})");

    private final String uri;
    private final Path dir;
    private final FileSystem fs;
    private final int keep;

    /**
     * @param dirUri the checkpoint directory, e.g. {@code hdfs:///ckpt/run1} or {@code /tmp/run1}
     * @param hadoopConf Hadoop configuration (Spark's)
     * @param keep newest checkpoints to keep, ≥ 1
     * @throws IOException if the file system cannot be reached
     */
    public CheckpointStore(String dirUri, Configuration hadoopConf, int keep) throws IOException {
        this.uri = dirUri;
        this.dir = new Path(dirUri);
        this.fs = dir.getFileSystem(hadoopConf);
        this.keep = keep;
    }

    /** @return the directory as it was given: what another process opens the same store with */
    public String uri() {
        return uri;
    }

    /** @return how many of the newest checkpoints are kept */
    public int keep() {
        return keep;
    }

    /**
     * A checkpoint read back ({@link #restore}).
     *
     * @param position the run's position it records
     * @param params θ
     * @param state the optimizer state
     * @param location its directory
     */
    public record Restored(TrainingCheckpoint position, float[] params, OptimizerState state, String location) {
    }

    /**
     * What {@link #save} did.
     *
     * @param location the checkpoint's directory
     * @param written whether this call wrote it; false when a valid checkpoint of that step was there already
     */
    public record Saved(String location, boolean written) {
    }

    /**
     * Writes a checkpoint atomically and prunes old ones. A valid checkpoint of the same step is left as it
     * is (a resumed run re-trains that step to the same bits); a damaged one — the reason a resume fell back
     * past it — is replaced, so the next resume finds it whole.
     *
     * @param position where the run stands
     * @param params the parameters
     * @param optimizer the optimizer (its name and hyperparameters go in the manifest)
     * @param state its state
     * @return where the checkpoint is and whether it was written
     * @throws IOException if writing fails; no partial checkpoint is left under a {@code step-} name
     */
    public Saved save(TrainingCheckpoint position, float[] params, Optimizer optimizer, OptimizerState state)
            throws IOException {
        Path target = new Path(dir, name(position.step()));
        if (fs.exists(target) && damage(target, optimizer) == null) {
            return new Saved(target.toString(), false); // nothing to write
        }
        Pending pending = begin(position.step(), UUID.randomUUID().toString());
        try {
            Pending.Params written = pending.writeParams(params);
            OptimizerCheckpoint.write(pending.optimizerFiles(), optimizer, state);
            return commit(pending, position, written, optimizer);
        } catch (IOException | RuntimeException e) {
            pending.abandon();
            throw e;
        } catch (FSError e) { // a full local disk
            pending.abandon();
            throw Failures.io(e);
        }
    }

    /**
     * Starts writing the checkpoint of {@code step} into a hidden temporary directory. Its files may be
     * written by several processes (the barrier execution's tasks each write their own shard files);
     * {@link #commit} then makes it a checkpoint.
     *
     * @param step the step it records
     * @param unique a suffix no other writer of this step uses (every writer of this checkpoint uses the same)
     * @return the checkpoint in the making
     * @throws IOException if the directory cannot be created
     */
    public Pending begin(long step, String unique) throws IOException {
        Path tmp = new Path(dir, "." + name(step) + ".tmp-" + unique);
        fs.mkdirs(tmp);
        return new Pending(tmp);
    }

    /** A checkpoint being written, in its temporary directory. */
    public final class Pending {
        private final Path tmp;

        private Pending(Path tmp) {
            this.tmp = tmp;
        }

        /**
         * The parameters file as written.
         *
         * @param bytes its size
         * @param sha256 its SHA-256, hex
         */
        public record Params(long bytes, String sha256) implements java.io.Serializable {
        }

        /**
         * @param params θ
         * @return the written file's size and checksum, for the manifest
         * @throws IOException if writing fails
         */
        public Params writeParams(float[] params) throws IOException {
            Path file = new Path(tmp, "params.bin");
            String sha;
            try (OutputStream out = fs.create(file, true)) {
                sha = ParamsCodec.write(params, out);
            }
            return new Params(fs.getFileStatus(file).getLen(), sha);
        }

        /** @return the optimizer state's directory within it */
        public org.adanspark.io.CheckpointFiles optimizerFiles() {
            return CheckpointStore.this.optimizerFiles(tmp);
        }

        /** Deletes what was written; no exception. */
        public void abandon() {
            try {
                fs.delete(tmp, true);
            } catch (IOException e) {
                LOG.warn("could not delete {}: {}", tmp, e.getMessage());
            }
        }

        @Override
        public String toString() {
            return tmp.toString();
        }
    }

    /**
     * Makes a pending checkpoint whose parameters and optimizer state are written a checkpoint: writes its
     * {@code training.json}, renames it into place, and prunes old checkpoints. A valid checkpoint of the
     * same step that is already there is kept (a resumed run re-trains that step to the same bits) and the
     * pending one deleted; a damaged one — the reason a resume fell back past it — is replaced, so the next
     * resume finds it whole.
     *
     * @param pending the checkpoint written so far
     * @param position where the run stands
     * @param params the parameters file written
     * @param optimizer the optimizer (to check an existing checkpoint with)
     * @return where the checkpoint is and whether it was written
     * @throws IOException if writing fails; the pending directory is then deleted
     */
    public Saved commit(Pending pending, TrainingCheckpoint position, Pending.Params params, Optimizer optimizer)
            throws IOException {
        Path target = new Path(dir, name(position.step()));
        Path tmp = pending.tmp;
        boolean damaged = false;
        if (fs.exists(target)) {
            String damage = damage(target, optimizer);
            if (damage == null) {
                pending.abandon();
                return new Saved(target.toString(), false);
            }
            LOG.warn("checkpoint {} is damaged ({}); writing it again", target, damage);
            damaged = true;
        }
        Path old = new Path(dir, "." + target.getName() + ".damaged-" + UUID.randomUUID());
        try {
            try (OutputStream out = fs.create(new Path(tmp, TrainingManifest.FILE), true)) {
                out.write(new TrainingManifest(position, params.bytes(), params.sha256()).toJson()
                        .getBytes(StandardCharsets.UTF_8));
            }
            // the damaged copy moves aside first: a step- name only ever holds a whole checkpoint
            if (damaged && !fs.rename(target, old)) {
                throw new IOException("could not move the damaged " + target + " aside to " + old);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            if (damaged) {
                fs.delete(old, true);
            }
        } catch (IOException | RuntimeException e) {
            pending.abandon();
            throw e;
        } catch (FSError e) { // a full local disk
            pending.abandon();
            throw Failures.io(e);
        }
        prune();
        return new Saved(target.toString(), true);
    }

    private static String name(long step) {
        return String.format("step-%09d", step);
    }

    /** @return null when the checkpoint in {@code target} reads whole, else why it does not */
    private String damage(Path target, Optimizer optimizer) throws IOException {
        try {
            read(target, optimizer, 1);
            return null;
        } catch (CorruptCheckpointException e) {
            return e.getMessage();
        }
    }

    private HadoopCheckpointFiles optimizerFiles(Path checkpoint) {
        return new HadoopCheckpointFiles(fs, new Path(checkpoint, "optimizer"));
    }

    /** One way of reading or checking a checkpoint directory. */
    @FunctionalInterface
    private interface Check<T> {
        T at(Path checkpoint) throws IOException;
    }

    /**
     * The newest checkpoint that passes {@code check}, newest first, reporting and skipping damaged ones.
     *
     * @throws CorruptCheckpointException when checkpoints exist but none passes, with every reason
     */
    private <T> Optional<T> newestValid(Check<T> check) throws IOException {
        List<Path> candidates = list();
        List<String> problems = new ArrayList<>();
        for (int i = candidates.size() - 1; i >= 0; i--) {
            Path c = candidates.get(i);
            try {
                return Optional.of(check.at(c));
            } catch (CorruptCheckpointException e) {
                LOG.warn("checkpoint {} is unusable, trying an older one: {}", c, e.getMessage());
                problems.add(c + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new CorruptCheckpointException("no valid checkpoint in " + dir + ":\n  " + String.join("\n  ", problems));
        }
        return Optional.empty();
    }

    /**
     * Reads one checkpoint: θ and the whole optimizer state, each checked against its manifest.
     *
     * @param location the checkpoint's directory, as {@link #latestLocation} names it
     * @param optimizer the optimizer to continue with
     * @param shards shards of the restored state (may differ from those it was saved with)
     * @return the checkpoint
     * @throws CorruptCheckpointException when a file is missing, truncated or altered
     * @throws IOException if the file system fails
     */
    public Restored restore(String location, Optimizer optimizer, int shards) throws IOException {
        return read(new Path(location), optimizer, shards);
    }

    /**
     * @return the {@code step-} checkpoint directories, oldest first
     * @throws IOException if listing fails
     */
    public List<Path> list() throws IOException {
        List<Path> out = new ArrayList<>();
        if (!fs.exists(dir)) {
            return out;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            if (st.isDirectory() && NAME.matcher(st.getPath().getName()).matches()) {
                out.add(st.getPath());
            }
        }
        out.sort(Comparator.comparing(Path::getName));
        return out;
    }

    private Restored read(Path remote, Optimizer optimizer, int shards) throws IOException {
        return checked(remote.toString(), () -> readChecked(remote, optimizer, shards));
    }

    private Restored readChecked(Path remote, Optimizer optimizer, int shards) throws IOException {
        TrainingManifest m = readManifest(remote);
        float[] params = readParams(remote, m);
        OptimizerState state;
        try {
            state = OptimizerCheckpoint.read(optimizerFiles(remote), optimizer, shards);
        } catch (CorruptCheckpointException e) {
            throw new CorruptCheckpointException(remote + "/optimizer: " + e.getMessage());
        }
        return new Restored(m.position(), params, state, remote.toString());
    }

    private TrainingManifest readManifest(Path remote) throws IOException {
        Path manifestFile = new Path(remote, TrainingManifest.FILE);
        if (!fs.exists(manifestFile)) {
            throw new CorruptCheckpointException(manifestFile + " is missing");
        }
        try (InputStream in = fs.open(manifestFile)) {
            return TrainingManifest.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), manifestFile.toString());
        }
    }

    private float[] readParams(Path remote, TrainingManifest m) throws IOException {
        Path paramsFile = new Path(remote, "params.bin");
        if (!fs.exists(paramsFile)) {
            throw new CorruptCheckpointException(paramsFile + " is missing");
        }
        try (InputStream in = fs.open(paramsFile)) {
            return ParamsCodec.read(in, paramsFile.toString(), m.position().numParams(), m.paramsSha256());
        }
    }

    /**
     * A checkpoint's position, read from its {@code training.json} alone.
     *
     * @param location the checkpoint's directory
     * @return its position
     * @throws CorruptCheckpointException if the manifest is missing or not this format
     * @throws IOException if reading fails
     */
    public TrainingCheckpoint position(String location) throws IOException {
        return checked(location, () -> readManifest(new Path(location)).position());
    }

    /**
     * The newest checkpoint whose every file matches its manifest, checked by streaming each file through
     * SHA-256 without loading the parameters or the state: what a run resumes from (the {@code jobs} driver then
     * reads it with {@link #restore}, {@code barrier} tasks their shards of it). Damaged newer checkpoints are
     * reported and skipped.
     *
     * @return its directory, or empty when the directory holds no checkpoint
     * @throws CorruptCheckpointException when checkpoints exist but none is valid, with every reason
     * @throws IOException if the file system fails
     */
    public Optional<String> latestLocation() throws IOException {
        return newestValid(c -> {
            verify(c.toString());
            return c.toString();
        });
    }

    /**
     * Checks every file of a checkpoint against the SHA-256 its manifests record, streaming.
     *
     * @param location the checkpoint's directory
     * @throws CorruptCheckpointException naming the first file that is missing or does not match
     * @throws IOException if reading fails
     */
    public void verify(String location) throws IOException {
        Path remote = new Path(location);
        checked(location, () -> {
            TrainingManifest m = readManifest(remote);
            checkSha(new Path(remote, "params.bin"), m.paramsSha256());
            Path optimizerDir = new Path(remote, "optimizer");
            for (OptimizerCheckpoint.ShardFile shard : OptimizerCheckpoint.contents(optimizerFiles(remote)).shards()) {
                checkSha(new Path(optimizerDir, shard.file()), shard.sha256());
            }
            return null;
        });
    }

    private void checkSha(Path file, String expected) throws IOException {
        if (!fs.exists(file)) {
            throw new CorruptCheckpointException(file + " is missing");
        }
        MessageDigest sha = Sha256.digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = fs.open(file)) {
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                sha.update(buf, 0, n);
            }
        }
        String actual = Sha256.hex(sha);
        if (!actual.equals(expected)) {
            throw new CorruptCheckpointException(file + ": SHA-256 " + actual + " does not match the manifest's " + expected);
        }
    }

    /**
     * A checkpoint's parameters, checked against its manifest.
     *
     * @param location the checkpoint's directory
     * @return θ
     * @throws CorruptCheckpointException if the file is missing, truncated or altered
     * @throws IOException if reading fails
     */
    public float[] params(String location) throws IOException {
        Path remote = new Path(location);
        return checked(location, () -> readParams(remote, readManifest(remote)));
    }

    /**
     * The optimizer state slots a checkpoint holds, from its optimizer manifest: what a resume compares
     * before any task reads a shard.
     *
     * @param location the checkpoint's directory
     * @param optimizer the name of the optimizer that would continue it
     * @return the slot names, in storage order; null when the state is another optimizer's (the position's
     *     check names that)
     * @throws CorruptCheckpointException if the manifest is missing or not the optimizer-state format
     * @throws IOException if reading fails
     */
    public List<String> optimizerSlots(String location, String optimizer) throws IOException {
        Path remote = new Path(location);
        return checked(location, () -> {
            OptimizerCheckpoint.Contents contents = OptimizerCheckpoint.contents(optimizerFiles(remote));
            return contents.optimizer().equals(optimizer) ? contents.slots() : null;
        });
    }

    /**
     * One shard of a checkpoint's optimizer state, for an owner that holds only that shard.
     *
     * @param location the checkpoint's directory
     * @param optimizer the optimizer to continue with
     * @param shards the shard count of the owner's plan
     * @param shard which shard
     * @return its state, with the checkpoint's counters
     * @throws CorruptCheckpointException if a file it needs is missing, truncated or altered
     * @throws IOException if reading fails
     */
    public ShardState shard(String location, Optimizer optimizer, int shards, int shard) throws IOException {
        Path remote = new Path(location);
        return checked(location, () -> {
            try {
                return OptimizerCheckpoint.readShard(optimizerFiles(remote), optimizer, shards, shard);
            } catch (CorruptCheckpointException e) {
                throw new CorruptCheckpointException(remote + "/optimizer: " + e.getMessage());
            }
        });
    }

    @FunctionalInterface
    private interface Read<T> {
        T read() throws IOException;
    }

    private static <T> T checked(String location, Read<T> read) throws IOException {
        try {
            return read.read();
        } catch (ChecksumException e) { // the file system's own checksum (Hadoop's .crc files) disagrees
            throw new CorruptCheckpointException(location + ": " + e.getMessage());
        }
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            fs.delete(all.get(i), true);
        }
    }

    /** @return the directory */
    @Override
    public String toString() {
        return dir.toString();
    }
}
