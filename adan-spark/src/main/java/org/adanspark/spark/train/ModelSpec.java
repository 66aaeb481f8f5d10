package org.adanspark.spark.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
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
 *   <li>{@code json:PATH} (or a path ending in {@code .json}): any DL4J {@code MultiLayerConfiguration}
 *       in DL4J's JSON.</li>
 * </ul>
 * Presets take options after a colon: {@code activation=relu|tanh|sigmoid|elu|leakyrelu|gelu|swish}
 * (default relu) and {@code dropout=P}, the probability of dropping a hidden unit (default 0), e.g.
 * {@code mlp:512,256:activation=tanh:dropout=0.2}.
 *
 * <p>Every preset ends in the output layer of its {@link Objective} (softmax with multi-class
 * cross-entropy for the CLI's classifiers), uses float32 and has no DL4J updater or regularisation: the
 * optimizer, including weight decay, runs on the driver.
 *
 * @param spec the spec as given
 * @param kind {@code linear}, {@code mlp}, {@code lenet} or {@code json}
 * @param hidden hidden widths for {@code mlp}
 * @param activation hidden activation
 * @param dropout drop probability of hidden units
 * @param jsonPath the configuration file for {@code json}
 */
public record ModelSpec(String spec, String kind, int[] hidden, Activation activation, double dropout, String jsonPath) {

    /**
     * @param spec the {@code --model} value
     * @return the parsed spec
     * @throws IllegalArgumentException naming the spec and the part that is wrong
     */
    public static ModelSpec parse(String spec) {
        String s = spec.trim();
        if (s.startsWith("json:") || s.endsWith(".json")) {
            String path = s.startsWith("json:") ? s.substring(5) : s;
            return new ModelSpec(s, "json", new int[0], Activation.RELU, 0, path);
        }
        String[] parts = s.split(":");
        String kind = parts[0].toLowerCase(Locale.ROOT);
        if (!List.of("linear", "mlp", "lenet").contains(kind)) {
            throw new IllegalArgumentException("model '" + spec + "': unknown kind '" + parts[0]
                    + "'; use linear, mlp:W1,W2,…, lenet or json:PATH");
        }
        int[] hidden = new int[0];
        Activation activation = Activation.RELU;
        double dropout = 0;
        int first = 1;
        if (kind.equals("mlp")) {
            if (parts.length < 2 || parts[1].contains("=")) {
                throw new IllegalArgumentException("model '" + spec + "': mlp needs hidden widths, e.g. mlp:256,256");
            }
            String[] widths = parts[1].split(",");
            hidden = new int[widths.length];
            for (int i = 0; i < widths.length; i++) {
                try {
                    hidden[i] = Integer.parseInt(widths[i].trim());
                } catch (NumberFormatException e) {
                    hidden[i] = -1;
                }
                if (hidden[i] < 1) {
                    throw new IllegalArgumentException("model '" + spec + "': hidden width '" + widths[i]
                            + "' is not a positive integer");
                }
            }
            first = 2;
        }
        for (int i = first; i < parts.length; i++) {
            String[] kv = parts[i].split("=", 2);
            if (kv.length != 2) {
                throw new IllegalArgumentException("model '" + spec + "': option '" + parts[i] + "' is not key=value");
            }
            switch (kv[0].trim().toLowerCase(Locale.ROOT)) {
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
                default -> throw new IllegalArgumentException("model '" + spec + "': unknown option '" + kv[0]
                        + "'; options are activation and dropout");
            }
        }
        return new ModelSpec(s, kind, hidden, activation, dropout, null);
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

    /**
     * For a user configuration, its input and output widths, so the data can be checked against it.
     *
     * @return {@code {inputs, classes}}
     */
    public int[] jsonWidths() {
        MultiLayerConfiguration conf = readJson();
        Layer firstLayer = conf.getConf(0).getLayer();
        Layer lastLayer = conf.getConf(conf.getConfs().size() - 1).getLayer();
        if (!(lastLayer instanceof FeedForwardLayer out)) {
            throw new ConfigurationException("model configuration " + jsonPath + ": the last layer ("
                    + lastLayer.getClass().getSimpleName() + ") is not an output layer with nOut", null);
        }
        long in = firstLayer instanceof FeedForwardLayer ff ? ff.getNIn() : -1;
        if (conf.getInputPreProcess(0) != null || !(firstLayer instanceof FeedForwardLayer)) {
            in = -1;
        }
        return new int[] {(int) in, (int) out.getNOut()};
    }

    /**
     * Builds the network configuration.
     *
     * @param inputs features per example
     * @param classes number of classes
     * @param seed weight-initialisation seed
     * @return the configuration, float32, ending in softmax cross-entropy
     * @throws IllegalArgumentException when the spec does not fit the data (e.g. lenet on non-28×28 input)
     */
    public MultiLayerConfiguration configuration(int inputs, int classes, long seed) {
        return isJson() ? readJson() : configuration(inputs, Objective.classification(classes), seed);
    }

    /**
     * Builds the network configuration.
     *
     * @param inputs features per example
     * @param objective the output layer and loss of a preset (a {@code json:} model keeps its own)
     * @param seed weight-initialisation seed
     * @return the configuration, float32
     * @throws IllegalArgumentException when the spec does not fit the data (e.g. lenet on non-28×28 input)
     */
    public MultiLayerConfiguration configuration(int inputs, Objective objective, long seed) {
        if (isJson()) {
            return readJson();
        }
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.XAVIER)
                .updater(new NoOp())
                .list();
        double retain = 1.0 - dropout;
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
            return list.build();
        }
        for (int i = 0; i < hidden.length; i++) {
            list.layer(dense(hidden[i], i == 0 ? 1.0 : retain));
        }
        list.layer(output(objective, hidden.length == 0 ? 1.0 : retain)).setInputType(InputType.feedForward(inputs));
        return list.build();
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

    private MultiLayerConfiguration readJson() {
        String json;
        try {
            json = Files.readString(Path.of(jsonPath), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("model configuration " + jsonPath + " cannot be read: "
                    + e.getMessage(), e);
        }
        MultiLayerConfiguration conf;
        try {
            conf = MultiLayerConfiguration.fromJson(json);
        } catch (RuntimeException e) {
            throw new ConfigurationException("model configuration " + jsonPath + " is not a DL4J "
                    + "MultiLayerConfiguration JSON: " + (json.contains("\"confs\"") ? SparkFailure.reason(e)
                    : "it has no \"confs\" list of layers"), e);
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
        return conf;
    }

    /** @return the spec as given */
    @Override
    public String toString() {
        return spec;
    }
}
