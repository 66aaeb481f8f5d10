package org.adanspark.spark.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.adanspark.spark.config.OptimizerSpec;
import org.adanspark.spark.config.Setting;
import org.adanspark.spark.config.Settings;

/**
 * The params every AdanNet stage has — network, optimizer and training loop — with their getters, made from
 * the settings' one declaration ({@link Settings#ESTIMATOR}). The defaults are those of the CLI
 * ({@code reference.conf}); the learning rate, weight decay and betas default to the trainer's recipe for the
 * chosen optimizer, so {@code setOptimizer("adamw")} alone gives AdamW's recommended values.
 */
public interface AdanNetParams extends Params {

    /** @return the stage's param objects */
    AdanNetParamSet adanNetParamSet();

    /** @return hidden layer widths of an MLP; empty for a linear model */
    default IntArrayParam hiddenLayers() {
        return adanNetParamSet().hiddenLayers;
    }

    /** @return a {@code --model} spec or DL4J JSON path, overriding {@link #hiddenLayers()} when non-empty */
    default Param<String> modelSpec() {
        return adanNetParamSet().modelSpec;
    }

    /** @return the compute backend, empty for the model's own */
    default Param<String> backend() {
        return adanNetParamSet().backend;
    }

    /** @return the optimizer name */
    default Param<String> optimizer() {
        return adanNetParamSet().optimizer;
    }

    /** @return the peak learning rate */
    default DoubleParam learningRate() {
        return adanNetParamSet().learningRate;
    }

    /** @return the weight decay */
    default DoubleParam weightDecay() {
        return adanNetParamSet().weightDecay;
    }

    /** @return the optimizer's betas */
    default DoubleArrayParam betas() {
        return adanNetParamSet().betas;
    }

    /** @return the gradient-norm clipping threshold */
    default DoubleParam maxGradNorm() {
        return adanNetParamSet().maxGradNorm;
    }

    /** @return the model EMA's decay */
    default DoubleParam emaDecay() {
        return adanNetParamSet().emaDecay;
    }

    /** @return examples per step */
    default IntParam globalBatchSize() {
        return adanNetParamSet().globalBatchSize;
    }

    /** @return examples per forward/backward pass */
    default IntParam microBatchSize() {
        return adanNetParamSet().microBatchSize;
    }

    /** @return passes over the data */
    default IntParam maxEpochs() {
        return adanNetParamSet().maxEpochs;
    }

    /** @return warm-up steps */
    default IntParam warmupSteps() {
        return adanNetParamSet().warmupSteps;
    }

    /** @return the seed */
    default LongParam seed() {
        return adanNetParamSet().seed;
    }

    /** @return optimizer state shards */
    default IntParam numShards() {
        return adanNetParamSet().numShards;
    }

    /** @return the checkpoint directory */
    default Param<String> checkpointDir() {
        return adanNetParamSet().checkpointDir;
    }

    /** @return the all-reduce mode */
    default Param<String> allReduce() {
        return adanNetParamSet().allReduce;
    }

    /** @return the execution */
    default Param<String> execution() {
        return adanNetParamSet().execution;
    }

    /** @return hidden layer widths */
    default int[] getHiddenLayers() {
        return ((int[]) getOrDefault(hiddenLayers())).clone();
    }

    /** @return the model spec, empty when {@link #getHiddenLayers()} decides */
    default String getModelSpec() {
        return getOrDefault(modelSpec());
    }

    /** @return the compute backend, empty for the model's own */
    default String getBackend() {
        return getOrDefault(backend());
    }

    /** @return the optimizer name */
    default String getOptimizer() {
        return getOrDefault(optimizer());
    }

    /** @return the learning rate set, or the optimizer's default */
    default double getLearningRate() {
        return isSet(learningRate()) ? (Double) getOrDefault(learningRate())
                : OptimizerSpec.defaultLr(getOptimizer());
    }

