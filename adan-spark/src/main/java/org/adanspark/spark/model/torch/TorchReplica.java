package org.adanspark.spark.model.torch;

import org.adanspark.spark.model.Replica;

/**
 * A module (TorchScript or a preset) borrowed from the executor's {@link ModulePool}, behind the port's {@link Replica}.
 * The gradient is the summed loss's, as the port asks; buffers' slots hold the change each micro-batch made
 * to them times its examples ({@link TorchModule#addGradient}), the rule of {@code ParamRoles.Role.STATISTIC}.
 */
final class TorchReplica implements Replica {

    private final String key;
    private final TorchModule module;
    private float[] sum;

    TorchReplica(String key, TorchModule module) {
        this.key = key;
        this.module = module;
    }

    @Override
    public double addGradient(float[] x, float[] labels, int m, int positions, long seed) {
        if (positions != 1) {
            throw new IllegalStateException("the PyTorch backend does not train models over token windows");
        }
        if (sum == null) {
            sum = new float[module.length()];
        }
        return module.addGradient(x, labels, m, seed, sum);
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
        ModulePool.release(key, module);
    }
}
