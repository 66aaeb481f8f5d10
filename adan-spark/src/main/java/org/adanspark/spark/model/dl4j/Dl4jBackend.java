package org.adanspark.spark.model.dl4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.data.DataValidationException;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.Failures;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.NativeRuntime;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.model.ParamRoles;
import org.adanspark.spark.model.ShapeProbe;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DL4J/ND4J compute backend: every preset and {@code json:} DL4J configurations, trained as
 * {@link Dl4jModel}s (docs/ARCHITECTURE.md, "The compute backend"). Batch normalisation's running
 * statistics and frozen layers are the model's non-trained state ({@link #rolesOf}).
 */
public final class Dl4jBackend implements ComputeBackend {

    /** The format of a {@link ModelSpec.Definition} this backend reads. */
    public static final String FORMAT = "json";


    static {
        Nd4jVariant.select(); // ND4J's native build and the BLAS kernel, before this class first reaches ND4J
    }

    private static final Logger LOG = LoggerFactory.getLogger(Dl4jBackend.class);

    @Override
    public String name() {
        return Dl4jModel.BACKEND;
    }

    @Override
    public NativeRuntime runtime() {
        return Dl4jRuntime.INSTANCE;
    }

    /** {@code json:PATH}, or a path ending in {@code .json}: a DL4J configuration. */
    @Override
    public List<DefinitionFormat> formats() {
        return List.of(new DefinitionFormat(FORMAT, ".json",
                "a DL4J MultiLayerConfiguration or ComputationGraphConfiguration in DL4J's JSON"));
    }

    @Override
    public boolean builds(ModelSpec spec) {
        return !(spec instanceof ModelSpec.Definition d) || d.format().equals(FORMAT);
    }

    @Override
    public Optional<int[]> declaredWidths(ModelSpec spec) {
        return spec instanceof ModelSpec.Definition d ? Optional.of(Dl4jConfigurations.declaredWidths(d))
                : Optional.empty();
    }

    @Override
    public Prepared prepare(ModelSpec spec, DataShape data, Objective objective, long seed) {
        Network net = build(spec, data, objective, seed);
        int[] shape = ShapeProbe.probe(spec, data, objective, candidate -> {
            try {
                return net.output(Dl4jModel.input(candidate, new float[data.width()], 1)).shape();
            } finally {
                net.clear();
            }
        });
        checkTrainable(spec, net, shape, data, objective);
        ParamLayout layout = layoutOf(net);
        ParamRoles roles = rolesOf(net, layout);
        if (!roles.allTrained()) {
            LOG.info("model {}: {} parameter tensors; the optimizer trains those it does not hold back ({})", spec,
                    layout.numTensors(), roles);
        }
        return new Prepared(Dl4jModel.of(net.configJson(), shape), layout, roles);
    }

    /**
     * One forward and backward pass of a zero example, on the driver: a network that runs forward but cannot
     * be trained (its last layer is not an output layer with a loss, as the zoo's {@code SimpleCNN}) is refused
     * here, naming DL4J's reason, instead of failing every gradient task.
     */
    private static void checkTrainable(ModelSpec spec, Network net, int[] shape, DataShape data, Objective objective) {
        int positions = data.tokens() ? data.width() : 1;
        long[] labelShape = data.tokens() ? new long[] {1, objective.outputs(), positions}
                : new long[] {1, objective.outputs()};
        try {
            net.computeGradientAndScore(Dl4jModel.input(shape, new float[data.width()], 1), Nd4j.zeros(labelShape));
        } catch (RuntimeException e) {
            throw new ConfigurationException("model " + spec + " cannot be trained: " + Failures.reason(e), e);
        } finally {
            net.clear();
        }
    }

    @Override
    public ModelHandle restore(String definition, int[] exampleShape) {
        Network.fromJson(definition); // a DL4J configuration of either kind, or IllegalArgumentException
        return Dl4jModel.of(definition, exampleShape);
    }

    /**
     * Builds the network, so a model that cannot work is refused before any Spark job: a preset that does
     * not fit the data ({@code lenet} on 123 features) is a data error, a configuration whose layers do not
     * fit each other, or that cannot be trained here, a configuration error. A {@code json:} model's own
     * updater is ignored — the run's optimizer trains it — and a notice says so.
     */
    private static Network build(ModelSpec spec, DataShape data, Objective objective, long seed) {
        String json;
        try {
            json = Dl4jConfigurations.of(spec, data.width(), objective, seed);
        } catch (ConfigurationException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new DataValidationException(data.name() + " does not fit model " + spec + ": " + e.getMessage(), e);
        }
        Network net = Network.fromJson(json);
        Map<String, Layer> layers = net.layers();
        if (spec instanceof ModelSpec.Definition) {
            noticeIgnoredUpdaters(spec, layers);
        }
        try {
            net.init();
        } catch (RuntimeException e) {
            throw new ConfigurationException("model " + spec + " cannot be built: " + Failures.reason(e), e);
        }
        return net;
    }

