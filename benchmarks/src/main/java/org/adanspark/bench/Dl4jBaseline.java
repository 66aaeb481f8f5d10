package org.adanspark.bench;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.adanspark.optim.dl4j.AdanUpdater;
import org.adanspark.spark.data.FeatureBlock;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.dl4j.Dl4jConfigurations;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** What the DL4J baselines share: our model presets with DL4J's Adan updater, and blocks as DL4J minibatches. */
final class Dl4jBaseline {

    private Dl4jBaseline() {
    }

    /**
     * @param model a {@code --model} preset
     * @param inputs features per example
     * @param classes output classes
     * @param lr Adan's learning rate
     * @return the preset's configuration (seed 42) with adan-core's {@link AdanUpdater} on every layer;
     *     the trainer's presets carry no DL4J updater, since our optimizer runs on the driver
     */
    static MultiLayerConfiguration withAdan(String model, int inputs, int classes, double lr) {
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(Dl4jConfigurations.of(ModelSpec.parse(model), inputs, classes, 42));
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            if (layer.getLayer() instanceof BaseLayer b) {
                b.setIUpdater(new AdanUpdater(lr));
            }
        }
        return conf;
    }

    /**
     * @param block the rows
     * @param batch rows per minibatch
     * @param classes width of the one-hot labels
     * @return the block's rows in order as minibatches of {@code batch} rows, the last one shorter, each
     *     built only when asked for
     */
    static Iterator<DataSet> minibatches(FeatureBlock block, int batch, int classes) {
        return new Iterator<>() {
            private int from;

            @Override
            public boolean hasNext() {
                return from < block.rows();
            }

            @Override
            public DataSet next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int m = Math.min(batch, block.rows() - from);
                int[] order = new int[m];
                for (int i = 0; i < m; i++) {
                    order[i] = from + i;
                }
                from += m;
                float[] x = new float[m * block.dim()];
                float[] y = new float[m * classes];
                block.gather(order, 0, m, classes, x, y);
                return new DataSet(Nd4j.create(x, new long[] {m, block.dim()}, 'c'),
                        Nd4j.create(y, new long[] {m, classes}, 'c'));
            }
        };
    }
}
