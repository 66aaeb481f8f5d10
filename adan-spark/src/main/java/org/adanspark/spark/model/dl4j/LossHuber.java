package org.adanspark.spark.model.dl4j;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.LossUtil;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Huber's loss for DL4J output layers (ND4J 1.0.0-M2.1 has none): with residual {@code r = ŷ − y},
 * {@code L = ½r²} for {@code |r| ≤ δ} and {@code δ(|r| − ½δ)} beyond, summed over outputs. Written as
 * {@code c(|r| − ½c)} with {@code c = min(|r|, δ)}, and {@code dL/dŷ = clip(r, −δ, δ)}. Like DL4J's own
 * losses, the score is the sum over outputs averaged over examples, and the gradient is per example
 * (not averaged). Serialises to and from DL4J's JSON with its {@code delta}.
 */
public final class LossHuber implements ILossFunction {

    private static final long serialVersionUID = 1L;

    @JsonProperty("delta")
    private final double delta;

    /** Huber's loss with {@code δ = 1} (for DL4J's JSON reader). */
    public LossHuber() {
        this(1.0);
    }

    /**
     * @param delta where the loss turns from quadratic to linear, {@code > 0}
     */
    public LossHuber(@JsonProperty("delta") double delta) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("the Huber delta must be positive and finite, got " + delta);
        }
        this.delta = delta;
    }

    /** @return δ */
    public double getDelta() {
        return delta;
    }

    private INDArray residual(INDArray labels, INDArray preOutput, IActivation activationFn) {
        if (!labels.equalShapes(preOutput)) {
            throw new IllegalArgumentException("labels " + java.util.Arrays.toString(labels.shape())
                    + " and network output " + java.util.Arrays.toString(preOutput.shape()) + " differ in shape");
        }
        INDArray output = activationFn.getActivation(preOutput.dup(), true);
        return output.subi(labels.castTo(output.dataType()));
    }

    private INDArray scoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray abs = Transforms.abs(residual(labels, preOutput, activationFn), false);
        INDArray c = Transforms.min(abs, delta, true);
        INDArray score = c.mul(abs.subi(c.mul(0.5)));
        if (mask != null) {
            LossUtil.applyMask(score, mask);
        }
        return score;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double sum = scoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / preOutput.size(0) : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return scoreArray(labels, preOutput, activationFn, mask).sum(true, 1);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray dLda = Transforms.max(Transforms.min(residual(labels, preOutput, activationFn), delta, false), -delta, false);
        if (mask != null) {
            LossUtil.applyMask(dLda, mask);
        }
        INDArray grad = activationFn.backprop(preOutput.dup(), dLda).getFirst();
        if (mask != null) {
            LossUtil.applyMask(grad, mask);
        }
        return grad;
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "LossHuber";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LossHuber h && Double.compare(h.delta, delta) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(delta);
    }

    @Override
    public String toString() {
        return "LossHuber(delta=" + delta + ")";
    }
}
