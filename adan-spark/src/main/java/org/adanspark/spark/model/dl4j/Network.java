package org.adanspark.spark.model.dl4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.adanspark.spark.error.Failures;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.FrozenVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.databind.JsonNode;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * One DL4J network of either kind — a {@link MultiLayerNetwork} (a stack of layers) or a
 * {@link ComputationGraph} with one input and one output — behind the few operations training and
 * prediction need: set θ, compute the summed-loss gradient of a micro-batch, run a forward pass. The rest
 * of the trainer never asks which kind it holds (docs/ARCHITECTURE.md, "Model kinds").
 *
 * <p>Not thread safe, like the DL4J network it wraps: {@link org.adanspark.spark.model.ReplicaPool} lends each one to one task at a
 * time.
 */
public abstract sealed class Network implements AutoCloseable permits Network.Stack, Network.Graph {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * DL4J 1.0.0-M2.1 creates no layer helpers (oneDNN convolution and pooling on CPU) unless this property
     * is {@code false}, and defaults it to {@code true}. adan-spark turns the helpers on in every JVM that
     * builds a network, unless the user set the property (e.g. {@code -D…=true} for DL4J's own im2col path;
     * the bits differ). See docs/ARCHITECTURE.md, "Executor compute".
     */
    public static final String HELPERS_DISABLED = "org.eclipse.deeplearning4j.helpers.disable";

    static {
        Nd4jVariant.select();
        if (System.getProperty(HELPERS_DISABLED) == null) {
            System.setProperty(HELPERS_DISABLED, "false");
        }
    }

    /** The two kinds of DL4J configuration. */
    public enum Kind {
        /** {@code MultiLayerConfiguration}: a {@code "confs"} list of layers. */
        LAYER_STACK,
        /** {@code ComputationGraphConfiguration}: {@code "vertices"} with named inputs and outputs. */
        GRAPH
    }

    private final Model model;

    Network(Model model) {
        this.model = model;
    }

