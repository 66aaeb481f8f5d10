package org.adanspark.spark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.adanspark.spark.config.ExecutionMode;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.config.ReduceMode;
import org.adanspark.spark.model.ModelSpec;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * The {@link Param} objects of one AdanNet stage, created for its uid. A Java interface cannot hold
 * per-instance fields, so each stage keeps one of these and {@link AdanNetParams}' accessors return its
 * members; Spark finds them through those public accessors, as it does for Scala stages.
 */
public final class AdanNetParamSet implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Every optimizer name {@code optimizer} accepts: the base names and their {@code lookahead-} wrappers. */
    static final String[] OPTIMIZERS;

    static {
        List<String> names = new ArrayList<>(OptimizerSpec.NAMES);
        for (String n : OptimizerSpec.NAMES) {
            names.add("lookahead-" + n);
        }
        OPTIMIZERS = names.toArray(new String[0]);
    }

    /** Hidden layer widths of an MLP; empty for a linear (softmax / logistic / least-squares) model. */
    public final IntArrayParam hiddenLayers;
    /** The CLI's {@code --model} spec or a DL4J JSON path, overriding {@code hiddenLayers} when non-empty. */
    public final Param<String> modelSpec;
    /** The compute backend: {@code dl4j}, {@code pytorch}, or empty for the model's own. */
    public final Param<String> backend;
    /** Optimizer name. */
    public final Param<String> optimizer;
    /** Peak learning rate; unset means the optimizer's default from reference.conf. */
    public final DoubleParam learningRate;
    /** Weight decay; unset means the optimizer's default from reference.conf. */
    public final DoubleParam weightDecay;
    /** The optimizer's betas (3 for Adan, 2 for the Adam family); unset means its defaults. */
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
    /** Optimizer state shards on the driver. */
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
        hiddenLayers = new IntArrayParam(owner, "hiddenLayers",
                "widths of the hidden layers of an MLP; empty for a linear model", new AllPositive());
        modelSpec = new Param<>(owner, "modelSpec", "a --model spec (linear, mlp:W1,W2:activation=…:dropout=…, lenet)"
                + ", json:PATH of a DL4J configuration or torchscript:PATH of a TorchScript module; overrides"
                + " hiddenLayers when non-empty",
                new ValidModelSpec());
        backend = new Param<>(owner, "backend", "the compute backend: dl4j or pytorch (presets linear, mlp, lenet"
                + " and resnet with batch normalisation on DJL's blocks; charlm is the CLI's); empty for the model's"
                + " own (presets and json: dl4j, torchscript: pytorch)",
                ParamValidators.inArray(new String[] {"", "dl4j", "pytorch"}));
        optimizer = new Param<>(owner, "optimizer", "optimizer: " + String.join(", ", OPTIMIZERS),
                ParamValidators.inArray(OPTIMIZERS));
        learningRate = new DoubleParam(owner, "learningRate", "peak learning rate (default: the optimizer's, from"
                + " reference.conf)", ParamValidators.gt(0));
        weightDecay = new DoubleParam(owner, "weightDecay", "weight decay (default: the optimizer's, from reference.conf)",
                ParamValidators.gtEq(0));
        betas = new DoubleArrayParam(owner, "betas", "the optimizer's betas, each in [0, 1): 3 for adan (reference-code"
                + " convention, e.g. 0.98, 0.92, 0.99), 2 for adam, adamw, lamb, radam and setadam, 1 (β1) for"
                + " adafactor", new AllInUnitInterval());
        maxGradNorm = new DoubleParam(owner, "maxGradNorm", "global gradient-norm clipping threshold (>= 0, 0 = off)",
                ParamValidators.gtEq(0));
        emaDecay = new DoubleParam(owner, "emaDecay", "decay of a model EMA kept beside the optimizer, whose weights the"
                + " fitted model gets (in [0, 1), 0 = off)", ParamValidators.inRange(0, 1, true, false));
        globalBatchSize = new IntParam(owner, "globalBatchSize", "examples per optimizer step, all partitions together (> 0)",
                ParamValidators.gt(0));
        microBatchSize = new IntParam(owner, "microBatchSize", "examples per forward/backward pass on an executor (> 0)",
                ParamValidators.gt(0));
        maxEpochs = new IntParam(owner, "maxEpochs", "passes over the training data (> 0)", ParamValidators.gt(0));
        warmupSteps = new IntParam(owner, "warmupSteps", "steps of linear learning-rate warm-up (>= 0)",
                ParamValidators.gtEq(0));
        seed = new LongParam(owner, "seed", "seed of the initial weights, the sampling and dropout");
        numShards = new IntParam(owner, "numShards", "optimizer state shards on the driver (> 0)", ParamValidators.gt(0));
        checkpointDir = new Param<>(owner, "checkpointDir", "Hadoop FS directory for checkpoints, one per epoch and at the"
                + " end; empty for none");
        allReduce = new Param<>(owner, "allReduce", "gradient all-reduce: sharded (reduce-scatter by optimizer shard) or"
                + " tree", ParamValidators.inArray(Arrays.stream(ReduceMode.values()).map(ReduceMode::configName)
                .toArray(String[]::new)));
        execution = new Param<>(owner, "execution", "jobs (a Spark job per step, optimizer state on the driver) or"
                + " barrier (one barrier stage, optimizer shards on the executors); same bits",
                ParamValidators.inArray(Arrays.stream(ExecutionMode.values()).map(ExecutionMode::configName)
                        .toArray(String[]::new)));
        loss = new Param<>(owner, "loss", "regression loss: squaredError or huber",
                ParamValidators.inArray(new String[] {"squaredError", "huber"}));
        huberDelta = new DoubleParam(owner, "huberDelta", "Huber's delta: residuals beyond it are penalised linearly (> 0)",
                ParamValidators.gt(0));
    }

    /** Accepts arrays whose elements are all positive. */
    private static final class AllPositive extends AbstractFunction1<int[], Object> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(int[] widths) {
            for (int w : widths) {
                if (w < 1) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Accepts arrays whose elements all lie in [0, 1). */
    private static final class AllInUnitInterval extends AbstractFunction1<double[], Object> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(double[] values) {
            for (double v : values) {
                if (!(v >= 0 && v < 1)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Accepts an empty spec or one {@link ModelSpec#parse} accepts. */
    private static final class ValidModelSpec extends AbstractFunction1<String, Object> implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object apply(String spec) {
            if (spec == null || spec.isBlank()) {
                return true;
            }
            try {
                ModelSpec.parse(spec);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
