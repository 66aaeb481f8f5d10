package org.adanspark.spark.model.torch;

import org.adanspark.spark.model.Replica;
import org.adanspark.spark.model.ReplicaPool;

/**
 * A module (TorchScript or a preset) borrowed from the executor's {@link ReplicaPool}, behind the port's
 * {@link Replica}. The gradient is the summed loss's (over examples, and a token window's positions), as the
 * port asks; the loss returned is per token for token windows, as DL4J's replica's. Buffers' slots hold the
 * change each micro-batch made to them times its examples ({@link TorchModule#addGradient}), the rule of
 * {@code ParamRoles.Role.STATISTIC}.
 */
final class TorchReplica implements Replica {

    private final ReplicaPool.Key key;
    private final TorchModule module;
    private float[] sum;

    TorchReplica(ReplicaPool.Key key, TorchModule module) {
        this.key = key;
        this.module = module;
    }

    @Override
    public double addGradient(float[] x, float[] labels, int m, int positions, long seed) {
        if (sum == null) {
            sum = new float[module.length()];
        }
        return module.addGradient(x, labels, m, seed, sum) / positions; // a token window's: per token
    }

    @Override
    public float[] gradientSum() {
        return sum == null ? null : sum.clone();
    }

    @Override
    public float[] output(float[] x, int m) {
        return module.output(x, m);
    }

    @Override
    public void close() {
        sum = null;
        ReplicaPool.release(key, module);
    }
}
