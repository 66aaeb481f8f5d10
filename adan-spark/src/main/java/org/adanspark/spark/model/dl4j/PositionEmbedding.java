package org.adanspark.spark.model.dl4j;

import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A learned position embedding, as a DL4J SameDiff layer: adds a trained vector {@code P[:, t]} to
 * every example's activations at position {@code t}. What tells a {@link CausalTransformerBlock},
 * which is otherwise blind to order, where in the window a token stands. Layout {@code [batch, width,
 * length]} in and out; {@code P} starts as small normal draws (σ = 0.02, GPT-2's) from its own seed.
 */
public final class PositionEmbedding extends SameDiffLayer {

    private static final long serialVersionUID = 1L;

    private int width;
    private int length;
    private long seed;

    /** For DL4J's JSON reader. */
    public PositionEmbedding() {
    }

    /**
     * @param width activations per position
     * @param length positions per window
     * @param seed where the initial embedding is drawn from
     */
    public PositionEmbedding(int width, int length, long seed) {
        if (width < 1 || length < 1) {
            throw new IllegalArgumentException("a position embedding needs a positive width and length, got "
                    + width + " × " + length);
        }
        this.width = width;
        this.length = length;
        this.seed = seed;
    }

    /** @return activations per position */
    public int getWidth() {
        return width;
    }

    /** @param width activations per position (for DL4J's JSON reader) */
    public void setWidth(int width) {
        this.width = width;
    }

    /** @return positions per window */
    public int getLength() {
        return length;
    }

    /** @param length positions per window (for DL4J's JSON reader) */
    public void setLength(int length) {
        this.length = length;
    }

    /** @return where the initial embedding is drawn from */
    public long getSeed() {
        return seed;
    }

    /** @param seed where the initial embedding is drawn from (for DL4J's JSON reader) */
    public void setSeed(long seed) {
        this.seed = seed;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(width, length);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.clear();
        params.addWeightParam("P", width, length);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        params.get("P").assign(Nd4j.randn(0.0, 0.02, params.get("P").shape(),
                Nd4j.getRandomFactory().getNewRandomInstance(seed)));
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> p, SDVariable mask) {
        return layerInput.add(p.get("P")); // [b, d, T] + [d, T], broadcast over the batch
    }
}
