package org.adanspark.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.adanspark.spark.data.TrainTestData;
import org.adanspark.spark.ml.AdanNetClassificationModel;
import org.adanspark.spark.ml.AdanNetClassifier;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.knowm.xchart.CategoryChart;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Prediction throughput: rows per second of {@code transform} for fitted models, side by side in one
 * {@code local[2]} session on the same cached Fashion-MNIST test rows, the prediction column collected to
 * the driver (what a user's {@code transform(...).select("prediction").collect()} costs):
 * <ul>
 *   <li>Spark's {@link MultilayerPerceptronClassifier} (784-128-10, sigmoid), the bar;</li>
 *   <li>{@link AdanNetClassificationModel} of the same network, batched ({@code transform});</li>
 *   <li>the same model row at a time: a UDF over {@code predictRaw}, the work Spark's default
 *       {@code transform} does per row (what {@code transform} did before it was batched);</li>
 *   <li>an {@code AdanNetClassificationModel} of the {@code resnet} preset, a {@code ComputationGraph};</li>
 *   <li>the same small CNN with batch normalisation on both compute backends: the README's TorchScript module
 *       ({@link #TORCH_CNN}) and its network as a DL4J configuration ({@link #batchNormCnn()}).</li>
 * </ul>
 * Each is timed {@link #REPEATS} times after one warm-up; the median is reported. The models are fitted
 * briefly first (their quality is not the point; the fits are not timed).
 *
 * <p>Usage: {@code bin/adan-bench predict [--quick] [--out-dir DIR]}. Full: 10,000 rows (a minute or two
 * on 2 cores). Quick: 1,000 rows, one timed run each, briefly fitted models.
 */
public final class PredictBenchmark {

    /** Timed runs per model after the warm-up (1 in quick mode). */
    static final int REPEATS = 5;

    private PredictBenchmark() {
    }

    /**
     * @param args {@code --quick}, {@code --out-dir DIR}
     */
    public static void main(String[] args) throws IOException {
        BenchOptions options = BenchOptions.parse("predict", args);
        Machine machine = Machine.current();
        System.out.println("predict (" + options.mode() + ") on " + machine);
        boolean quick = options.quick();
        int rows = quick ? 1000 : 10_000;
        int repeats = quick ? 1 : REPEATS;
        SparkSession spark = BenchSpark.session("adan-bench-predict", 2);
        ResultTable table = new ResultTable("model", "network", "path", "rows", "median_s", "rows_per_sec",
                "ratio_to_mlpc");
        try {
            TrainTestData data = BenchSpark.fashionMnist(spark, quick ? 1000 : 10_000, rows);
            Dataset<Row> train = MlpcBenchmark.frame(spark, data.train()).repartition(2).cache();
            Dataset<Row> test = MlpcBenchmark.frame(spark, data.test()).repartition(2).cache();
            System.out.printf(Locale.ROOT, "%d test rows in %d partitions%n", test.count(), test.rdd().getNumPartitions());
            train.count();
            data.release();

            MultilayerPerceptronClassificationModel mlpc = new MultilayerPerceptronClassifier()
                    .setLayers(new int[] {784, 128, 10}).setMaxIter(quick ? 1 : 5).setSeed(42L).fit(train);
            AdanNetClassificationModel mlp = new AdanNetClassifier().setModelSpec("mlp:128:activation=sigmoid")
                    .setGlobalBatchSize(1000).setMaxEpochs(1).setSeed(42L).fit(train);
            AdanNetClassificationModel resnet = new AdanNetClassifier().setModelSpec("resnet:depth=8:width=8")
                    .setGlobalBatchSize(500).setMaxEpochs(1).setSeed(42L).fit(train.limit(quick ? 500 : 2000));

            System.out.println(table.header());
            double mlpcSeconds = median(repeats, () -> mlpc.transform(test).select("prediction"));
            System.out.println(table.add("MultilayerPerceptronClassifier", "784-128-10 sigmoid", "Spark ML", rows,
                    mlpcSeconds, rows / mlpcSeconds, 1.0));
            double batched = median(repeats, () -> mlp.transform(test).select("prediction"));
            System.out.println(table.add("AdanNetClassificationModel", "784-128-10 sigmoid (layer stack)",
                    "batched transform", rows, batched, rows / batched, mlpcSeconds / batched));
            UDF1<Vector, Vector> perRow = mlp::predictRaw;
            spark.udf().register("predict_raw_per_row", perRow, SQLDataTypes.VectorType());
            double rowAtATime = median(repeats, () -> test.select(functions.callUDF("predict_raw_per_row", functions.col("features"))));
            System.out.println(table.add("AdanNetClassificationModel", "784-128-10 sigmoid (layer stack)",
                    "row at a time (predictRaw per row)", rows, rowAtATime, rows / rowAtATime, mlpcSeconds / rowAtATime));
            double graph = median(repeats, () -> resnet.transform(test).select("prediction"));
            System.out.println(table.add("AdanNetClassificationModel", "resnet:depth=8:width=8 (graph)",
                    "batched transform", rows, graph, rows / graph, mlpcSeconds / graph));

            // the same small batch-normalised CNN on either backend: a TorchScript module and a DL4J configuration
            Path cnnJson = Files.createTempFile("adan-bench-cnn", ".json");
            Files.writeString(cnnJson, batchNormCnn());
            AdanNetClassificationModel dl4jCnn = new AdanNetClassifier().setModelSpec("json:" + cnnJson)
                    .setGlobalBatchSize(500).setMaxEpochs(1).setSeed(42L).fit(train.limit(quick ? 500 : 2000));
            AdanNetClassificationModel torchCnn = new AdanNetClassifier()
                    .setModelSpec("torchscript:" + TORCH_CNN.toAbsolutePath()).setGlobalBatchSize(500).setMaxEpochs(1)
                    .setSeed(42L).fit(train.limit(quick ? 500 : 2000));
            double dl4jCnnSeconds = median(repeats, () -> dl4jCnn.transform(test).select("prediction"));
            System.out.println(table.add("AdanNetClassificationModel", "CNN with batch norm (DL4J backend)",
                    "batched transform", rows, dl4jCnnSeconds, rows / dl4jCnnSeconds, mlpcSeconds / dl4jCnnSeconds));
            double torchCnnSeconds = median(repeats, () -> torchCnn.transform(test).select("prediction"));
            System.out.println(table.add("AdanNetClassificationModel", "CNN with batch norm (PyTorch backend)",
                    "batched transform", rows, torchCnnSeconds, rows / torchCnnSeconds, mlpcSeconds / torchCnnSeconds));
            Files.delete(cnnJson);

            String notes = String.format(Locale.ROOT, "local[2], %d cached Fashion-MNIST test rows in 2 partitions; "
                    + "each path timed %d times after one warm-up, median reported; time = transform + select + "
                    + "collect of the prediction column. ratio_to_mlpc = rows/s over MLPC's rows/s.", rows, repeats);
            table.write(options, options.file(".csv"), machine, notes);
            plot(options, table);
        } finally {
            spark.stop();
        }
    }

    /** The README's TorchScript CNN (examples/torchscript/make_fashion_cnn.py), from the project root. */
    static final Path TORCH_CNN = Path.of("examples/torchscript/fashion_cnn.pt");

    /**
     * @return {@link #TORCH_CNN}'s network as a DL4J configuration: 3×3 convolutions of 16 and 32 channels
     *     without bias, each with batch normalisation, ReLU and 2×2 max-pooling, then the softmax output
     */
    static String batchNormCnn() {
        return new NeuralNetConfiguration.Builder().seed(42).dataType(DataType.FLOAT).updater(new NoOp()).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(16).padding(1, 1).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).padding(1, 1).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build().toJson();
    }

    /** Median wall seconds of collecting {@code frame} {@code repeats} times, after one untimed warm-up. */
    private static double median(int repeats, Supplier<Dataset<Row>> frame) {
        frame.get().collectAsList();
        double[] seconds = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            frame.get().collectAsList();
            seconds[i] = (System.nanoTime() - t) / 1e9;
        }
        Arrays.sort(seconds);
        return seconds[repeats / 2];
    }

    private static void plot(BenchOptions options, ResultTable table) {
        CategoryChart chart = Charts.bars("transform throughput, Fashion-MNIST rows, local[2]", "", "rows / s");
        for (List<String> row : table.rows()) {
            String name = row.get(0).replace("ClassificationModel", "").replace("MultilayerPerceptronClassifier", "MLPC")
                    + (row.get(1).contains("graph") ? " resnet" : row.get(1).contains("DL4J backend") ? " CNN, DL4J"
                    : row.get(1).contains("PyTorch backend") ? " CNN, PyTorch" : "") + ", " + row.get(2);
            chart.addSeries(name, List.of(" "), List.of(Double.parseDouble(row.get(5))));
        }
        Charts.save(options.file(".png"), 1, List.of(chart));
    }
}
