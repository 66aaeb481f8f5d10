package org.adanspark.spark.model.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.Objective;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Huber's loss against its scalar definition, and through DL4J's JSON. */
class LossHuberTest {

    private static double huber(double r, double delta) {
        return Math.abs(r) <= delta ? 0.5 * r * r : delta * (Math.abs(r) - 0.5 * delta);
    }

    @Test
    void scoreAndGradientMatchTheScalarDefinition() {
        double delta = 0.7;
        double[] pred = {0.1, -2.0, 3.5, 0.0, 1.0, -0.4};
        double[] label = {0.5, 1.0, 3.0, -0.7, 1.0, 2.0};
        INDArray preOut = Nd4j.create(pred, new long[] {3, 2}, DataType.DOUBLE);
        INDArray labels = Nd4j.create(label, new long[] {3, 2}, DataType.DOUBLE);
        LossHuber loss = new LossHuber(delta);

        double sum = 0;
        double[] perExample = new double[3];
        for (int i = 0; i < pred.length; i++) {
            double l = huber(pred[i] - label[i], delta);
            sum += l;
            perExample[i / 2] += l;
        }
        // double precision throughout: agreement to a few ulps of values of order 1
        assertEquals(sum, loss.computeScore(labels, preOut, new ActivationIdentity(), null, false), 1e-12);
        assertEquals(sum / 3, loss.computeScore(labels, preOut, new ActivationIdentity(), null, true), 1e-12);
        INDArray scores = loss.computeScoreArray(labels, preOut, new ActivationIdentity(), null);
        INDArray grad = loss.computeGradient(labels, preOut, new ActivationIdentity(), null);
        for (int i = 0; i < 3; i++) {
            assertEquals(perExample[i], scores.getDouble(i, 0), 1e-12);
        }
        for (int i = 0; i < pred.length; i++) {
            double r = pred[i] - label[i];
            assertEquals(Math.max(-delta, Math.min(delta, r)), grad.getDouble(i / 2, i % 2), 1e-12, "element " + i);
        }
    }

    @Test
    void aHuberRegressionNetworkSurvivesDl4jsJson() {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(
                Dl4jConfigurations.of(ModelSpec.parse("mlp:8"), 3, Objective.huber(0.25), 1));
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        assertEquals(new LossHuber(0.25), ((org.deeplearning4j.nn.conf.layers.OutputLayer) back.getConf(1).getLayer())
                .getLossFn());
    }
}
