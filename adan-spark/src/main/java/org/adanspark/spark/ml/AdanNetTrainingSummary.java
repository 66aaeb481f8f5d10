package org.adanspark.spark.ml;

import java.io.Serializable;

/**
 * How an AdanNet model was trained, like MLlib's training summaries: the mean training loss of every
 * step, the number of steps and the wall time. It lives with the fitted model only; a loaded model has
 * none ({@code hasSummary()} is false).
 */
public final class AdanNetTrainingSummary implements Serializable {

    private static final long serialVersionUID = 1L;

    private final double[] lossHistory;
    private final long totalIterations;
    private final double wallTimeSeconds;
    private final String optimizer;
    private final String paramsSha256;

    /**
     * @param lossHistory mean training loss of each step, in order
     * @param totalIterations optimizer steps taken
     * @param wallTimeSeconds training wall time, data packing excluded
     * @param optimizer the optimizer, as it describes itself
     * @param paramsSha256 SHA-256 of the final float32 parameters
     */
    public AdanNetTrainingSummary(double[] lossHistory, long totalIterations, double wallTimeSeconds, String optimizer,
                                  String paramsSha256) {
        this.lossHistory = lossHistory.clone();
        this.totalIterations = totalIterations;
        this.wallTimeSeconds = wallTimeSeconds;
        this.optimizer = optimizer;
        this.paramsSha256 = paramsSha256;
    }

    /** @return the mean training loss of each step (MLlib calls this the objective history) */
    public double[] lossHistory() {
        return lossHistory.clone();
    }

    /** @return optimizer steps taken */
    public long totalIterations() {
        return totalIterations;
    }

    /** @return training wall time in seconds */
    public double wallTimeSeconds() {
        return wallTimeSeconds;
    }

    /** @return the optimizer and its hyperparameters */
    public String optimizer() {
        return optimizer;
    }

    /** @return SHA-256 of the final parameters, as the CLI prints it */
    public String paramsSha256() {
        return paramsSha256;
    }

    /** @return a one-line summary */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d steps in %.1f s with %s, final loss %.4f", totalIterations,
                wallTimeSeconds, optimizer, lossHistory.length == 0 ? Double.NaN : lossHistory[lossHistory.length - 1]);
    }
}
