package org.adanspark.bench;

import org.adanspark.spark.step.EpochPlan;

/**
 * One workload of the large-batch study: a data set, the model trained on it, how a run is scored, and the
 * equal-epoch budget.
 *
 * @param name the workload's name in the results ({@code mlp}, {@code charlm}, {@code lenet})
 * @param data what it trains on, for the report
 * @param model the {@code --model} spec
 * @param metric the score's name ({@code test_accuracy} or {@code validation_bpc})
 * @param higherIsBetter whether a larger score is better
 * @param epochs the equal-epoch budget: enough that the largest batch takes at least the study's minimum steps
 * @param unit what the global batch counts: {@code examples}, or {@code characters} for a language model
 * @param unitsPerExample units in one training example: 1, or the window length for a language model
 * @param partitionRows training examples per partition, to count steps as the trainer does
 */
record StudyWorkload(String name, String data, String model, String metric, boolean higherIsBetter, int epochs,
                     String unit, int unitsPerExample, int[] partitionRows) {

    /**
     * @param batch a global batch in this workload's unit
     * @return examples per step, the trainer's {@code --global-batch}
     */
    int examplesPerStep(int batch) {
        if (batch % unitsPerExample != 0) {
            throw new IllegalArgumentException(name + ": global batch " + batch + " " + unit
                    + " is not a whole number of " + unitsPerExample + "-character windows");
        }
        return batch / unitsPerExample;
    }

    /**
     * @param batch a global batch in this workload's unit
     * @return optimizer steps in one epoch at that batch, {@code ceil(N / B)} as {@link EpochPlan} counts them
     */
    int stepsPerEpoch(int batch) {
        return new EpochPlan(partitionRows, examplesPerStep(batch)).stepsPerEpoch();
    }

    /**
     * @param e an evaluation of the held-out split
     * @return the score: accuracy, or bits per character (log loss in nats over ln 2)
     */
    double score(RunRecorder.Evaluation e) {
        return higherIsBetter ? e.accuracy() : e.logLoss() / Math.log(2);
    }

    /** @return training examples in one epoch */
    long trainExamples() {
        long n = 0;
        for (int r : partitionRows) {
            n += r;
        }
        return n;
    }
}
