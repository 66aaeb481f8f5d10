package org.adanspark.spark.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.adanspark.spark.nn.CharacterModel;
import org.adanspark.spark.nn.ResidualNetwork;
import org.adanspark.spark.runtime.Nd4jVariant;
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

/**
 * A network from a short spec ({@code --model}):
 * <ul>
 *   <li>{@code linear}: softmax regression;</li>
 *   <li>{@code mlp:256,256}: dense hidden layers of those widths, then softmax;</li>
 *   <li>{@code lenet}: LeNet-5 style CNN for 28×28×1 images (conv 5×5×20, max-pool, conv 5×5×50,
 *       max-pool, dense 500, softmax);</li>
 *   <li>{@code resnet}: a residual CNN for 28×28 or 32×32 images of 1 or 3 channels
 *       ({@link ResidualNetwork}), options {@code depth=6n+2} (default 8) and {@code width=W} (channels of
 *       the first stage, default 16);</li>
 *   <li>{@code charlm}: a character language model over token windows ({@link CharacterModel}), options
 *       {@code body=attention|lstm} (default attention), {@code layers=L} (default 2), {@code width=W}
 *       (default 128) and {@code heads=H} (default 4);</li>
 *   <li>{@code json:PATH} (or a path ending in {@code .json}): any DL4J configuration in DL4J's JSON, a
 *       {@code MultiLayerConfiguration} or a {@code ComputationGraphConfiguration} of one input and one
 *       output, told apart by its content.</li>
 * </ul>
 * Presets take options after a colon: {@code activation=relu|tanh|sigmoid|elu|leakyrelu|gelu|swish}
 * (default relu) and {@code dropout=P}, the probability of dropping a hidden unit (default 0), e.g.
 * {@code mlp:512,256:activation=tanh:dropout=0.2}, {@code resnet:depth=14:width=32},
 * {@code charlm:body=lstm:layers=1:width=256}.
 *
 * <p>Every preset ends in the output layer of its {@link Objective} (softmax with multi-class
 * cross-entropy for the CLI's classifiers; per position for {@code charlm}), uses float32 and has no DL4J
 * updater or regularisation: the optimizer, including weight decay, runs on the driver.
 *
 * @param spec the spec as given
 * @param kind {@code linear}, {@code mlp}, {@code lenet}, {@code resnet}, {@code charlm} or {@code json}
 * @param hidden hidden widths for {@code mlp}
 * @param activation hidden activation
 * @param dropout drop probability of hidden units
 * @param jsonPath the configuration file for {@code json}
 * @param sizes the integer options of {@code resnet} and {@code charlm} ({@code depth}, {@code width},
 *     {@code layers}, {@code heads}), defaults filled in
 * @param body the body of {@code charlm}
 */
