package org.adanspark.spark.ml;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.config.Setting;
import org.adanspark.spark.config.Settings;
import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.LabelKind;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.metrics.LogProgress;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.run.RunPlan;
import org.adanspark.spark.run.SyncTrainer;
import org.adanspark.spark.run.TrainResult;
import org.adanspark.spark.runtime.BlasKernel;
import org.adanspark.spark.runtime.Parallelism;
import org.apache.spark.ml.param.Param;
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
        RunPlan settings = settings(stage, 0);
        int partitions = Parallelism.defaultPartitions(spark.sparkContext(),
                settings.execution() == ExecutionMode.BARRIER);
        Dataset<Row> rows = FeaturesColumn.asVectors(dataset.select(featuresCol, labelCol), featuresCol);
        String name = stage.uid() + " input";
        BlockDataset blocks = BlockDataset.fromDataFrame(rows, name, featuresCol, labelCol, labelKind, numClasses,
                partitions);
        try {
            Objective objective = objectiveOf.apply(blocks);
            settings = settings(stage, blocks.rows());
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
     * The params as the run's settings: what each sets, by its setting's key, as an overlay on reference.conf,
     * read and checked by the same code as the command line's configuration, with messages naming the param
     * ({@link RunPlan#forEstimator}). An estimator has no test set (no evaluation per epoch), checkpoints once
     * per epoch, and computes with the BLAS kernel its JVM was started with.
     *
     * @param stage the estimator
     * @param rows training rows, to checkpoint once per epoch
     * @return the validated settings
     * @throws IllegalArgumentException naming the param when a value or the combination is invalid
     */
    static RunPlan settings(AdanNetParams stage, long rows) {
        Map<String, Object> values = new LinkedHashMap<>();
        String base = stage.getOptimizer();
        try {
            base = OptimizerSpec.baseName(stage.getOptimizer());
        } catch (IllegalArgumentException e) {
            // the run plan names the param and the value
        }
        for (Setting s : Settings.ESTIMATOR) {
            Param<?> p = stage.adanNetParamSet().param(s);
            if (s.key().isEmpty() || (s.perOptimizer() && !stage.isSet(p))) {
                continue; // hiddenLayers becomes the model spec; an unset lr is the optimizer's recipe
            }
            Object v = stage.getOrDefault(p);
            values.put(s.keyFor(base), v instanceof double[] d ? Arrays.stream(d).boxed().toList() : v);
        }
        if (stage.getModelSpec().isBlank()) {
            values.put(Settings.MODEL.key(), preset(stage.getHiddenLayers()));
        }
        boolean checkpoints = !stage.getCheckpointDir().isBlank();
        long perEpoch = Math.max(1, (rows + stage.getGlobalBatchSize() - 1) / stage.getGlobalBatchSize());
        values.put(Settings.CHECKPOINT_EVERY.key(), checkpoints ? perEpoch : 0);
        values.put(Settings.EVALUATE_EVERY_EPOCH.key(), false);
        values.put(Settings.BLAS_KERNEL.key(), BlasKernel.requested());
        return RunPlan.forEstimator(stage.uid(), values);
    }

    /** The preset of the {@code hiddenLayers} param: softmax regression, or dense layers of those widths. */
    private static String preset(int[] hidden) {
        return hidden.length == 0 ? "linear"
                : "mlp:" + Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
}
