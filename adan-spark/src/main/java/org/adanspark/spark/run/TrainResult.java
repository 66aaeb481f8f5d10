package org.adanspark.spark.run;

import java.util.List;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.metrics.RunSummary;
import org.adanspark.spark.model.ModelHandle;

/**
 * What a run produced: the final parameters (float32, in the network's flat order) and its summary.
 *
 * @param params final θ; null after a {@code barrier} run of the command line without {@code --save-model},
 *     whose driver needs only {@code params_sha256} (every {@link SyncTrainer#fit} returns it)
 * @param layout the network's named parameter tensors
 * @param model the model the parameters belong to: its definition and input shape
 * @param summary steps, accuracy, wall time, {@code params_sha256}
 * @param losses this run's training loss per step
 * @param numFeatures features per example of the training data
 * @param numOutputs the network's outputs: classes, or 1 for a regressor
 */
public record TrainResult(float[] params, ParamLayout layout, ModelHandle model, RunSummary summary, List<Double> losses,
                          int numFeatures, int numOutputs) {

    /** @return the model's definition, as its backend saves it (a DL4J configuration's JSON) */
    public String modelDefinition() {
        return model.definition();
    }
}