public record ModelSpec(String spec, String kind, int[] hidden, Activation activation, double dropout, String jsonPath,
                        Map<String, Integer> sizes, CharacterModel.Body body) {

    static {
        Nd4jVariant.select(); // ND4J's native build and the BLAS kernel, before this class first reaches ND4J
    }

    private static final List<String> KINDS = List.of("linear", "mlp", "lenet", "resnet", "charlm");

    /**
     * @param spec the {@code --model} value
     * @return the parsed spec
     * @throws IllegalArgumentException naming the spec and the part that is wrong
     */
    public static ModelSpec parse(String spec) {
        String s = spec.trim();
        if (s.startsWith("json:") || s.endsWith(".json")) {
            String path = s.startsWith("json:") ? s.substring(5) : s;
            return new ModelSpec(s, "json", new int[0], Activation.RELU, 0, path, Map.of(), null);
        }
        String[] parts = s.split(":");
        String kind = parts[0].toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("model '" + spec + "': unknown kind '" + parts[0]
                    + "'; use linear, mlp:W1,W2,…, lenet, resnet, charlm or json:PATH");
        }
        int[] hidden = new int[0];
        Activation activation = Activation.RELU;
        double dropout = 0;
        Map<String, Integer> sizes = new TreeMap<>();
        if (kind.equals("resnet")) {
            sizes.put("depth", 8);
            sizes.put("width", 16);
        } else if (kind.equals("charlm")) {
            sizes.put("layers", 2);
            sizes.put("width", 128);
            sizes.put("heads", 4);
        }
        CharacterModel.Body body = kind.equals("charlm") ? CharacterModel.Body.ATTENTION : null;
        int first = 1;
        if (kind.equals("mlp")) {
            if (parts.length < 2 || parts[1].contains("=")) {
                throw new IllegalArgumentException("model '" + spec + "': mlp needs hidden widths, e.g. mlp:256,256");
            }
            String[] widths = parts[1].split(",");
            hidden = new int[widths.length];
            for (int i = 0; i < widths.length; i++) {
                hidden[i] = positive(spec, "hidden width", widths[i]);
            }
            first = 2;
        }
        for (int i = first; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("model '" + spec + "': option '" + parts[i] + "' is not key=value");
            }
            String key = kv[0].trim().toLowerCase(Locale.ROOT);
            if (sizes.containsKey(key)) {
                sizes.put(key, positive(spec, key, kv[1]));
                continue;
            }
            switch (key) {
                case "activation" -> activation = activation(spec, kv[1].trim());
                case "dropout" -> {
                    try {
                        dropout = Double.parseDouble(kv[1].trim());
                    } catch (NumberFormatException e) {
                        dropout = -1;
                    }
                    if (!(dropout >= 0 && dropout < 1)) {
                        throw new IllegalArgumentException("model '" + spec + "': dropout must be in [0, 1), got " + kv[1]);
                    }
                }
                case "body" -> {
                    if (body == null) {
                        throw unknownOption(spec, key, sizes);
                    }
                    try {
                        body = CharacterModel.Body.parse(kv[1]);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("model '" + spec + "': " + e.getMessage(), e);
                    }
                }
                default -> throw unknownOption(spec, key, sizes);
            }
        }
        if (kind.equals("resnet") && (sizes.get("depth") < 8 || (sizes.get("depth") - 2) % 6 != 0)) {
            throw new IllegalArgumentException("model '" + spec + "': resnet depth must be 6n + 2 with n >= 1 (8, 14, "
                    + "20, …), got " + sizes.get("depth"));
        }
        if (body == CharacterModel.Body.ATTENTION && sizes.get("width") % sizes.get("heads") != 0) {
            throw new IllegalArgumentException("model '" + spec + "': charlm width " + sizes.get("width")
                    + " must be a multiple of heads " + sizes.get("heads"));
        }
        return new ModelSpec(s, kind, hidden, activation, dropout, null, Collections.unmodifiableMap(sizes), body);
    }

    private static IllegalArgumentException unknownOption(String spec, String key, Map<String, Integer> sizes) {
        List<String> options = new ArrayList<>(List.of("activation", "dropout"));
        options.addAll(sizes.keySet());
        if (spec.trim().toLowerCase(Locale.ROOT).startsWith("charlm")) {
            options.add("body");
        }
        return new IllegalArgumentException("model '" + spec + "': unknown option '" + key + "'; options are "
                + String.join(", ", options));
    }

    private static int positive(String spec, String what, String value) {
        int v;
        try {
            v = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            v = -1;
        }
        if (v < 1) {
            throw new IllegalArgumentException("model '" + spec + "': " + what + " '" + value + "' is not a positive integer");
        }
        return v;
    }

    private static Activation activation(String spec, String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "relu" -> Activation.RELU;
            case "tanh" -> Activation.TANH;
            case "sigmoid" -> Activation.SIGMOID;
            case "elu" -> Activation.ELU;
            case "leakyrelu" -> Activation.LEAKYRELU;
            case "gelu" -> Activation.GELU;
            case "swish" -> Activation.SWISH;
            default -> throw new IllegalArgumentException("model '" + spec + "': unknown activation '" + name
                    + "'; use relu, tanh, sigmoid, elu, leakyrelu, gelu or swish");
        };
    }

    /** @return true for a user-given DL4J configuration */
    public boolean isJson() {
        return kind.equals("json");
    }

    /** @return true for a model over token windows ({@code charlm}), which needs {@code --data text:PATH} */
    public boolean isLanguageModel() {
        return kind.equals("charlm");
    }

    /**
     * For a user configuration, its input and output widths, so the data can be checked against it.
     *
     * @return {@code {inputs, classes}}; inputs is −1 when the first layer does not say (a convolution, a
     *     recurrent or an embedding layer: the data's shape is checked by running an example instead)
     */
    public int[] jsonWidths() {
        String json = readJson();
        if (Network.kindOf(json) == Network.Kind.GRAPH) {
            return graphWidths(ComputationGraphConfiguration.fromJson(json));
        }
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(json);
        Layer firstLayer = conf.getConf(0).getLayer();
        Layer lastLayer = conf.getConf(conf.getConfs().size() - 1).getLayer();
        if (!(lastLayer instanceof FeedForwardLayer out)) {
            throw new ConfigurationException("model configuration " + jsonPath + ": the last layer ("
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
    private int[] graphWidths(ComputationGraphConfiguration conf) {
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
        throw new ConfigurationException("model configuration " + jsonPath + ": cannot tell how many classes output '"
                + conf.getNetworkOutputs().get(0) + "' predicts: no layer with nOut leads to it through single-input "
                + "vertices", null);
    }

    /**
     * Builds the network configuration of a classifier.
     *
     * @param inputs features per example
     * @param classes number of classes
     * @param seed weight-initialisation seed
     * @return the configuration's JSON, float32, ending in softmax cross-entropy
     * @throws IllegalArgumentException when the spec does not fit the data (e.g. lenet on non-28×28 input)
     */
    public String configuration(int inputs, int classes, long seed) {
        return isJson() ? readJson() : configuration(inputs, Objective.classification(classes), seed);
    }

    /**
     * Builds the network configuration.
     *
     * @param inputs values per example at the input: features, or a token window's length for {@code charlm}
     * @param objective the output layer and loss of a preset (a {@code json:} model keeps its own); for
     *     {@code charlm}, classification over the vocabulary
     * @param seed weight-initialisation seed
     * @return the configuration's JSON (a layer stack, or a graph for {@code resnet} and graph JSON), float32
     * @throws IllegalArgumentException when the spec does not fit the data (e.g. lenet on non-28×28 input)
     */
    public String configuration(int inputs, Objective objective, long seed) {
        if (isJson()) {
            return readJson();
        }
        double retain = 1.0 - dropout;
        if (kind.equals("resnet")) {
            int[] image = image(inputs);
            return ResidualNetwork.configuration(image[0], image[1], sizes.get("depth"), sizes.get("width"), activation,
                    output(objective, retain), seed);
        }
        if (kind.equals("charlm")) {
            if (!objective.isClassification()) {
                throw new IllegalArgumentException("model 'charlm' predicts tokens; it cannot be a regressor");
            }
            return CharacterModel.configuration(objective.outputs(), inputs, body, sizes.get("layers"), sizes.get("width"),
                    sizes.get("heads"), seed);
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new NoOp())
                .list();
        if (kind.equals("lenet")) {
            if (inputs != 28 * 28) {
                throw new IllegalArgumentException("model 'lenet' needs 28×28 = 784 features per example, the data has " + inputs);
            }
            list.layer(new ConvolutionLayer.Builder(5, 5).nIn(1).nOut(20).stride(1, 1).activation(Activation.IDENTITY).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                    .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).stride(1, 1).activation(Activation.IDENTITY).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                    .layer(dense(500, 1.0))
                    .layer(output(objective, retain))
                    .setInputType(InputType.convolutionalFlat(28, 28, 1));
            return list.build().toJson();
        }
        for (int i = 0; i < hidden.length; i++) {
            list.layer(dense(hidden[i], i == 0 ? 1.0 : retain));
        }
        list.layer(output(objective, hidden.length == 0 ? 1.0 : retain)).setInputType(InputType.feedForward(inputs));
        return list.build().toJson();
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
    private DenseLayer dense(int width, double retainInputs) {
        DenseLayer.Builder b = new DenseLayer.Builder().nOut(width).activation(activation);
        if (retainInputs < 1.0) {
            b.dropOut(retainInputs);
        }
        return b.build();
    }

    private static OutputLayer output(Objective objective, double retainInputs) {
        OutputLayer.Builder b = new OutputLayer.Builder().lossFunction(objective.loss()).nOut(objective.outputs())
                .activation(objective.activation());
        if (retainInputs < 1.0) {
            b.dropOut(retainInputs);
        }
        return b.build();
    }

    /**
     * Reads and checks a {@code json:} configuration: either kind, every layer defined, and for a graph one
     * input and one output.
     */
    private String readJson() {
        String json;
        try {
            json = Files.readString(Path.of(jsonPath), StandardCharsets.UTF_8);
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
                        + "ComputationGraphConfiguration: " + SparkFailure.reason(e), e);
            }
            checkOneEach("input", conf.getNetworkInputs());
            checkOneEach("output", conf.getNetworkOutputs());
            return json;
        }
        MultiLayerConfiguration conf;
        try {
            conf = MultiLayerConfiguration.fromJson(json);
        } catch (RuntimeException e) {
            throw new ConfigurationException("model configuration " + jsonPath + " is not a DL4J "
                    + "MultiLayerConfiguration JSON: " + SparkFailure.reason(e), e);
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

    private void checkOneEach(String what, List<String> names) {
        if (names == null || names.size() != 1) {
            throw new ConfigurationException("model configuration " + jsonPath + ": the graph has " + (names == null ? 0
                    : names.size()) + " " + what + "s " + names + "; adan-spark trains graphs of one input and one "
                    + "output (merge the inputs into one array, or train each output as its own model)", null);
        }
    }

    /** @return the spec as given */
    @Override
    public String toString() {
        return spec;
    }
}
