package org.adanspark.spark.checkpoint;

/**
 * Where a run stood when a checkpoint was written; the {@code training.json} of a checkpoint, minus
 * the file table. The data cursor is {@code (epoch, stepInEpoch)}; sampling being a pure function of
 * (seed, epoch, step), it is all a resume needs to continue exactly where the run stopped.
 *
 * @param step steps done (the next step to run, 0-based)
 * @param epoch the epoch of the next step
 * @param stepInEpoch the next step's index within its epoch
 * @param seed the run's seed
 * @param globalBatch examples per step
 * @param modelSha256 SHA-256 of the model configuration JSON
 * @param optimizer the optimizer's name
 * @param numParams parameters in the model
 * @param data the data source, as given
 * @param dataRows training rows
 * @param skippedSteps updates skipped so far for a non-finite loss
 * @param computeThreads ND4J threads per task the run computed with ({@link ComputeThreads}); 0 when the
 *     checkpoint predates the setting and the count is unknown
 * @param partitions the training data's partition count, which fixes the sampling and the summation shape;
 *     0 when the checkpoint predates the field
 * @param blasKernel the OpenBLAS kernel the run computed with ({@code BlasKernel}); "" when the checkpoint
 *     predates the setting
 */
public record TrainingCheckpoint(long step, int epoch, int stepInEpoch, long seed, int globalBatch, String modelSha256,
                                 String optimizer, int numParams, String data, long dataRows, long skippedSteps,
                                 int computeThreads, int partitions, String blasKernel) implements java.io.Serializable {

    /**
     * This run's position at another step: what the barrier execution's task 0 records in each checkpoint
     * from the run's fixed fields.
     *
     * @param step steps done
     * @param stepsPerEpoch steps in an epoch
     * @param skipped steps skipped so far for a non-finite loss
     * @return the position
     */
    public TrainingCheckpoint at(long step, int stepsPerEpoch, long skipped) {
        return new TrainingCheckpoint(step, (int) (step / stepsPerEpoch), (int) (step % stepsPerEpoch), seed, globalBatch,
                modelSha256, optimizer, numParams, data, dataRows, skipped, computeThreads, partitions,
                blasKernel);
    }
}