    private static void noticeIgnoredUpdaters(ModelSpec spec, Map<String, Layer> layers) {
        Set<String> updaters = new TreeSet<>();
        for (Layer layer : layers.values()) {
            if (layer instanceof BaseLayer base && base.getIUpdater() != null && !(base.getIUpdater() instanceof NoOp)) {
                updaters.add(base.getIUpdater().getClass().getSimpleName());
            }
        }
        if (!updaters.isEmpty()) {
            LOG.warn("model {} sets updater {} on its layers; adan-train ignores it and trains with the run's optimizer",
                    spec, String.join(", ", updaters));
        }
    }

    /**
     * Each parameter tensor's role: a frozen layer's or vertex's ({@code FrozenLayer},
     * {@code FrozenLayerWithBackprop}, {@code FrozenVertex}) are {@link ParamRoles.Role#FROZEN}; a parameter
     * DL4J's updater does not divide by the minibatch (batch normalisation's {@code mean}, {@code var} and
     * {@code log10stdev}, whose "gradient" is the change its layer makes to it) is a
     * {@link ParamRoles.Role#STATISTIC}; every other is trained.
     *
     * @param net an initialised network
     * @param layout its layout ({@link #layoutOf})
     * @return the roles, in the layout's order
     */
    public static ParamRoles rolesOf(Network net, ParamLayout layout) {
        Map<String, ParamRoles.Role> byName = new HashMap<>();
        net.forEachLayer((prefix, layer, frozen) -> {
            for (String key : layer.paramTable(false).keySet()) {
                ParamRoles.Role role = frozen || layer instanceof FrozenLayer || layer instanceof FrozenLayerWithBackprop
                        ? ParamRoles.Role.FROZEN
                        : layer.updaterDivideByMinibatch(key) ? ParamRoles.Role.TRAINED : ParamRoles.Role.STATISTIC;
                byName.put(prefix + "_" + key, role);
            }
        });
        ParamRoles.Role[] roles = new ParamRoles.Role[layout.numTensors()];
        for (int t = 0; t < roles.length; t++) {
            roles[t] = byName.getOrDefault(layout.names().get(t), ParamRoles.Role.TRAINED);
        }
        return new ParamRoles(roles);
    }

    /**
     * The network's parameter tensors in its flat order ({@code 0_W}, {@code 0_b}, …), each with its matrix
     * view: a weight of shape {@code [nIn, nOut]} in DL4J's column-major order is {@code nOut} rows of
     * {@code nIn} contiguous values, a row-major convolution weight {@code [out, in, kh, kw]} is {@code out}
     * rows of {@code in·kh·kw}; every tensor that is not a contiguous view of either order is a vector.
     *
     * @param net an initialised network
     * @return its layout
     */
    public static ParamLayout layoutOf(Network net) {
        Map<String, INDArray> table = net.paramTable();
        List<String> names = new ArrayList<>(table.keySet());
        int[] lengths = new int[names.size()];
        int[] rows = new int[names.size()];
        for (int i = 0; i < lengths.length; i++) {
            INDArray p = table.get(names.get(i));
            lengths[i] = Math.toIntExact(p.length());
            rows[i] = matrixRows(p);
        }
        return ParamLayout.shaped(names, lengths, rows);
    }

    /** The rows of a tensor's matrix view (fan-out × contiguous fan-in), 1 when it has none. */
    static int matrixRows(INDArray p) {
        long[] shape = p.shape();
        if (shape.length < 2 || p.length() < 4) {
            return 1;
        }
        long[] stride = p.stride();
        boolean c = p.ordering() == 'c';
        long expected = 1; // the strides of a contiguous array of that order
        for (int d = c ? shape.length - 1 : 0; c ? d >= 0 : d < shape.length; d += c ? -1 : 1) {
            if (shape[d] > 1 && stride[d] != expected) {
                return 1;
            }
            expected *= shape[d];
        }
        long rows = c ? shape[0] : p.length() / shape[0];
        return (int) rows;
    }
}
