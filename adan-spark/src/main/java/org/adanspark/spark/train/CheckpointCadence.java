package org.adanspark.spark.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.adanspark.spark.runtime.TaskCompute;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a checkpoint every {@code every} steps and after the last step: θ, the optimizer state and the
 * run's position, in the format of docs/CHECKPOINTS.md. A checkpoint of the same step that is already
 * there and valid is kept.
 */
final class CheckpointCadence implements StepCadence {

    private static final Logger LOG = LoggerFactory.getLogger(SyncTrainer.class);

    private final TrainingRun run;
    private final RunPlan settings;
    private final long every;
    private final TaskCompute compute;

    /**
     * @param run the run; its checkpoint store must be set
     * @param settings the run's settings (seed, global batch, data name recorded in each checkpoint)
     * @param every steps between checkpoints, 0 for the final one only
     * @param compute the threads and BLAS kernel, recorded for the resume check
     */
    CheckpointCadence(TrainingRun run, RunPlan settings, long every, TaskCompute compute) {
        this.run = run;
        this.settings = settings;
        this.every = every;
        this.compute = compute;
    }

    @Override
    public void afterStep(long done, int epoch, boolean epochEnd, float[] theta, long skippedLoss) {
        if (every > 0 && done % every == 0) {
            save(done, theta, skippedLoss);
        }
    }

    @Override
    public void afterRun(long done, float[] theta, long skippedLoss) {
        save(done, theta, skippedLoss);
    }

    private void save(long done, float[] theta, long skippedLoss) {
        TrainingCheckpoint position = run.position(settings, compute).at(done, run.plan().stepsPerEpoch(), skippedLoss);
        CheckpointStore store = run.checkpoints();
        try {
            long t = System.nanoTime();
            CheckpointStore.Saved saved = store.save(position, theta, run.optimizer(), run.state());
            if (saved.written()) {
                LOG.info("checkpoint {} written in {} ms", saved.location(), (System.nanoTime() - t) / 1_000_000);
            } else {
                LOG.info("checkpoint {} is already there and valid; kept", saved.location());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint at step " + done + " to " + store + ": " + e.getMessage(), e);
        }
    }
}
