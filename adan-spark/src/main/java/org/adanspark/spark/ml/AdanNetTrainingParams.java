package org.adanspark.spark.ml;

/**
 * The chainable setters of an AdanNet estimator. Each returns the estimator itself, so a configuration
 * reads as one expression; an invalid value is refused by the param's validator, naming the param.
 *
 * @param <S> the estimator type
 */
public interface AdanNetTrainingParams<S extends AdanNetTrainingParams<S>> extends AdanNetParams {

    /** @return this, typed */
    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /**
     * @param widths hidden layer widths; empty for a linear model
     * @return this
     */
    default S setHiddenLayers(int[] widths) {
        set(hiddenLayers(), widths.clone());
        return self();
    }

    /**
     * @param spec a {@code --model} spec or {@code json:PATH}; overrides the hidden layers when non-empty
     * @return this
     */
    default S setModelSpec(String spec) {
        set(modelSpec(), spec);
        return self();
    }

    /**
     * @param backend {@code dl4j}, {@code pytorch}, or empty for the model's own
     * @return this
     */
    default S setBackend(String backend) {
        set(backend(), backend);
        return self();
    }

    /**
     * @param name adan, adamw, adam, lamb, sgd, radam or lookahead-(one of them)
     * @return this
     */
    default S setOptimizer(String name) {
        set(optimizer(), name);
        return self();
    }

    /**
     * @param lr peak learning rate, {@code > 0}
     * @return this
     */
    default S setLearningRate(double lr) {
        set(learningRate(), lr);
        return self();
    }

    /**
     * @param decay weight decay, {@code >= 0}
     * @return this
     */
    default S setWeightDecay(double decay) {
        set(weightDecay(), decay);
        return self();
    }

    /**
     * @param values the optimizer's betas, each in {@code [0, 1)}
     * @return this
     */
    default S setBetas(double[] values) {
        set(betas(), values.clone());
        return self();
    }

    /**
     * @param norm clipping threshold, {@code >= 0}; 0 turns clipping off
     * @return this
     */
    default S setMaxGradNorm(double norm) {
        set(maxGradNorm(), norm);
        return self();
    }

    /**
     * Keeps a model EMA beside the optimizer: the fitted model gets the averaged weights.
     *
     * @param decay in [0, 1), e.g. 0.999; 0 turns the average off
     * @return this
     */
    default S setEmaDecay(double decay) {
        set(emaDecay(), decay);
        return self();
    }

    /**
     * @param examples examples per step, {@code > 0}
     * @return this
     */
    default S setGlobalBatchSize(int examples) {
        set(globalBatchSize(), examples);
        return self();
    }

    /**
     * @param examples examples per forward/backward pass, {@code > 0}
     * @return this
     */
    default S setMicroBatchSize(int examples) {
        set(microBatchSize(), examples);
        return self();
    }

    /**
     * @param epochs passes over the data, {@code > 0}
     * @return this
     */
    default S setMaxEpochs(int epochs) {
        set(maxEpochs(), epochs);
        return self();
    }

    /**
     * @param steps linear warm-up steps, {@code >= 0}
     * @return this
     */
    default S setWarmupSteps(int steps) {
        set(warmupSteps(), steps);
        return self();
    }

    /**
     * @param value the seed
     * @return this
     */
    default S setSeed(long value) {
        set(seed(), value);
        return self();
    }

    /**
     * @param shards optimizer state shards, {@code > 0}
     * @return this
     */
    default S setNumShards(int shards) {
        set(numShards(), shards);
        return self();
    }

    /**
     * @param dir a Hadoop FS directory for checkpoints, or empty for none
     * @return this
     */
    default S setCheckpointDir(String dir) {
        set(checkpointDir(), dir);
        return self();
    }

    /**
     * @param mode {@code sharded} or {@code tree}
     * @return this
     */
    default S setAllReduce(String mode) {
        set(allReduce(), mode);
        return self();
    }

    /**
     * @param mode {@code jobs} or {@code barrier}
     * @return this
     */
    default S setExecution(String mode) {
        set(execution(), mode);
        return self();
    }
}
