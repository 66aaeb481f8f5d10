package org.adanspark.spark.train;

import java.util.List;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.metrics.RunSummary;

/**
 * What a run produced: the final parameters (float32, in the network's flat order) and its summary.
 *
 * @param params final θ; null after a {@code barrier} run of the command line without {@code --save-model},
 *     whose driver needs only {@code params_sha256} (every {@link SyncTrainer#fit} returns it)
 * @param layout the network's named parameter tensors
 * @param model the network the parameters belong to: its DL4J configuration and input shape
 * @param summary steps, accuracy, wall time, {@code params_sha256}
 * @param losses this run's training loss per step
 * @param numFeatures features per example of the training data
 * @param numOutputs the network's outputs: classes, or 1 for a regressor
 */
public record TrainResult(float[] params, ParamLayout layout, ModelHandle model, RunSummary summary, List<Double> losses,
                          int numFeatures, int numOutputs) {

    /** @return the DL4J configuration's JSON */
    public String modelJson() {
        return model.configJson();
    }
}
