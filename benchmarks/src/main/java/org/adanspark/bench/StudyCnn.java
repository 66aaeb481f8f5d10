package org.adanspark.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.runtime.BlasKernel;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The large-batch study's CNN workload (docs/BENCHMARKS.md §3): a small convolutional network with batch
 * normalisation for 28×28 grey images, as a DL4J configuration trained through {@code json:PATH}:
 * <pre>
 *   conv 5×5 stride 2, 16 channels (no bias) → batch norm → ReLU          28×28 → 12×12
 *   conv 3×3 stride 2, 32 channels (no bias) → batch norm → ReLU          12×12 → 5×5
 *   softmax output over the 800 features
 * </pre>
 * About 0.2 M multiply-adds per example forward, so that the study's design — at least 40 steps at a global
 * batch of 32k, 20 epochs of Fashion-MNIST for every batch — fits in hours on two cores (LeNet needs ~2.3 M
 * and about 20 hours). Strided convolutions take the pooling layers' place. Batch normalisation's running
 * statistics follow DL4J's own rule (docs/MODELS.md, "Batch normalisation and frozen layers").
 */
final class StudyCnn {

    static {
        // the native build and the BLAS kernel, before DL4J's builders first reach ND4J
        ComputeBackend.named("dl4j").runtime().prepareJvm(BlasKernel.requested());
    }

    /** The file name the configuration is written under in the study's output directory. */
    static final String FILE = "study-cnn.json";

    private StudyCnn() {
    }

    /**
     * @return the configuration's JSON, float32, no updater of its own (the run's optimizer trains it); the
     *     seed written in it is replaced by each run's {@code --seed}, which draws the initial weights
     */
    static String configuration() {
        return new NeuralNetConfiguration.Builder()
                .seed(2208_06677L)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(new NoOp())
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).stride(2, 2).nOut(16).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(32).hasBias(false)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .weightInit(WeightInit.XAVIER).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build().toJson();
    }

    /**
     * Writes the configuration where the study's runs read it.
     *
     * @param dir the study's output directory
     * @return the {@code --model} spec, {@code json:} and the file: what the log records of the model, so a
     *     resumed study checks it is the same
     */
    static String write(Path dir) {
        Path file = dir.resolve(FILE); // relative to the repository, as the log records it, where dir is
        try {
            Files.createDirectories(dir);
            Files.writeString(file, configuration(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the study's CNN configuration to " + file + ": "
                    + e.getMessage(), e);
        }
        return "json:" + file;
    }
}
