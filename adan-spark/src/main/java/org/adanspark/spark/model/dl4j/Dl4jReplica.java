package org.adanspark.spark.model.dl4j;

import java.util.List;
import org.adanspark.spark.model.ParamRoles;
import org.adanspark.spark.model.Replica;
import org.adanspark.spark.model.ReplicaPool;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A DL4J network leased from the executor's {@link ReplicaPool}, behind the port's {@link Replica}.
 *
 * <p>DL4J's {@code computeGradientAndScore} gives the gradient of the <em>summed</em> loss over the
 * micro-batch (its updater divides by the batch size later) and the <em>mean</em> loss as the score, so
 * gradients are added as they come (in ND4J, on the network's device) and the score is weighted by the
 * micro-batch size. For token windows DL4J's score sums the loss over a window's positions; the loss
 * returned is divided by the positions (nats per token), the gradient is left as DL4J gives it. Dropout
 * draws from ND4J's per-thread generator, reseeded for each micro-batch.
 *
 * <p>A statistic's slots ({@link ParamRoles.Role#STATISTIC}: batch normalisation's running mean and
 * variance) hold the change DL4J's layer makes to it for the micro-batch, which DL4J's updater applies as it
 * is; the replica weights it by the micro-batch's examples, so the step's sum divided by its examples is the
 * example-weighted mean change. A frozen layer's slots are zero.
 */
final class Dl4jReplica implements Replica {

    private final Dl4jModel model;
    private final ReplicaPool.Key key;
    private final Network network;
    private final List<ParamRoles.Range> nonTrained;
    private INDArray sum;

    Dl4jReplica(Dl4jModel model, ReplicaPool.Key key, Network network, List<ParamRoles.Range> nonTrained) {
        this.model = model;
        this.key = key;
        this.network = network;
        this.nonTrained = nonTrained;
    }

    @Override
    public double addGradient(float[] x, float[] labels, int m, int positions, long seed) {
        int outputs = labels.length / (m * positions);
        long[] labelShape = positions == 1 ? new long[] {m, outputs} : new long[] {m, outputs, positions};
        Nd4j.getRandom().setSeed(seed);
        double score = network.computeGradientAndScore(model.input(x, m), Nd4j.create(labels, labelShape, 'c'));
        INDArray g = network.gradients();
        if (!nonTrained.isEmpty()) {
            g = g.dup();
            for (ParamRoles.Range r : nonTrained) {
                INDArray part = g.rank() == 2 ? g.get(NDArrayIndex.point(0), NDArrayIndex.interval(r.from(), r.to()))
                        : g.get(NDArrayIndex.interval(r.from(), r.to()));
                if (r.role() == ParamRoles.Role.STATISTIC) {
                    part.muli(m); // the layer's change to its statistic, weighted by the micro-batch's examples
                } else {
                    part.assign(0);
                }
            }
        }
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
        ReplicaPool.release(key, network);
    }
}