    /**
     * Which kind of configuration a DL4J JSON text holds, from its top-level fields.
     *
     * @param json a configuration's JSON
     * @return its kind
     * @throws IllegalArgumentException when it is neither (the message says what it has)
     */
    public static Kind kindOf(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("it is not JSON: " + Failures.reason(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("it is not a JSON object");
        }
        if (root.has("vertices") && root.has("networkInputs")) {
            return Kind.GRAPH;
        }
        if (root.has("confs")) {
            return Kind.LAYER_STACK;
        }
        List<String> fields = new ArrayList<>();
        root.fieldNames().forEachRemaining(fields::add);
        throw new IllegalArgumentException("it is neither a MultiLayerConfiguration (no \"confs\" list of layers) nor "
                + "a ComputationGraphConfiguration (no \"vertices\" and \"networkInputs\"); its fields are " + fields);
    }

    /**
     * A new, uninitialised network of a configuration of either kind.
     *
     * @param json the configuration's JSON
     * @return the network; call {@link #init()} or {@link #init(INDArray)} before use
     */
    public static Network fromJson(String json) {
        return kindOf(json) == Kind.GRAPH
                ? new Graph(new ComputationGraph(ComputationGraphConfiguration.fromJson(json)))
                : new Stack(new MultiLayerNetwork(MultiLayerConfiguration.fromJson(json)));
    }

    /** Allocates the parameters and draws them from the configuration's seed. */
    public final void init() {
        model.init();
    }

    /**
     * Allocates the parameters as a copy of {@code params}.
     *
     * @param params θ as a row vector, in the network's flat order
     */
    public abstract void init(INDArray params);

    /** Frees the network's native memory (parameters, gradients, workspaces); it is not used again. */
    @Override
    public void close() {
        model.close();
    }

    /** @return the DL4J model, for {@code ModelSerializer} and DL4J's own tools */
    public final Model model() {
        return model;
    }

    /** @return the configuration's JSON */
    public abstract String configJson();

    /** @return θ as a row vector, a view of the network's own parameters */
    public final INDArray params() {
        return model().params();
    }

    /** @param params θ as a row vector; copied into the network */
    public final void setParams(INDArray params) {
        model().setParams(params);
    }

    /** @return the parameter tensors by name, in the flat order of {@link #params()} */
    public final Map<String, INDArray> paramTable() {
        return model().paramTable();
    }

    /**
     * Runs forward and backward passes on one micro-batch.
     *
     * @param input the examples, shaped as the network's input
     * @param labels the targets, shaped as its output
     * @return the mean loss over the micro-batch; the gradient of the summed loss is then in
     *     {@link #gradients()}
     */
    public abstract double computeGradientAndScore(INDArray input, INDArray labels);

    /** @return the last computed gradient, a view of the network's flat gradient buffer */
    public final INDArray gradients() {
        return model().getGradientsViewArray();
    }

    /**
     * Inference-mode forward pass (no dropout).
     *
     * @param input the examples
     * @return the output layer's activations
     */
    public abstract INDArray output(INDArray input);

    /** Drops the inputs, labels and activations a pass left behind. */
    public final void clear() {
        model().clear();
    }

    /** A stack of layers. */
    static final class Stack extends Network {
        private final MultiLayerNetwork net;

        Stack(MultiLayerNetwork net) {
            super(net);
            this.net = net;
        }

        @Override
        public void init(INDArray params) {
            net.init(params, true);
        }

        @Override
        public String configJson() {
            return net.getLayerWiseConfigurations().toJson();
        }

        @Override
        public double computeGradientAndScore(INDArray input, INDArray labels) {
            net.setInput(input);
            net.setLabels(labels);
            net.computeGradientAndScore();
            return net.score();
        }

        @Override
        public INDArray output(INDArray input) {
            return net.output(input, false);
        }

        @Override
        public void forEachLayer(LayerVisitor visitor) {
            org.deeplearning4j.nn.api.Layer[] layers = net.getLayers();
            for (int i = 0; i < layers.length; i++) {
                visitor.visit(Integer.toString(i), layers[i], false);
            }
        }

        @Override
        public Map<String, Layer> layers() {
            Map<String, Layer> layers = new LinkedHashMap<>();
            MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
            for (int i = 0; i < conf.getConfs().size(); i++) {
                layers.put(Integer.toString(i), conf.getConf(i).getLayer());
            }
            return layers;
        }
    }

    /** A graph of one input and one output. */
    static final class Graph extends Network {
        private final ComputationGraph net;

        Graph(ComputationGraph net) {
            super(net);
            this.net = net;
        }

        @Override
        public void init(INDArray params) {
            net.init(params, true);
        }

        @Override
        public String configJson() {
            return net.getConfiguration().toJson();
        }

        @Override
        public double computeGradientAndScore(INDArray input, INDArray labels) {
            net.setInputs(input);
            net.setLabels(labels);
            net.computeGradientAndScore();
            return net.score();
        }

        @Override
        public INDArray output(INDArray input) {
            return net.outputSingle(false, input);
        }

        @Override
        public void forEachLayer(LayerVisitor visitor) {
            for (GraphVertex vertex : net.getVertices()) {
                if (vertex.hasLayer()) {
                    visitor.visit(vertex.getVertexName(), vertex.getLayer(), vertex instanceof FrozenVertex);
                }
            }
        }

        @Override
        public Map<String, Layer> layers() {
            Map<String, Layer> layers = new LinkedHashMap<>();
            net.getConfiguration().getVertices().forEach((name, vertex) -> {
                if (vertex instanceof LayerVertex lv && lv.getLayerConf() != null) {
                    layers.put(name, lv.getLayerConf().getLayer());
                }
            });
            return layers;
        }
    }

    /** Visits a runtime layer of the network. */
    @FunctionalInterface
    public interface LayerVisitor {

        /**
         * @param prefix what the layer's parameter names start with in {@link #paramTable()}, before {@code _}:
         *     its index in a stack, its vertex's name in a graph
         * @param layer the runtime layer
         * @param frozen whether a frozen graph vertex wraps it
         */
        void visit(String prefix, org.deeplearning4j.nn.api.Layer layer, boolean frozen);
    }

    /**
     * Visits every runtime layer that holds parameters, in the network's order.
     *
     * @param visitor what to do with each
     */
    public abstract void forEachLayer(LayerVisitor visitor);

    /**
     * @return the network's layer configurations by name (a stack's layers are named by their index), in
     *     order; graph vertices that are not layers are left out. Read from the configuration, so it works
     *     before {@link #init()}.
     */
    public abstract Map<String, Layer> layers();
}
