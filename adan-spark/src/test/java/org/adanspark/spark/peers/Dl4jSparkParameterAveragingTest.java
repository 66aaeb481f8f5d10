package org.adanspark.spark.peers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.adanspark.io.DataSetLocator;
import org.adanspark.io.IdxReader;
import org.adanspark.optim.dl4j.AdanUpdater;
import org.adanspark.spark.testing.SparkTestSession;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * For DL4J-on-Spark users: adan-core's Adan {@code IUpdater} trains through dl4j-spark's
 * {@code SparkDl4jMultiLayer} with {@code ParameterAveragingTrainingMaster}, on our Spark 4 / Scala 2.13
 * classpath (dl4j-spark is a test-scope dependency only). Each worker runs its own Adan on its own
 * minibatches and the master averages parameters (and updater state) every few minibatches — unlike
 * adan-spark's trainer, which all-reduces gradients so one Adan steps on the whole global batch.
 */
class Dl4jSparkParameterAveragingTest {

    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkTestSession.start();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static List<DataSet> mnist(String images, String labels, int limit, int batch) throws Exception {
        var dir = new DataSetLocator(null).locate("mnist", images + ".gz", labels + ".gz");
        IdxReader.UnsignedBytes x = IdxReader.readUnsignedBytes(dir.resolve(images + ".gz"));
        IdxReader.UnsignedBytes y = IdxReader.readUnsignedBytes(dir.resolve(labels + ".gz"));
        List<DataSet> out = new ArrayList<>();
        int dim = x.itemSize();
        int n = Math.min(limit, x.count());
        for (int from = 0; from < n; from += batch) {
            int m = Math.min(batch, n - from);
            float[] f = new float[m * dim];
            float[] l = new float[m * 10];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < dim; j++) {
                    f[i * dim + j] = (x.data()[(from + i) * dim + j] & 0xFF) / 255f;
                }
                l[i * 10 + (y.data()[from + i] & 0xFF)] = 1f;
            }
            out.add(new DataSet(Nd4j.create(f, new long[] {m, dim}, 'c'), Nd4j.create(l, new long[] {m, 10}, 'c')));
        }
        return out;
    }

    @Test
    void adanTrainsThroughParameterAveraging() throws Exception {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<DataSet> train = mnist("train-images-idx3-ubyte", "train-labels-idx1-ubyte", 8000, 64);
        List<DataSet> test = mnist("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", 2000, 500);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(12).dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER).updater(new AdanUpdater(1e-2)).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .build();
        ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(64)
                .batchSizePerWorker(64).averagingFrequency(5).workerPrefetchNumBatches(0)
                // Direct: no export of the data set to the default file system (a local one in tests)
                .rddTrainingApproach(RDDTrainingApproach.Direct).build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(jsc, conf, master);
        JavaRDD<DataSet> rdd = jsc.parallelize(train, 2);
        for (int epoch = 0; epoch < 2; epoch++) {
            net.fit(rdd);
        }
        Evaluation eval = new Evaluation(10);
        for (DataSet d : test) {
            eval.eval(d.getLabels(), net.getNetwork().output(d.getFeatures()));
        }
        System.out.printf("dl4j-spark parameter averaging with AdanUpdater(1e-2), MNIST 8k, 2 epochs: test accuracy %.4f%n",
                eval.accuracy());
        assertTrue(eval.accuracy() > 0.85, "accuracy " + eval.accuracy());
    }
}
