package org.adanspark.spark.ml;

import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.config.Settings;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.LabelKind;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.metrics.LogProgress;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.run.RunPlan;
import org.adanspark.spark.run.SyncTrainer;
import org.adanspark.spark.run.TrainResult;
import org.adanspark.spark.runtime.Parallelism;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The training both AdanNet estimators share: pack the DataFrame into validated blocks, turn the params
 * into the CLI's {@link RunPlan} (so the same defaults and checks apply), and run the
 * {@link SyncTrainer}. Only the label kind and the objective differ between classifier and regressor.
 */
final class AdanNetFitter {

    /** A fitted network and how it was trained. */
    record Fitted(TrainedNetwork network, AdanNetTrainingSummary summary) {
    }

    private AdanNetFitter() {
    }

    /**
     * @param stage the estimator, for its params and uid
     * @param dataset the training data, label already cast to double
     * @param featuresCol the features column
     * @param labelCol the label column
     * @param labelKind class indices or real targets
     * @param numClasses classes from the label's metadata, 0 to take the largest label + 1 (classifiers only)
     * @param objectiveOf the output layer and loss for the packed data
     * @return the fitted network and its summary
     */
    static Fitted fit(AdanNetParams stage, Dataset<?> dataset, String featuresCol, String labelCol, LabelKind labelKind,
                      int numClasses, Function<BlockDataset, Objective> objectiveOf) {
        SparkSession spark = dataset.sparkSession();
        int partitions = Parallelism.defaultPartitions(spark.sparkContext(), parsed(stage,
                () -> ExecutionMode.parse(stage.getExecution(), Settings.EXECUTION.asParam())));
        @SuppressWarnings("unchecked")
        Dataset<Row> rows = (Dataset<Row>) dataset.select(featuresCol, labelCol);
        String name = stage.uid() + " input";
        BlockDataset blocks = BlockDataset.fromDataFrame(rows, name, featuresCol, labelCol, labelKind, numClasses,
                partitions);
        try {
            Objective objective = objectiveOf.apply(blocks);
            RunPlan settings = settings(stage, blocks.rows());
            String spec = settings.model().toString();
            Optional<int[]> declared = ComputeBackend.forSpec(settings.model(), settings.backend())
                    .declaredWidths(settings.model());
            if (declared.isPresent()) {
                int[] widths = declared.get();
                if ((widths[0] >= 0 && widths[0] != blocks.dim()) || widths[1] != objective.outputs()) {
                    throw new IllegalArgumentException(stage.uid() + ": modelSpec " + spec + " takes " + widths[0]
                            + " inputs and has " + widths[1] + " outputs; the data has " + blocks.dim()
                            + " features and needs " + objective.outputs() + " outputs (" + objective + ")");
                }
            }
            SyncTrainer trainer = new SyncTrainer(spark, settings,
                    List.of(new LogProgress(stage.uid(), settings.progressInterval())));
            TrainResult result = trainer.fit(new TrainTestData(blocks, null), objective);
            double[] losses = result.losses().stream().mapToDouble(Double::doubleValue).toArray();
            TrainedNetwork network = new TrainedNetwork(result.model(), result.params(), blocks.dim(),
                    objective.outputs());
            AdanNetTrainingSummary summary = new AdanNetTrainingSummary(losses, result.summary().steps(),
                    result.summary().wallSeconds(), settings.optimizer().toString(), result.summary().paramsSha256());
            return new Fitted(network, summary);
        } finally {
            blocks.release();
        }
    }

    /**
     * The params as the run's settings: typed values over reference.conf's defaults, validated by the same
     * code as the command line's, with messages naming the param ({@link RunPlan#forEstimator}).
     *
     * @param stage the estimator
     * @param rows training rows, to checkpoint once per epoch
     * @return the validated settings
     * @throws IllegalArgumentException naming the param when the combination is invalid
     */
    static RunPlan settings(AdanNetParams stage, long rows) {
        String optimizer = stage.getOptimizer();
        String base = OptimizerSpec.baseName(optimizer);
        double[] betas = stage.getBetas();
        // set betas go to the spec, which checks their count; unset ones are the optimizer's own defaults
        boolean givesBetas = stage.isSet(stage.betas()) || OptimizerSpec.betaCount(base) > 0;
        ModelSpec model;
        try {
            model = stage.getModelSpec().isBlank() ? preset(stage.getHiddenLayers())
                    : ModelSpec.parse(stage.getModelSpec());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(stage.uid() + ": param " + (stage.getModelSpec().isBlank()
                    ? "hiddenLayers" : "modelSpec") + ": " + e.getMessage(), e);
        }
        OptimizerSpec optimizerSpec = OptimizerSpec.of(stage.uid(), optimizer, stage.getLearningRate(),
                stage.getWeightDecay(), givesBetas ? betas : null, stage.getMaxGradNorm(), stage.getNumShards(),
                stage.getEmaDecay());
        boolean checkpoints = !stage.getCheckpointDir().isBlank();
        long perEpoch = Math.max(1, (rows + stage.getGlobalBatchSize() - 1) / stage.getGlobalBatchSize());
        return RunPlan.forEstimator(new RunPlan.EstimatorRun(stage.uid(), model, stage.getBackend().trim(),
                optimizerSpec, stage.getWarmupSteps(), stage.getGlobalBatchSize(), stage.getMicroBatchSize(), stage.getMaxEpochs(),
                stage.getSeed(), parsed(stage, () -> ReduceMode.parse(stage.getAllReduce(),
                        Settings.ALLREDUCE.asParam())), parsed(stage,
                        () -> ExecutionMode.parse(stage.getExecution(), Settings.EXECUTION.asParam())),
                checkpoints ? stage.getCheckpointDir() : null,
                checkpoints ? perEpoch : 0));
    }

    /** A param's value parsed to its type, a bad one named with the stage. */
    private static <T> T parsed(AdanNetParams stage, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(stage.uid() + ": " + e.getMessage(), e);
        }
    }

    /** The preset of the {@code hiddenLayers} param: softmax regression, or dense layers of those widths. */
    private static ModelSpec preset(int[] hidden) {
        return hidden.length == 0 ? new ModelSpec.Linear(ModelSpec.Hidden.DEFAULT)
                : new ModelSpec.Mlp(hidden, ModelSpec.Hidden.DEFAULT);
    }
}
