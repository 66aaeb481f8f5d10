package org.adanspark.spark.model.dl4j;

import org.adanspark.spark.model.Replica;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J network leased from the executor's {@link NetworkCache}, behind the port's {@link Replica}.
 *
 * <p>DL4J's {@code computeGradientAndScore} gives the gradient of the <em>summed</em> loss over the
 * micro-batch (its updater divides by the batch size later) and the <em>mean</em> loss as the score, so
 * gradients are added as they come (in ND4J, on the network's device) and the score is weighted by the
 * micro-batch size. For token windows DL4J's score sums the loss over a window's positions; the loss
 * returned is divided by the positions (nats per token), the gradient is left as DL4J gives it. Dropout
 * draws from ND4J's per-thread generator, reseeded for each micro-batch.
 */
final class Dl4jReplica implements Replica {

    private final Dl4jModel model;
    private final String key;
    private final Network network;
    private INDArray sum;

    Dl4jReplica(Dl4jModel model, String key, Network network) {
        this.model = model;
        this.key = key;
        this.network = network;
    }

    @Override
    public double addGradient(float[] x, float[] labels, int m, int positions, long seed) {
        int outputs = labels.length / (m * positions);
        long[] labelShape = positions == 1 ? new long[] {m, outputs} : new long[] {m, outputs, positions};
        Nd4j.getRandom().setSeed(seed);
        double score = network.computeGradientAndScore(model.input(x, m), Nd4j.create(labels, labelShape, 'c'));
        INDArray g = network.gradients();
        if (sum == null) {
            sum = g.dup();
        } else {
            sum.addi(g);
        }
        return score * m / positions; // a token window's score sums its positions: per token
    }

    @Override
    public float[] gradientSum() {
        return sum == null ? null : sum.toFloatVector();
    }

    @Override
    public float[] output(float[] x, int m) {
        return network.output(model.input(x, m)).dup('c').data().asFloat();
    }

    @Override
    public void close() {
        sum = null;
        network.clear();
        NetworkCache.release(key, network);
    }
}
