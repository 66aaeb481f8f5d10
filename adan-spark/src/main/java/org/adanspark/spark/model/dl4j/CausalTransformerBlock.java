package org.adanspark.spark.model.dl4j;

import java.util.Map;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.deeplearning4j.nn.conf.layers.samediff.SameDiffLayer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One pre-norm transformer block with <em>causal</em> multi-head self-attention, as a DL4J SameDiff
 * layer (DL4J's own {@code SelfAttentionLayer} attends to every position, so a next-token model built on
 * it would see the token it has to predict):
 * <pre>
 *   h = x + W_o · attention(LN₁(x))          attention masked to positions ≤ t
 *   y = h + W₂ · gelu(W₁ · LN₂(h) + b₁) + b₂  (a 4× wide feed-forward part)
 * </pre>
 * Input and output are DL4J's recurrent layout {@code [batch, width, length]}. The attention of head
 * {@code j} at position {@code t} is {@code softmax_s≤t(q_t·k_s / √(width/heads))}; the mask adds −10⁹
 * to the logits of later positions before the softmax.
 *
 * <p>Weights are Glorot-normal draws from the block's own seed, in a fixed order, so every JVM and thread
 * initialises the same bits; layer-norm gains start at 1, biases at 0. The fields are DL4J's JSON, so a configuration with this layer round-trips.
 */
public final class CausalTransformerBlock extends SameDiffLayer {

    private static final long serialVersionUID = 1L;
    private static final double MASKED = -1e9;

    private int width;
    private int heads;
    private int length;
    private long seed;

    /** For DL4J's JSON reader. */
    public CausalTransformerBlock() {
    }

    /**
     * @param width the model width {@code d}, a multiple of {@code heads}
     * @param heads attention heads
     * @param length positions per window {@code T}
     * @param seed where this block's initial weights are drawn from
     */
    public CausalTransformerBlock(int width, int heads, int length, long seed) {
        if (width < 1 || heads < 1 || width % heads != 0) {
            throw new IllegalArgumentException("a transformer block's width must be a positive multiple of its "
                    + "heads, got width " + width + " and " + heads + " heads");
        }
        if (length < 1) {
            throw new IllegalArgumentException("a transformer block needs a window of at least 1 position, got " + length);
        }
        this.width = width;
        this.heads = heads;
        this.length = length;
        this.seed = seed;
    }

    /** @return the model width */
    public int getWidth() {
        return width;
    }

    /** @param width the model width (for DL4J's JSON reader) */
    public void setWidth(int width) {
        this.width = width;
    }

    /** @return attention heads */
    public int getHeads() {
        return heads;
    }

    /** @param heads attention heads (for DL4J's JSON reader) */
    public void setHeads(int heads) {
        this.heads = heads;
    }

    /** @return positions per window */
    public int getLength() {
        return length;
    }

    /** @param length positions per window (for DL4J's JSON reader) */
    public void setLength(int length) {
        this.length = length;
    }

    /** @return where the initial weights are drawn from */
    public long getSeed() {
        return seed;
    }

    /** @param seed where the initial weights are drawn from (for DL4J's JSON reader) */
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
        for (String w : new String[] {"Wq", "Wk", "Wv", "Wo"}) {
            params.addWeightParam(w, width, width);
        }
        params.addWeightParam("W1", width, 4L * width);
        params.addWeightParam("W2", 4L * width, width);
        params.addBiasParam("b1", 1, 4L * width);
        params.addBiasParam("b2", 1, width);
        params.addBiasParam("bo", 1, width);
        for (String ln : new String[] {"g1", "g2"}) {
            params.addBiasParam(ln, width);
        }
        for (String ln : new String[] {"c1", "c2"}) {
            params.addBiasParam(ln, width);
        }
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        org.nd4j.linalg.api.rng.Random random = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        for (String name : new java.util.TreeSet<>(params.keySet())) { // a fixed order: the same draws everywhere
            INDArray p = params.get(name);
            if (name.startsWith("W")) {
                long fanIn = p.size(0);
                long fanOut = p.size(1);
                double sd = Math.sqrt(2.0 / (fanIn + fanOut)); // Glorot normal
                p.assign(Nd4j.randn(0.0, sd, p.shape(), random));
            } else if (name.startsWith("g")) {
                p.assign(1.0);
            } else {
                p.assign(0.0);
            }
        }
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable layerInput, Map<String, SDVariable> p, SDVariable mask) {
        int dh = width / heads;
        SDVariable x = layerInput.permute(0, 2, 1).reshape(-1, width);                  // [b·T, d]
        SDVariable h = sd.nn().layerNorm(x, p.get("g1"), p.get("c1"), false, 1);
        SDVariable q = headsFirst(h.mmul(p.get("Wq")), dh);                               // [b, H, T, dh]
        SDVariable k = headsFirst(h.mmul(p.get("Wk")), dh);
        SDVariable v = headsFirst(h.mmul(p.get("Wv")), dh);
        SDVariable logits = sd.mmul(q, k, false, true, false).mul(1.0 / Math.sqrt(dh)); // [b, H, T, T]
        SDVariable attention = sd.nn().softmax(logits.add(sd.constant(causalMask())), -1);
        SDVariable context = sd.mmul(attention, v)                                      // [b, H, T, dh]
                .permute(0, 2, 1, 3).reshape(-1, width);                                 // [b·T, d]
        SDVariable attended = x.add(context.mmul(p.get("Wo")).add(p.get("bo")));
        SDVariable h2 = sd.nn().layerNorm(attended, p.get("g2"), p.get("c2"), false, 1);
        SDVariable ff = sd.nn().gelu(h2.mmul(p.get("W1")).add(p.get("b1"))).mmul(p.get("W2")).add(p.get("b2"));
        return attended.add(ff).reshape(-1, length, width).permute(0, 2, 1);           // [b, d, T]
    }

    private SDVariable headsFirst(SDVariable rows, int dh) {
        return rows.reshape(-1, length, heads, dh).permute(0, 2, 1, 3);
    }

    /** @return {@code [T, T]}: 0 where position s ≤ t may be attended to from t, −10⁹ elsewhere */
    private INDArray causalMask() {
        float[] m = new float[length * length];
        for (int t = 0; t < length; t++) {
            for (int s = t + 1; s < length; s++) {
                m[t * length + s] = (float) MASKED;
            }
        }
        return Nd4j.create(m, new long[] {length, length}, 'c').castTo(DataType.FLOAT);
    }
}
