package org.adanspark.spark.model.dl4j;

import org.adanspark.spark.model.ModelSpec;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The {@code charlm} preset: a character-level language model over windows of token ids, predicting the
 * next token at every position:
 * <pre>
 *   token ids [b, T] → embedding (vocabulary × width) → body → per-position softmax over the vocabulary
 * </pre>
 * with one of two bodies ({@link ModelSpec.CharLm.Body}): {@code ATTENTION}, a learned
 * {@link PositionEmbedding} and a stack of {@link CausalTransformerBlock}s (a small GPT), or {@code LSTM}, a
 * stack of LSTM layers (which know order by construction).
 */
public final class CharacterModel {

    private CharacterModel() {
    }

    /**
     * @param vocabulary distinct tokens
     * @param length positions per window {@code T}
     * @param body attention blocks or LSTM layers
     * @param layers blocks or LSTM layers
     * @param width the embedding and model width
     * @param heads attention heads (ignored for LSTM), dividing {@code width}
     * @param seed weight-initialisation seed
     * @return the configuration's JSON (a layer stack)
     */
    public static String configuration(int vocabulary, int length, ModelSpec.CharLm.Body body, int layers, int width,
                                       int heads, long seed) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new NoOp())
                .list()
                .layer(new EmbeddingSequenceLayer.Builder().nIn(vocabulary).nOut(width).inputLength(length)
                        .hasBias(false).outputDataFormat(RNNFormat.NCW).build());
        if (body == ModelSpec.CharLm.Body.ATTENTION) {
            list.layer(new PositionEmbedding(width, length, seed + 1));
            for (int i = 0; i < layers; i++) {
                list.layer(new CausalTransformerBlock(width, heads, length, seed + 2 + i));
            }
        } else {
            for (int i = 0; i < layers; i++) {
                list.layer(new LSTM.Builder().nIn(width).nOut(width).activation(Activation.TANH)
                        .dataFormat(RNNFormat.NCW).build());
            }
        }
        list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .nIn(width).nOut(vocabulary).dataFormat(RNNFormat.NCW).build());
        // no setInputType: it would take the ids' single channel for the embedding's vocabulary
        return list.build().toJson();
    }
}
