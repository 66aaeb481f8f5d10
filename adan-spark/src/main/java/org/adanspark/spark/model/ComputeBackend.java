package org.adanspark.spark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.error.ConfigurationException;

/**
 * A compute backend: what makes {@link ModelHandle}s (docs/ARCHITECTURE.md, "The compute backend").
 * Backends are found with {@link ServiceLoader} ({@code META-INF/services}), so the trainer, the
 * executions and the estimators name none: a model spec picks the backend that builds it
 * ({@link #forSpec}), a saved model the backend it was saved by ({@link #named}).
 */
public interface ComputeBackend {

    /**
     * What one example of the training data looks like.
     *
     * @param name the data set's name, for messages
     * @param width values per example at the model's input: the features of a row, or a token window's
     *     length
     * @param tokens whether the examples are token windows (a language model's)
     */
    record DataShape(String name, int width, boolean tokens) {
    }

    /**
     * A model built and checked for the data, on the driver.
     *
     * @param model its handle, to ship to the tasks
     * @param layout its parameter tensors in θ's order, each with its matrix view (what Adafactor and the
     *     per-tensor optimizers need)
     * @param roles which tensors the optimizer trains and which are the model's non-trained state
     */
    record Prepared(ModelHandle model, ParamLayout layout, ParamRoles roles) {
    }

    /**
     * A format of model definition file a backend reads: what {@code --model PREFIX:PATH}, or a path ending in
     * the suffix, names ({@link ModelSpec#parse}).
     *
     * @param prefix the spec's prefix, e.g. {@code torchscript}
     * @param suffix the file name ending that names the format without the prefix, e.g. {@code .pt}
     * @param what what such a file holds, for messages and docs
     */
    record DefinitionFormat(String prefix, String suffix, String what) {
    }

    /** @return the backend's name, e.g. {@code dl4j}: what a saved model records */
    String name();

    /** @return the formats of definition file the backend reads, empty for one that builds presets only */
    default List<DefinitionFormat> formats() {
        return List.of();
    }

    /** @return the backend's native libraries in this JVM: threads, CPU kernel, what executors need */
    NativeRuntime runtime();

    /**
     * @param spec a model spec
     * @return whether this backend builds it when asked to by name ({@code --backend})
     */
    boolean builds(ModelSpec spec);

    /**
     * @param spec a model spec
     * @return whether this backend builds it when no backend is named: a definition file its own format, a
     *     preset the default backend's ({@code dl4j})
     */
    default boolean isDefaultFor(ModelSpec spec) {
        return builds(spec);
    }

    /**
     * The widths a model definition file declares, so the data can be read and checked against it before
     * the model is built.
     *
     * @param spec a spec this backend builds
     * @return {@code {inputs, outputs}}, inputs −1 when the first layer does not say; empty for a preset
     * @throws ConfigurationException when the file cannot be read or is not a model this backend trains
     */
    Optional<int[]> declaredWidths(ModelSpec spec);

    /**
     * Builds the model on the driver and checks it against the data before any Spark job: that it can be
     * built, that it can be trained here, how one example enters it ({@link ShapeProbe}) and that its output
     * has one value per class (per position, for token windows).
     *
     * @param spec the model
     * @param data the training data's shape
     * @param objective the output and loss of a preset (a definition file keeps its own)
     * @param seed the initialisation seed
     * @return the handle and the layout
     * @throws ConfigurationException when the model cannot be built or trained, naming the model and why
     * @throws org.adanspark.spark.data.DataValidationException when a preset does not fit the data
     */
    Prepared prepare(ModelSpec spec, DataShape data, Objective objective, long seed);

    /**
     * A saved model's handle.
     *
     * @param definition the saved definition ({@link ModelHandle#definition()})
     * @param exampleShape how one example enters it
     * @return the handle
     * @throws IllegalArgumentException when the definition is not one this backend reads
     */
    ModelHandle restore(String definition, int[] exampleShape);

    /**
     * @param spec a model spec
     * @return the backend that builds it when no backend is named
     * @throws ConfigurationException when no backend on the classpath does
     */
    static ComputeBackend forSpec(ModelSpec spec) {
        return forSpec(spec, "");
    }

    /**
     * @param spec a model spec
     * @param name the backend a run names ({@code --backend}), or blank for the spec's own
     * @return the backend that builds it
     * @throws ConfigurationException when that backend is not on the classpath or does not build the spec,
     *     naming the backends that do
     */
    static ComputeBackend forSpec(ModelSpec spec, String name) {
        List<String> found = new ArrayList<>();
        List<String> building = new ArrayList<>();
        boolean named = name != null && !name.isBlank();
        for (ComputeBackend backend : ServiceLoader.load(ComputeBackend.class, ComputeBackend.class.getClassLoader())) {
            if (named ? backend.name().equals(name) && backend.builds(spec) : backend.isDefaultFor(spec)) {
                return backend;
            }
            found.add(backend.name());
            if (backend.builds(spec)) {
                building.add(backend.name());
            }
        }
        if (named && !found.contains(name)) {
            throw new ConfigurationException("backend '" + name + "' is not on the classpath (found: "
                    + (found.isEmpty() ? "none" : String.join(", ", found)) + ")", null);
        }
        throw new ConfigurationException("model " + spec + ": " + (named ? "the " + name + " backend does not build it"
                : "no compute backend on the classpath builds it") + " (backends that do: "
                + (building.isEmpty() ? "none" : String.join(", ", building)) + ")", null);
    }

    /** @return every definition format the backends on the classpath read, in the order they are found */
    static List<DefinitionFormat> allFormats() {
        List<DefinitionFormat> formats = new ArrayList<>();
        for (ComputeBackend backend : ServiceLoader.load(ComputeBackend.class, ComputeBackend.class.getClassLoader())) {
            formats.addAll(backend.formats());
        }
        return formats;
    }

    /** @return the names of the backends on the classpath, in the order {@link ServiceLoader} finds them */
    static List<String> names() {
        List<String> names = new ArrayList<>();
        for (ComputeBackend backend : ServiceLoader.load(ComputeBackend.class, ComputeBackend.class.getClassLoader())) {
            names.add(backend.name());
        }
        return names;
    }

    /**
     * @param name a backend's name
     * @return that backend
     * @throws IllegalArgumentException when no backend of that name is on the classpath
     */
    static ComputeBackend named(String name) {
        List<String> names = new ArrayList<>();
        for (ComputeBackend backend : ServiceLoader.load(ComputeBackend.class, ComputeBackend.class.getClassLoader())) {
            if (backend.name().equals(name)) {
                return backend;
            }
            names.add(backend.name());
        }
        throw new IllegalArgumentException("no compute backend '" + name + "' on the classpath (found: "
                + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
    }
}
