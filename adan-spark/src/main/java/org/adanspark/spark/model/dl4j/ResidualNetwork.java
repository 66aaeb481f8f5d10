package org.adanspark.spark.model.dl4j;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * The {@code resnet} preset: a small residual CNN in the CIFAR ResNet shape (He et al. 2016, §4.2) for
 * 28×28 or 32×32 images, as a DL4J {@code ComputationGraph}:
 * <pre>
 *   conv 3×3 (w) → 3 stages of n basic blocks (w, 2w, 4w channels; stages 2 and 3 start with stride 2)
 *   → global average pooling → output layer          depth = 6n + 2 weight layers
 * </pre>
 * A basic block is {@code act(x + conv(act(conv(x))))}, with a 1×1 stride-2 projection on the shortcut
 * where the shape changes. There is no batch normalisation: DL4J keeps its running statistics as
 * parameters that the layer itself moves, which a step over all parameters would corrupt. Instead the
 * second convolution of every residual branch starts at zero (as in Fixup, Zhang et al. 2019), so the
 * network starts as its shortcut path and trains stably without normalisation.
 */
public final class ResidualNetwork {

    private ResidualNetwork() {
    }

    /**
     * @param channels input channels (1 or 3)
     * @param side input height = width (28 or 32)
     * @param depth weight layers, {@code 6n + 2} with {@code n ≥ 1}
     * @param width channels of the first stage
     * @param activation the hidden activation
     * @param output the output layer (its loss and activation come from the objective)
     * @param seed weight-initialisation seed
     * @return the configuration's JSON; it takes flat rows of {@code channels × side × side} values
     */
    public static String configuration(int channels, int side, int depth, int width, Activation activation,
                                       OutputLayer output, long seed) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException("resnet depth must be 6n + 2 with n >= 1 (8, 14, 20, …), got " + depth);
        }
        int blocks = (depth - 2) / 6;
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(new NoOp())
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutionalFlat(side, side, channels));
        g.addLayer("stem", conv(3, 1, width, activation, WeightInit.RELU), "input");
        String last = "stem";
        int channelsIn = width;
        for (int stage = 0; stage < 3; stage++) {
            int out = width << stage;
            for (int b = 0; b < blocks; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                String name = "s" + (stage + 1) + "b" + (b + 1);
                g.addLayer(name + "_conv1", conv(3, stride, out, activation, WeightInit.RELU), last);
                g.addLayer(name + "_conv2", conv(3, 1, out, Activation.IDENTITY, WeightInit.ZERO), name + "_conv1");
                String shortcut = last;
                if (stride != 1 || channelsIn != out) {
                    shortcut = name + "_proj";
                    g.addLayer(shortcut, conv(1, stride, out, Activation.IDENTITY, WeightInit.XAVIER), last);
                }
                g.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_conv2", shortcut);
                g.addLayer(name, new ActivationLayer.Builder().activation(activation).build(), name + "_add");
                last = name;
                channelsIn = out;
            }
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
        g.addLayer("output", output, "pool");
        g.setOutputs("output");
        return g.build().toJson();
    }

    private static ConvolutionLayer conv(int kernel, int stride, int out, Activation activation, WeightInit init) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).nOut(out).activation(activation)
                .weightInit(init).build();
    }
}
