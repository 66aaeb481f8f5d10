package org.adanspark.optim.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.adanspark.io.DataSetLocator;
import org.adanspark.io.IdxReader;
import org.adanspark.optim.Adan;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.optim.Precision;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ScheduleType;

class AdanUpdaterTest {

    @Test
    void configSurvivesDl4jJsonRoundTrip() {
        AdanUpdater updater = new AdanUpdater(5e-3, 0.98, 0.9, 0.995, 1e-7);
        MultiLayerConfiguration conf = mlp(updater, 10, 8, 3);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        DenseLayer layer = (DenseLayer) back.getConf(0).getLayer();
        assertEquals(updater, layer.getIUpdater());

        AdanUpdater scheduled = new AdanUpdater(new ExponentialSchedule(ScheduleType.ITERATION, 1e-2, 0.99));
        assertEquals(scheduled, ((DenseLayer) MultiLayerConfiguration.fromJson(mlp(scheduled, 4, 4, 2).toJson())
                .getConf(0).getLayer()).getIUpdater());
    }

    @Test
    void ndarrayUpdaterMatchesTheFusedAdanKernel() {
        int n = 257;
        AdanUpdater config = new AdanUpdater(1e-2, 0.98, 0.92, 0.99, 1e-8);
        INDArray view = Nd4j.zeros(DataType.DOUBLE, 1, 4L * n);
        GradientUpdater<?> dl4j = config.instantiate(view, true);
        Adan adan = Adan.builder().lr(1e-2).weightDecay(0).build(); // DL4J regularization decays, not the updater
        OptimizerState state = adan.init(ParamLayout.of(n), Precision.FLOAT64);
        SplittableRandom rnd = new SplittableRandom(11);
        double[] pCore = rnd.doubles(n, -1, 1).toArray();
        INDArray pDl4j = Nd4j.createFromArray(pCore.clone()).reshape(1, n);
        for (int it = 0; it < 30; it++) {
            double[] g = rnd.doubles(n, -1, 1).toArray();
            adan.step(state, pCore, g);
            INDArray grad = Nd4j.createFromArray(g.clone()).reshape(1, n);
            dl4j.applyUpdater(grad, it, 0);
            pDl4j.subi(grad);
        }
        double[] got = pDl4j.toDoubleVector();
        for (int i = 0; i < n; i++) {
            // Same operations, grouped differently when DL4J subtracts one combined update: a few ulps per step.
            assertEquals(pCore[i], got[i], 30 * 16 * Math.ulp(1.0) * (Math.abs(pCore[i]) + 1e-2), "param " + i);
        }
    }

    /**
     * Real data, side by side with DL4J's own Adam on the same network, data and seed: Adan at ten times
     * Adam's default rate (the paper's guidance of 5-10x) must learn at least as well.
     */
    @Test
    void trainsAnMlpOnMnistAsWellAsDl4jAdam() throws IOException {
        Path dir = new DataSetLocator(null).locate("mnist", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
        DataSet train = load(dir, "train", 12_000);
        DataSet test = load(dir, "t10k", 2_000);
        double adan = accuracyAfterTwoEpochs(new AdanUpdater(1e-2), train, test);
        double adam = accuracyAfterTwoEpochs(new Adam(1e-3), train, test);
        assertTrue(adan >= 0.90, "Adan MNIST test accuracy after 2 epochs on 12k images: " + adan);
        assertTrue(adan >= adam, "Adan " + adan + " vs DL4J Adam " + adam);
    }

    private static double accuracyAfterTwoEpochs(IUpdater updater, DataSet train, DataSet test) {
        MultiLayerNetwork net = new MultiLayerNetwork(mlp(updater, 784, 128, 10));
        net.init();
        for (int epoch = 0; epoch < 2; epoch++) {
            for (DataSet batch : train.batchBy(128)) {
                net.fit(batch);
            }
        }
        INDArray predicted = net.output(test.getFeatures()).argMax(1);
        INDArray actual = test.getLabels().argMax(1);
        return predicted.eq(actual).castTo(DataType.DOUBLE).meanNumber().doubleValue();
    }

    private static MultiLayerConfiguration mlp(IUpdater updater, int in, int hidden, int out) {
        return new NeuralNetConfiguration.Builder()
                .seed(12345)
                .updater(updater)
                .weightDecay(1e-4, true)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(in).nOut(hidden).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(out)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    private static DataSet load(Path dir, String split, int limit) throws IOException {
        IdxReader.UnsignedBytes images = IdxReader.readUnsignedBytes(dir.resolve(split + "-images-idx3-ubyte.gz"));
        IdxReader.UnsignedBytes labels = IdxReader.readUnsignedBytes(dir.resolve(split + "-labels-idx1-ubyte.gz"));
        int n = Math.min(limit, images.count());
        float[] x = new float[n * 784];
        float[] y = new float[n * 10];
        for (int i = 0; i < n * 784; i++) {
            x[i] = (images.data()[i] & 0xFF) / 255f;
        }
        for (int i = 0; i < n; i++) {
            y[i * 10 + (labels.data()[i] & 0xFF)] = 1f;
        }
        return new DataSet(Nd4j.create(x, new long[] {n, 784}), Nd4j.create(y, new long[] {n, 10}));
    }
}
