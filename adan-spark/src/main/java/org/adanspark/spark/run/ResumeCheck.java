package org.adanspark.spark.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.adanspark.io.CorruptCheckpointException;
import org.adanspark.optim.ModelEma;
import org.adanspark.optim.Optimizer;
import org.adanspark.spark.checkpoint.CheckpointStore;
import org.adanspark.spark.checkpoint.TrainingCheckpoint;
import org.adanspark.spark.config.Settings;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.TrainingException;
import org.adanspark.spark.step.TrainingRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a checkpoint directory's checkpoints belong to this run: what a {@code --resume} continues from,
 * and what a fresh start must not mix its checkpoints with. Two runs are the same when every field a
 * checkpoint records that changes the bits is equal (docs/CHECKPOINTS.md, "Resuming"); each difference is
 * named with the setting that restores it.
 */
final class ResumeCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ResumeCheck.class);

    private final CheckpointStore store;
    private final TrainingCheckpoint run;
    private final Optimizer optimizer;

    /**
     * @param store the run's checkpoint store
     * @param run this run's position at step 0: the fields its checkpoints record
     * @param optimizer this run's optimizer
     */
    ResumeCheck(CheckpointStore store, TrainingCheckpoint run, Optimizer optimizer) {
        this.store = store;
        this.run = run;
        this.optimizer = optimizer;
    }

    /**
     * Locates the newest valid checkpoint to resume from and checks that it is this run's.
     *
     * @return where the run starts, empty when the directory holds no checkpoint yet
     * @throws TrainingException when the newest checkpoint is another run's, or its state has other slots
     */
    Optional<TrainingRun.Start> resume() {
        Optional<String> found = unchecked(store::latestLocation); // every file checked against its SHA-256, once
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String location = found.get();
        checkSlots(location);
        TrainingCheckpoint p = unchecked(() -> store.position(location));
        List<String> diffs = differences(p);
        if (!diffs.isEmpty()) {
            throw new TrainingException("cannot resume from " + location + ": " + String.join("; ", diffs), null);
        }
        return Optional.of(new TrainingRun.Start(p.step(), p.skippedSteps(), location));
    }

    /**
     * A run that starts from step 0 in a checkpoint directory: refused when the directory holds another run's
     * checkpoints, which this run's would mix with (a later {@code --resume} would find them, and pruning
     * would delete them); allowed, and said, when they are this same run's (its checkpoints have the same bits).
     *
     * @throws ConfigurationException naming the directory and the differences
     */
    void freshStart() {
        Optional<String> latest;
        try {
            latest = store.latestLocation();
        } catch (CorruptCheckpointException e) { // nothing usable there: this run's checkpoints replace it
            LOG.warn("{} holds no valid checkpoint ({}); this run writes its own there", store, e.getMessage());
            return;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoints in " + store + ": " + e.getMessage(), e);
        }
        if (latest.isEmpty()) {
            return;
        }
        TrainingCheckpoint p = unchecked(() -> store.position(latest.get()));
        List<String> diffs = differences(p);
        if (!diffs.isEmpty()) {
            throw new ConfigurationException(Settings.CHECKPOINT_DIR.named() + " " + store + " holds another run's"
                    + " checkpoints (" + latest.get() + ": " + String.join("; ", diffs) + "); give this run another"
                    + " --checkpoint-dir, or delete them", null);
        }
        LOG.info("{} holds this run's checkpoints up to step {}; starting over from step 0 (--resume continues from them)",
                store, p.step());
    }

    /**
     * Refuses, naming why, a checkpoint whose optimizer state has other slots than this run's (a model EMA
     * turned on or off since): before the {@code jobs} execution would fail restoring it, or the {@code barrier}
     * tasks reading it.
     *
     * @param location a checkpoint {@link CheckpointStore#latestLocation} found valid
     */
    private void checkSlots(String location) {
        List<String> slots = unchecked(() -> store.optimizerSlots(location, optimizer.name()));
        if (slots != null && !slots.equals(optimizer.slotNames())) {
            boolean emaThen = slots.contains(ModelEma.SLOT);
            boolean emaNow = optimizer.slotNames().contains(ModelEma.SLOT);
            throw new TrainingException("cannot resume from " + location + ": its optimizer state holds " + slots
                    + ", this run's " + optimizer.slotNames() + (emaThen == emaNow ? "" : emaThen
                            ? " (it was written with a model EMA: resume with the adan.optimizer.ema-decay /"
                                    + " --ema-decay it was written with)"
                            : " (it was written without a model EMA: resume without adan.optimizer.ema-decay /"
                                    + " --ema-decay, or start a new checkpoint directory)"), null);
        }
    }

    /** @return what differs between a checkpoint's run and this one, each with the setting that restores it */
    List<String> differences(TrainingCheckpoint p) {
        List<String> diffs = new ArrayList<>();
        if (!p.modelSha256().equals(run.modelSha256())) {
            diffs.add("model configuration (adan.model.spec / seed) differs: sha256 " + p.modelSha256() + " vs "
                    + run.modelSha256());
        }
        if (!p.optimizer().equals(run.optimizer())) {
            diffs.add(Settings.OPTIMIZER.key() + " was " + p.optimizer() + ", is " + run.optimizer());
        }
        if (p.seed() != run.seed()) {
            diffs.add(Settings.SEED.key() + " was " + p.seed() + ", is " + run.seed());
        }
        if (p.globalBatch() != run.globalBatch()) {
            diffs.add(Settings.GLOBAL_BATCH.key() + " was " + p.globalBatch() + ", is " + run.globalBatch());
        }
        if (p.numParams() != run.numParams()) {
            diffs.add("the model had " + p.numParams() + " parameters, has " + run.numParams());
        }
        if (p.computeThreads() != 0 && p.computeThreads() != run.computeThreads()) {
            diffs.add(Settings.COMPUTE_THREADS.key() + " was " + p.computeThreads() + ", is " + run.computeThreads()
                    + " (the thread count changes the bits; pass --compute-threads " + p.computeThreads() + ")");
        }
        if (!p.blasKernel().isEmpty() && !p.blasKernel().equals(run.blasKernel())) {
            diffs.add(Settings.BLAS_KERNEL.key() + " was " + p.blasKernel() + ", is " + run.blasKernel()
                    + " (the BLAS kernel changes the bits; pass --blas-kernel " + p.blasKernel() + ")");
        }
        if (p.partitions() != 0 && p.partitions() != run.partitions()) {
            diffs.add(Settings.PARTITIONS.key() + " was " + p.partitions() + ", is " + run.partitions()
                    + " (the partition count changes the bits; pass --partitions " + p.partitions() + ")");
        }
        if (p.dataRows() != run.dataRows()) {
            diffs.add("the training data had " + p.dataRows() + " rows, has " + run.dataRows());
        }
        return diffs;
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    /** Reading checkpoints: an I/O failure (a corrupt checkpoint among them) ends the run with its message. */
    private static <T> T unchecked(IoSupplier<T> read) {
        try {
            return read.get();
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }
}
