package org.adanspark.spark.model.dl4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.Failures;
import org.adanspark.spark.model.DefinitionFile;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.Objective;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * DL4J configurations of the {@link ModelSpec}s: the presets built for the data's shape, and {@code json:}
 * files read and checked. Every preset is float32, has no DL4J updater or regularisation (the run's
 * optimizer, weight decay included, trains it) and ends in the {@link Objective}'s output layer.
 */
public final class Dl4jConfigurations {

    static {
        Nd4jVariant.select(); // ND4J's native build and the BLAS kernel, before this class first reaches ND4J
    }

    private Dl4jConfigurations() {
    }

    /**
     * Builds the network configuration of a classifier.
     *
     * @param spec the model
     * @param inputs features per example
     * @param classes number of classes
     * @param seed weight-initialisation seed
     * @return the configuration's JSON, float32, ending in softmax cross-entropy
     * @throws IllegalArgumentException when the spec does not fit the data (e.g. lenet on non-28×28 input)
     */
    public static String of(ModelSpec spec, int inputs, int classes, long seed) {
        if (spec instanceof ModelSpec.Definition d) {
            return withSeed(readJson(d), seed); // keeps its own output layer
        }
        return of(spec, inputs, Objective.classification(classes), seed);
    }

    /**
     * Builds the network configuration.
     *
     * @param spec the model
     * @param inputs values per example at the input: features, or a token window's length for {@code charlm}
     * @param objective the output layer and loss of a preset (a {@code json:} model keeps its own); for
     *     {@code charlm}, classification over the vocabulary
     * @param seed weight-initialisation seed; it replaces the seed a {@code json:} configuration carries, so
     *     {@code --seed} draws every model's initial weights
     * @return the configuration's JSON (a layer stack, or a graph for {@code resnet} and graph JSON), float32
     * @throws IllegalArgumentException when the spec does not fit the data (e.g. lenet on non-28×28 input)
     */
    public static String of(ModelSpec spec, int inputs, Objective objective, long seed) {
        if (spec instanceof ModelSpec.Definition d) {
            return withSeed(readJson(d), seed);
        }
        if (spec instanceof ModelSpec.ResNet r) {
            int[] image = image(inputs);
            return ResidualNetwork.configuration(image[0], image[1], r.depth(), r.width(), activation(r.hidden()),
                    output(objective, r.hidden().retain()), seed);
        }
        if (spec instanceof ModelSpec.CharLm c) {
            if (!objective.isClassification()) {
                throw new IllegalArgumentException("model 'charlm' predicts tokens; it cannot be a regressor");
            }
            return CharacterModel.configuration(objective.outputs(), inputs, c.body(), c.layers(), c.width(), c.heads(),
                    seed);
        }
        if (spec instanceof ModelSpec.LeNet l) {
            if (inputs != 28 * 28) {
                throw new IllegalArgumentException("model 'lenet' needs 28×28 = 784 features per example, the data has "
                        + inputs);
            }
            return stack(seed)
                    .layer(new ConvolutionLayer.Builder(5, 5).nIn(1).nOut(20).stride(1, 1)
                            .activation(Activation.IDENTITY).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                            .stride(2, 2).build())
                    .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).stride(1, 1)
                            .activation(Activation.IDENTITY).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                            .stride(2, 2).build())
                    .layer(dense(500, activation(l.hidden()), 1.0))
                    .layer(output(objective, l.hidden().retain()))
                    .setInputType(InputType.convolutionalFlat(28, 28, 1))
                    .build().toJson();
        }
        NeuralNetConfiguration.ListBuilder list = stack(seed);
        double retain = 1.0;
        if (spec instanceof ModelSpec.Mlp m) {
            int[] widths = m.widths();
            retain = m.hidden().retain();
            for (int i = 0; i < widths.length; i++) {
                list.layer(dense(widths[i], activation(m.hidden()), i == 0 ? 1.0 : retain));
            }
        }
        return list.layer(output(objective, retain)).setInputType(InputType.feedForward(inputs)).build().toJson();
    }

    private static NeuralNetConfiguration.ListBuilder stack(long seed) {
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new NoOp())
                .list();
    }

    /** @return DL4J's activation of a preset's hidden layers */
    static Activation activation(ModelSpec.Hidden hidden) {
        return Activation.valueOf(hidden.activation().name());
    }

    /** {channels, side} of a square image of 1 or 3 channels and side 28 or 32 flattened to {@code inputs}. */
    private static int[] image(int inputs) {
        for (int channels : new int[] {1, 3}) {
            for (int side : new int[] {28, 32}) {
                if (channels * side * side == inputs) {
                    return new int[] {channels, side};
                }
            }
        }
        throw new IllegalArgumentException("model 'resnet' takes 28×28 or 32×32 images of 1 or 3 channels (784, 1024, "
                + "2352 or 3072 features per example), the data has " + inputs);
    }

    // DL4J applies a layer's dropOut to that layer's input, and takes the probability of keeping a unit:
    // dropping hidden units means setting it on the layer after each hidden layer.
    private static DenseLayer dense(int width, Activation activation, double retainInputs) {
        DenseLayer.Builder b = new DenseLayer.Builder().nOut(width).activation(activation);
        if (retainInputs < 1.0) {
            b.dropOut(retainInputs);
        }
        return b.build();
    }

    private static OutputLayer output(Objective objective, double retainInputs) {
        OutputLayer.Builder b = new OutputLayer.Builder().lossFunction(loss(objective)).nOut(objective.outputs())
                .activation(objective.isClassification() ? Activation.SOFTMAX : Activation.IDENTITY);
        if (retainInputs < 1.0) {
            b.dropOut(retainInputs);
        }
        return b.build();
    }

    /** @return DL4J's loss of an objective */
    static ILossFunction loss(Objective objective) {
        if (objective.isClassification()) {
            return new LossMCXENT();
        }
        return objective.regressionLoss() == Objective.RegressionLoss.SQUARED ? new LossMSE()
                : new LossHuber(objective.huberDelta());
    }

    /**
     * For a {@code json:} configuration, its input and output widths, so the data can be checked against it.
     *
     * @param spec the file
     * @return {@code {inputs, classes}}; inputs is −1 when the first layer does not say (a convolution, a
     *     recurrent or an embedding layer: the data's shape is checked by running an example instead)
     */
    static int[] declaredWidths(ModelSpec.Definition spec) {
        String json = readJson(spec);
        if (Network.kindOf(json) == Network.Kind.GRAPH) {
            return graphWidths(spec, ComputationGraphConfiguration.fromJson(json));
        }
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(json);
        Layer firstLayer = conf.getConf(0).getLayer();
        Layer lastLayer = conf.getConf(conf.getConfs().size() - 1).getLayer();
        if (!(lastLayer instanceof FeedForwardLayer out)) {
            throw new ConfigurationException("model configuration " + spec.path() + ": the last layer ("
                    + lastLayer.getClass().getSimpleName() + ") is not an output layer with nOut", null);
        }
        long in = firstLayer instanceof FeedForwardLayer ff ? ff.getNIn() : -1;
        if (conf.getInputPreProcess(0) != null || !(firstLayer instanceof FeedForwardLayer)
                || firstLayer instanceof ConvolutionLayer || firstLayer instanceof EmbeddingSequenceLayer) {
            in = -1;
        }
        return new int[] {(int) in, (int) out.getNOut()};
    }

    /** A graph's widths: the dense layer its input feeds, and the last layer with outputs before its output. */
    private static int[] graphWidths(ModelSpec.Definition spec, ComputationGraphConfiguration conf) {
        String input = conf.getNetworkInputs().get(0);
        int in = -1;
        for (Map.Entry<String, List<String>> e : conf.getVertexInputs().entrySet()) {
            if (e.getValue().contains(input) && conf.getVertices().get(e.getKey()) instanceof LayerVertex lv
                    && lv.getPreProcessor() == null && lv.getLayerConf().getLayer() instanceof FeedForwardLayer ff
                    && !(ff instanceof ConvolutionLayer) && !(ff instanceof EmbeddingSequenceLayer) && ff.getNIn() > 0) {
                in = (int) ff.getNIn();
            }
        }
        String name = conf.getNetworkOutputs().get(0);
        for (int hops = 0; hops <= conf.getVertices().size(); hops++) {
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof FeedForwardLayer ff
                    && ff.getNOut() > 0) {
                return new int[] {in, (int) ff.getNOut()};
            }
            List<String> inputs = conf.getVertexInputs().get(name);
            if (inputs == null || inputs.size() != 1) {
                break;
            }
            name = inputs.get(0);
        }
        throw new ConfigurationException("model configuration " + spec.path() + ": cannot tell how many classes "
                + "output '" + conf.getNetworkOutputs().get(0) + "' predicts: no layer with nOut leads to it through "
                + "single-input vertices", null);
    }

    /**
     * Reads and checks a {@code json:} configuration: either kind, every layer defined, and for a graph one
     * input and one output.
     */
    private static String readJson(ModelSpec.Definition spec) {
        String jsonPath = spec.path();
        String json;
        try {
            json = new String(DefinitionFile.read(spec), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("model configuration " + jsonPath + " cannot be read: "
                    + e.getMessage(), e);
        }
        Network.Kind networkKind;
        try {
            networkKind = Network.kindOf(json);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("model configuration " + jsonPath + " is not a DL4J configuration: "
                    + e.getMessage(), e);
        }
        if (networkKind == Network.Kind.GRAPH) {
            ComputationGraphConfiguration conf;
            try {
                conf = ComputationGraphConfiguration.fromJson(json);
            } catch (RuntimeException e) {
                throw new ConfigurationException("model configuration " + jsonPath + " is not a readable DL4J "
                        + "ComputationGraphConfiguration: " + Failures.reason(e), e);
            }
            checkOneEach(jsonPath, "input", conf.getNetworkInputs());
            checkOneEach(jsonPath, "output", conf.getNetworkOutputs());
            return json;
        }
        MultiLayerConfiguration conf;
        try {
            conf = MultiLayerConfiguration.fromJson(json);
        } catch (RuntimeException e) {
            throw new ConfigurationException("model configuration " + jsonPath + " is not a DL4J "
                    + "MultiLayerConfiguration JSON: " + Failures.reason(e), e);
        }
        if (conf == null || conf.getConfs() == null || conf.getConfs().isEmpty()) {
            throw new ConfigurationException("model configuration " + jsonPath + " is not a DL4J "
                    + "MultiLayerConfiguration JSON: it has no \"confs\" list of layers", null);
        }
        for (int i = 0; i < conf.getConfs().size(); i++) {
            if (conf.getConf(i) == null || conf.getConf(i).getLayer() == null) {
                throw new ConfigurationException("model configuration " + jsonPath + ": layer " + i
                        + " has no \"layer\" definition", null);
            }
        }
        return json;
    }

    /**
     * A configuration with its seed replaced: DL4J draws a network's initial weights from the seed of its
     * layers' configurations (the first layer's, or a graph's default configuration), which a {@code json:}
     * file fixes when it is written; the run's seed takes its place in all of them, as it does in a preset's.
     *
     * @param json a checked DL4J configuration of either kind
     * @param seed the run's seed
     * @return the same configuration, every layer's seed set to {@code seed}
     */
    static String withSeed(String json, long seed) {
        if (Network.kindOf(json) == Network.Kind.GRAPH) {
            ComputationGraphConfiguration graph = ComputationGraphConfiguration.fromJson(json);
            graph.getDefaultConfiguration().setSeed(seed);
            for (GraphVertex vertex : graph.getVertices().values()) {
                if (vertex instanceof LayerVertex layer && layer.getLayerConf() != null) {
                    layer.getLayerConf().setSeed(seed);
                }
            }
            return graph.toJson();
        }
        MultiLayerConfiguration stack = MultiLayerConfiguration.fromJson(json);
        stack.getConfs().forEach(layer -> layer.setSeed(seed));
        return stack.toJson();
    }

    private static void checkOneEach(String jsonPath, String what, List<String> names) {
        if (names == null || names.size() != 1) {
            throw new ConfigurationException("model configuration " + jsonPath + ": the graph has " + (names == null ? 0
                    : names.size()) + " " + what + "s " + names + "; adan-spark trains graphs of one input and one "
                    + "output (merge the inputs into one array, or train each output as its own model)", null);
        }
    }
}
