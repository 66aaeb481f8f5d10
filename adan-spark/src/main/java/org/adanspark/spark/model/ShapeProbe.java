package org.adanspark.spark.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.Failures;

/**
 * How one example enters a model, found by running one through it — for every backend the same rule:
 * a flat row of the data's width, else (a model whose first layer takes images, as DL4J's model-zoo graphs
 * do) a square image of 1 or 3 channels and side ≥ 8, else nothing fits. Token windows are always a flat
 * window of ids. The model's output for the example must have one value per class (per position, for token
 * windows).
 */
public final class ShapeProbe {

    /** A backend's forward pass of one zero example of a given shape. */
    @FunctionalInterface
    public interface Forward {

        /**
         * @param exampleShape a candidate shape of one example
         * @return the output's shape for one example of it
         * @throws RuntimeException when the model cannot take that shape
         */
        long[] outputShape(int[] exampleShape);
    }

    private ShapeProbe() {
    }

    /**
     * @param spec the model, for messages
     * @param data the training data's shape
     * @param objective what the output predicts
     * @param forward the backend's forward pass
     * @return the first candidate shape the model takes
     * @throws ConfigurationException when none fits, or the output has the wrong shape (naming the nOut to set)
     */
    public static int[] probe(ModelSpec spec, ComputeBackend.DataShape data, Objective objective, Forward forward) {
        int width = data.width();
        List<int[]> candidates = new ArrayList<>();
        candidates.add(new int[] {width});
        if (!data.tokens()) {
            for (int c : new int[] {1, 3}) {
                int side = (int) Math.round(Math.sqrt(width / (double) c));
                if (c * side * side == width && side >= 8) { // smaller "images" are rows of a few features
                    candidates.add(new int[] {c, side, side});
                }
            }
        }
        RuntimeException first = null;
        for (int[] shape : candidates) {
            long[] out;
            try {
                out = forward.outputShape(shape);
            } catch (RuntimeException e) {
                first = first == null ? e : first;
                continue;
            }
            long[] expected = data.tokens() ? new long[] {1, objective.outputs(), width}
                    : new long[] {1, objective.outputs()};
            if (!Arrays.equals(out, expected)) {
                throw new ConfigurationException("model " + spec + " gives output of shape " + Arrays.toString(out)
                        + " for one example of " + data.name() + ", which needs " + Arrays.toString(expected) + " ("
                        + (data.tokens() ? objective.outputs() + " tokens × " + width + " positions"
                        : objective.outputs() + (objective.isClassification() ? " classes" : " output"))
                        + "); set the output layer's nOut to " + objective.outputs(), null);
            }
            return shape;
        }
        throw new ConfigurationException("model " + spec + " cannot run on " + width + " features per row"
                + (candidates.size() > 1 ? " (tried as a flat row and as a square image)" : "") + ": "
                + Failures.reason(first), first);
    }
}
