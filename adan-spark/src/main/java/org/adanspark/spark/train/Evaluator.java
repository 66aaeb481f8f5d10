package org.adanspark.spark.train;

import org.adanspark.spark.data.BlockDataset;
import org.adanspark.spark.data.FeatureBlock;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Classification accuracy of parameters θ on a cached data set, computed where the blocks live. */
public final class Evaluator {

    private static final int BATCH = 1024;

    private Evaluator() {
    }

    /**
     * @param jsc the Spark context
     * @param data the data set
     * @param modelJson the network configuration
     * @param params θ
     * @return the fraction of rows whose arg-max prediction equals the label
     */
    public static double accuracy(JavaSparkContext jsc, BlockDataset data, String modelJson, float[] params) {
        Broadcast<float[]> theta = jsc.broadcast(params.clone());
        try {
            long correct = data.blocks().map(block -> correct(block, modelJson, theta.value())).reduce(Long::sum);
            return (double) correct / data.rows();
        } finally {
            theta.destroy();
        }
    }

    private static long correct(FeatureBlock block, String modelJson, float[] params) {
        if (block.rows() == 0) {
            return 0L;
        }
        MultiLayerNetwork net = NetworkPool.borrow(modelJson);
        try {
            net.setParams(Nd4j.create(params, new long[] {1, params.length}, 'c'));
            int dim = block.dim();
            long correct = 0;
            for (int from = 0; from < block.rows(); from += BATCH) {
                int m = Math.min(BATCH, block.rows() - from);
                float[] x = new float[m * dim];
                System.arraycopy(block.features(), from * dim, x, 0, m * dim);
                INDArray out = net.output(Nd4j.create(x, new long[] {m, dim}, 'c'), false);
                INDArray predicted = out.argMax(1);
                for (int i = 0; i < m; i++) {
                    if (predicted.getInt(i) == (int) block.labels()[from + i]) {
                        correct++;
                    }
                }
            }
            return correct;
        } finally {
            NetworkPool.release(modelJson, net);
        }
    }
}
