package org.adanspark.spark.model.torch;

import ai.djl.Device;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.data.DataValidationException;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.error.Failures;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.DefinitionFile;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.NativeRuntime;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.model.ParamRoles;
import org.adanspark.spark.model.ShapeProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PyTorch compute backend: {@code torchscript:PATH} models, one-input, one-output TorchScript modules
 * whose output is the logits of a classifier or the prediction of a regressor, and, when a run names this
 * backend ({@code --backend pytorch}), the presets of {@link TorchPresets}; both trained as
 * {@link TorchModel}s (docs/MODELS.md, "PyTorch models"). The module's buffers, which
 * {@code python/adan_spark/torchscript.py} exposes, are its non-trained state ({@link ParamRoles.Role#STATISTIC});
 * a module that changes its own state in a training pass without exposing it is refused.
 */
public final class TorchBackend implements ComputeBackend {

    /** The format of a {@link ModelSpec.Definition} this backend reads. */
    public static final String FORMAT = "torchscript";

    private static final Logger LOG = LoggerFactory.getLogger(TorchBackend.class);

    @Override
    public String name() {
        return TorchModel.BACKEND;
    }

    @Override
    public NativeRuntime runtime() {
        return TorchNativeRuntime.INSTANCE;
    }

    /** {@code torchscript:PATH}, or a path ending in {@code .pt}: a TorchScript module. */
    @Override
    public List<DefinitionFormat> formats() {
        return List.of(new DefinitionFormat(FORMAT, ".pt", "a TorchScript module of one input giving logits"));
    }

    /** @return true for {@code torchscript:} modules and the presets of {@link TorchPresets} */
    @Override
    public boolean builds(ModelSpec spec) {
        return isDefaultFor(spec) || TorchPresets.builds(spec);
    }

    /** @return true for {@code torchscript:} modules: presets are DL4J's unless a run names this backend */
    @Override
    public boolean isDefaultFor(ModelSpec spec) {
        return spec instanceof ModelSpec.Definition d && d.format().equals(FORMAT);
    }

    /** @return empty: a TorchScript module declares no widths; the probe finds how an example enters it */
    @Override
    public Optional<int[]> declaredWidths(ModelSpec spec) {
        return Optional.empty();
    }

    @Override
    public Prepared prepare(ModelSpec spec, DataShape data, Objective objective, long seed) {
        if (data.tokens() && !spec.isLanguageModel()) {
            throw new ConfigurationException("model " + spec + ": the PyTorch backend trains TorchScript modules on "
                    + "rows and images, not token windows (" + data.name() + "); use --backend pytorch --model charlm",
                    null);
        }
        return spec instanceof ModelSpec.Definition ? prepareScript(spec, data, objective, seed)
                : preparePreset(spec, data, objective, seed);
    }

    private static Prepared preparePreset(ModelSpec spec, DataShape data, Objective objective, long seed) {
        int[] shape;
        try {
            shape = TorchPresets.exampleShape(spec, data.width());
        } catch (IllegalArgumentException e) {
            throw new DataValidationException(data.name() + " does not fit model " + spec + ": " + e.getMessage(), e);
        }
        TorchModel model = TorchModel.of(new TorchDefinition.Preset(spec, objective, seed), shape);
        try (TorchModule module = model.load()) {
            checkTrainable(spec, module, randomExamples(2, data.width(), seed), objective, data);
            return prepared(spec, model, module, "preset on DJL's blocks", shape);
        }
    }

    private static Prepared prepareScript(ModelSpec spec, DataShape data, Objective objective, long seed) {
        byte[] bytes = read((ModelSpec.Definition) spec);
        int[] shape;
        try (TorchModule probe = load(spec, bytes, new int[0], objective)) {
            if (probe.paramLength() == 0) {
                throw new ConfigurationException("model " + spec + " has no parameters to train", null);
            }
            shape = ShapeProbe.probe(spec, data, objective, probe::outputShape);
        }
        float[] x = randomExamples(2, data.width(), seed);
        boolean draws;
        try (TorchModule probe = load(spec, bytes, shape, objective)) {
            draws = probe.drawsRandomNumbers(x, 2);
        } catch (RuntimeException e) {
            draws = true; // a pass that fails: checkTrainable below names why
        }
        TorchModel model = TorchModel.of(bytes, objective, draws, shape);
        try (TorchModule module = model.load()) {
            if (!module.hasBuffers()) {
                checkStateless(spec, module, x);
            }
            checkTrainable(spec, module, x, objective, data);
            return prepared(spec, model, module, "TorchScript", shape);
        }
    }

    private static Prepared prepared(ModelSpec spec, TorchModel model, TorchModule module, String kind, int[] shape) {
        ParamLayout layout = ParamLayout.shaped(module.tensorNames(), module.tensorLengths(), module.tensorRows());
        ParamRoles.Role[] roles = new ParamRoles.Role[layout.numTensors()];
        Arrays.fill(roles, ParamRoles.Role.TRAINED);
        Arrays.fill(roles, module.paramTensors(), roles.length, ParamRoles.Role.STATISTIC); // the buffers
        LOG.info("model {}: {}, {} parameters in {} tensors{}, example {}", spec, kind, module.paramLength(),
                module.paramTensors(), module.hasBuffers() ? " and " + (module.length() - module.paramLength())
                + " buffer values the optimizer holds back" : "", Arrays.toString(shape));
        return new Prepared(model, layout, new ParamRoles(roles));
    }

    @Override
    public ModelHandle restore(String definition, int[] exampleShape) {
        return TorchModel.of(definition, exampleShape);
    }

    private static byte[] read(ModelSpec.Definition spec) {
        try {
            return DefinitionFile.read(spec);
        } catch (IOException e) {
            throw new ConfigurationException("model " + spec + " cannot be read: " + Failures.reason(e), e);
        }
    }

    private static TorchModule load(ModelSpec spec, byte[] bytes, int[] shape, Objective objective) {
        try {
            return ScriptModule.load(bytes, shape, objective, Device.cpu());
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("model " + spec + ": " + e.getMessage(), e);
        }
    }

    /**
     * A module without {@code adan_buffers()} whose inference output changes after a training pass keeps state
     * (batch normalisation's running statistics) this backend cannot reach: its partitions' copies would
     * drift apart and checkpoints and evaluation would not hold it. Refused, naming the way to save it.
     */
    private static void checkStateless(ModelSpec spec, TorchModule module, float[] x) {
        float[] before = module.output(x, 2);
        try {
            module.addGradient(x, new float[before.length], 2, 0, new float[module.length()]);
        } catch (RuntimeException e) {
            return; // checkTrainable names it
        }
        float[] after = module.output(x, 2);
        if (!Arrays.equals(before, after)) {
            throw new ConfigurationException("model " + spec + " changes its own state in a training pass (batch "
                    + "normalisation's running statistics, most likely) and does not expose it: save it with "
                    + "python/adan_spark/torchscript.py (adan_spark.torchscript.export(model, path)), which adds the "
                    + ScriptModule.GET_BUFFERS + " and " + ScriptModule.SET_BUFFERS + " methods this backend reads "
                    + "and writes the buffers with", null);
        }
    }

    /** One forward and backward pass of two examples, on the driver, so a module that cannot be trained fails here. */
    private static void checkTrainable(ModelSpec spec, TorchModule module, float[] x, Objective objective,
                                       DataShape data) {
        int positions = data.tokens() ? data.width() : 1; // a window's examples are token ids: 0 is one
        float[] examples = data.tokens() ? new float[x.length] : x;
        try {
            module.addGradient(examples, new float[2 * objective.outputs() * positions], 2, 0,
                    new float[module.length()]);
        } catch (RuntimeException e) {
            throw new ConfigurationException("model " + spec + " cannot be trained: "
                    + TorchModule.firstLine(Failures.reason(e)), e);
        }
    }

    private static float[] randomExamples(int m, int width, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[m * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        return x;
    }
}
