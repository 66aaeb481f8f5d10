package org.adanspark.spark.model;

import java.io.Serializable;

/**
 * What a preset network's output layer predicts and the loss it is trained on: softmax with multi-class
 * cross-entropy over {@code k} classes, or one linear output with the squared or the Huber loss. The
 * hidden layers of a {@link ModelSpec} are the same for every objective.
 */
public final class Objective implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The loss of a regression objective. */
    public enum RegressionLoss {
        /** ½-free squared error {@code (ŷ − y)²}, the mean squared error over one output. */
        SQUARED,
        /** Huber's loss: squared within {@code delta} of the target, linear beyond. */
        HUBER
    }

    private final int numClasses;
    private final RegressionLoss regressionLoss;
    private final double huberDelta;

    private Objective(int numClasses, RegressionLoss regressionLoss, double huberDelta) {
        this.numClasses = numClasses;
        this.regressionLoss = regressionLoss;
        this.huberDelta = huberDelta;
    }

    /**
     * @param numClasses number of classes, at least 2
     * @return softmax over the classes with cross-entropy
     */
    public static Objective classification(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + numClasses);
        }
        return new Objective(numClasses, null, 0);
    }

    /** @return one linear output trained on the squared error */
    public static Objective squaredError() {
        return new Objective(0, RegressionLoss.SQUARED, 0);
    }

    /**
     * @param delta where the loss turns from quadratic to linear, {@code > 0}
     * @return one linear output trained on Huber's loss
     */
    public static Objective huber(double delta) {
        if (!(delta > 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("the Huber delta must be positive and finite, got " + delta);
        }
        return new Objective(0, RegressionLoss.HUBER, delta);
    }

    /** @return true for a classification objective */
    public boolean isClassification() {
        return regressionLoss == null;
    }

    /** @return number of classes, 0 for regression */
    public int numClasses() {
        return numClasses;
    }

    /** @return width of the output layer */
    public int outputs() {
        return isClassification() ? numClasses : 1;
    }

    /** @return the regression loss, null for a classifier */
    public RegressionLoss regressionLoss() {
        return regressionLoss;
    }

    /** @return Huber's delta, 0 unless the loss is {@link RegressionLoss#HUBER} */
    public double huberDelta() {
        return huberDelta;
    }

    /** @return e.g. {@code softmax cross-entropy over 10 classes} or {@code huber(delta=1.0)} */
    @Override
    public String toString() {
        if (isClassification()) {
            return "softmax cross-entropy over " + numClasses + " classes";
        }
        return regressionLoss == RegressionLoss.SQUARED ? "squared error" : "huber(delta=" + huberDelta + ")";
    }
}
