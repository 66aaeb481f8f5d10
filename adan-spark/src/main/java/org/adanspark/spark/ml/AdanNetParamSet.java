package org.adanspark.spark.ml;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.adanspark.spark.config.Setting;
import org.adanspark.spark.config.Settings;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The {@link Param} objects of one AdanNet stage, created for its uid from the settings' one declaration
 * ({@link Settings#ESTIMATOR}, {@link Settings#REGRESSION}: name, doc, type, validator; the defaults are set by
 * {@link AdanNetParams#setAdanNetDefaults}). A Java interface cannot hold per-instance fields, so each stage keeps
 * one of these and {@link AdanNetParams}' accessors return its members; Spark finds them through those public
 * accessors, as it does for Scala stages.
 */
public final class AdanNetParamSet implements Serializable {

    private static final long serialVersionUID = 2L;

    private final Map<Setting, Param<?>> bySetting = new LinkedHashMap<>();

    /** Hidden layer widths of an MLP; empty for a linear (softmax / logistic / least-squares) model. */
    public final IntArrayParam hiddenLayers;
    /** The CLI's {@code --model} spec, overriding {@code hiddenLayers} when non-empty. */
    public final Param<String> modelSpec;
    /** The compute backend: {@code dl4j}, {@code pytorch}, or empty for the model's own. */
    public final Param<String> backend;
    /** Optimizer name. */
    public final Param<String> optimizer;
    /** Peak learning rate; unset means the trainer's recipe for the optimizer. */
    public final DoubleParam learningRate;
    /** Weight decay; unset means the trainer's recipe for the optimizer. */
    public final DoubleParam weightDecay;
    /** The optimizer's betas (3 for Adan, 2 for the Adam family); unset means the recipe's. */
    public final DoubleArrayParam betas;
    /** Global gradient-norm clipping threshold, 0 = off. */
    public final DoubleParam maxGradNorm;
    /** Model EMA decay, 0 = off. */
    public final DoubleParam emaDecay;
    /** Examples per optimizer step over all partitions. */
    public final IntParam globalBatchSize;
    /** Examples per forward/backward pass on an executor. */
    public final IntParam microBatchSize;
    /** Passes over the training data. */
    public final IntParam maxEpochs;
    /** Steps of linear learning-rate warm-up. */
    public final IntParam warmupSteps;
    /** Seed of weights, sampling and dropout. */
    public final LongParam seed;
    /** Optimizer state shards. */
    public final IntParam numShards;
    /** Hadoop FS directory for checkpoints, empty for none. */
    public final Param<String> checkpointDir;
    /** {@code sharded} or {@code tree}. */
    public final Param<String> allReduce;
    /** {@code jobs} or {@code barrier}. */
    public final Param<String> execution;
    /** Regression loss: {@code squaredError} or {@code huber}. */
    public final Param<String> loss;
    /** Huber's δ: residuals beyond it are penalised linearly. */
    public final DoubleParam huberDelta;

    /**
     * @param owner the stage that owns the params; its uid must already be final
     */
    public AdanNetParamSet(Params owner) {
        for (Setting s : Settings.ESTIMATOR) {
            bySetting.put(s, SettingParams.create(owner, s));
        }
        for (Setting s : Settings.REGRESSION) {
            bySetting.put(s, SettingParams.create(owner, s));
        }
        hiddenLayers = typed(Settings.HIDDEN_LAYERS);
        modelSpec = typed(Settings.MODEL);
        backend = typed(Settings.BACKEND);
        optimizer = typed(Settings.OPTIMIZER);
        learningRate = typed(Settings.LR);
        weightDecay = typed(Settings.WEIGHT_DECAY);
        betas = typed(Settings.BETAS);
        maxGradNorm = typed(Settings.MAX_GRAD_NORM);
        emaDecay = typed(Settings.EMA_DECAY);
        globalBatchSize = typed(Settings.GLOBAL_BATCH);
        microBatchSize = typed(Settings.MICRO_BATCH);
        maxEpochs = typed(Settings.EPOCHS);
        warmupSteps = typed(Settings.WARMUP_STEPS);
        seed = typed(Settings.SEED);
        numShards = typed(Settings.SHARDS);
        checkpointDir = typed(Settings.CHECKPOINT_DIR);
        allReduce = typed(Settings.ALLREDUCE);
        execution = typed(Settings.EXECUTION);
        loss = typed(Settings.LOSS);
        huberDelta = typed(Settings.HUBER_DELTA);
    }

    /**
     * @param s one of {@link Settings#ESTIMATOR} or {@link Settings#REGRESSION}
     * @return its param
     */
    public Param<?> param(Setting s) {
        Param<?> p = bySetting.get(s);
        if (p == null) {
            throw new IllegalArgumentException("no AdanNet param sets " + s.key());
        }
        return p;
    }

    @SuppressWarnings("unchecked")
    private <P extends Param<?>> P typed(Setting s) {
        return (P) param(s);
    }
}
