package org.adanspark.spark.metrics;

import java.io.Serializable;

/**
 * What an evaluation of a model on test data measured.
 *
 * @param accuracy the fraction of predictions whose arg-max equals the label
 * @param logLoss the mean of −ln p(label) over the predictions, in nats (divide by ln 2 for bits)
 * @param perToken true when the predictions are a language model's, one per position of a token window
 */
public record EvaluationResult(double accuracy, double logLoss, boolean perToken) implements Serializable {

    /**
     * @param sums {correct, summed −ln p, predictions}, as {@code Evaluator.sums} returns them, added over blocks
     * @param perToken whether they are a language model's
     * @return the means
     */
    public static EvaluationResult of(double[] sums, boolean perToken) {
        return new EvaluationResult(sums[0] / sums[2], sums[1] / sums[2], perToken);
    }

    /** @return the mean log-loss in bits, e.g. bits per character for a character model */
    public double bits() {
        return logLoss / Math.log(2);
    }
}