    /** @return the weight decay set, or the optimizer's default */
    default double getWeightDecay() {
        return isSet(weightDecay()) ? (Double) getOrDefault(weightDecay())
                : OptimizerSpec.defaultWeightDecay(getOptimizer());
    }

    /** @return the betas set, or the optimizer's defaults (empty for SGD) */
    default double[] getBetas() {
        if (isSet(betas())) {
            return ((double[]) getOrDefault(betas())).clone();
        }
        return OptimizerSpec.defaultBetas(getOptimizer());
    }

    /** @return the clipping threshold */
    default double getMaxGradNorm() {
        return (Double) getOrDefault(maxGradNorm());
    }

    /** @return the model EMA's decay, 0 when off */
    default double getEmaDecay() {
        return (Double) getOrDefault(emaDecay());
    }

    /** @return examples per step */
    default int getGlobalBatchSize() {
        return (Integer) getOrDefault(globalBatchSize());
    }

    /** @return examples per forward/backward pass */
    default int getMicroBatchSize() {
        return (Integer) getOrDefault(microBatchSize());
    }

    /** @return passes over the data */
    default int getMaxEpochs() {
        return (Integer) getOrDefault(maxEpochs());
    }

    /** @return warm-up steps */
    default int getWarmupSteps() {
        return (Integer) getOrDefault(warmupSteps());
    }

    /** @return the seed */
    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    /** @return optimizer state shards */
    default int getNumShards() {
        return (Integer) getOrDefault(numShards());
    }

    /** @return the checkpoint directory, empty for none */
    default String getCheckpointDir() {
        return getOrDefault(checkpointDir());
    }

    /** @return {@code sharded} or {@code tree} */
    default String getAllReduce() {
        return getOrDefault(allReduce());
    }

    /** @return {@code jobs} or {@code barrier} */
    default String getExecution() {
        return getOrDefault(execution());
    }

    /**
     * Sets every param's default from its setting's declaration ({@link Setting#defaultValue}: reference.conf's
     * value, shared with the CLI); each stage's constructor calls it once. The per-optimizer params (learning
     * rate, weight decay, betas) have none: unset, they are the chosen optimizer's recipe.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    default void setAdanNetDefaults() {
        for (Setting s : Settings.ESTIMATOR) {
            Object value = s.defaultValue();
            if (value != null) {
                setDefault((Param) adanNetParamSet().param(s), value);
            }
        }
    }

    /**
     * A param explained as Spark's {@code explainParam} does ({@code name: doc (default: …, current: …)}),
     * but readable and complete: arrays are shown as their values (Spark shows {@code [D@1b2c3d}), and where
     * the default depends on the optimizer — the learning rate, weight decay and betas — the chosen
     * optimizer's value from reference.conf is shown instead of "undefined". The stages'
     * {@code explainParam}, and so {@code explainParams()}, go through this.
     *
     * @param param a param of this stage
     * @return its explanation
     */
    default String explainReadably(Param<?> param) {
        List<String> values = new ArrayList<>();
        String whose = ", " + getOptimizer() + "'s";
        if (hasDefault(param)) {
            values.add("default: " + render(getDefault(param).get()));
        } else if (param.equals(learningRate())) {
            values.add("default: " + OptimizerSpec.defaultLr(getOptimizer()) + whose);
        } else if (param.equals(weightDecay())) {
            values.add("default: " + OptimizerSpec.defaultWeightDecay(getOptimizer()) + whose);
        } else if (param.equals(betas())) {
            values.add("default: " + Arrays.toString(OptimizerSpec.defaultBetas(getOptimizer())) + whose);
        }
        if (isSet(param)) {
            values.add("current: " + render(get(param).get()));
        }
        return param.name() + ": " + param.doc() + " " + (values.isEmpty() ? "(undefined)" : "(" + String.join(", ", values) + ")");
    }

    private static String render(Object value) {
        if (value instanceof double[] d) {
            return Arrays.toString(d);
        }
        if (value instanceof int[] i) {
            return Arrays.toString(i);
        }
        return String.valueOf(value);
    }
}
