package org.adanspark.spark.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.adanspark.io.CorruptCheckpointException;
import org.adanspark.spark.checkpoint.ParamsCodec;
import org.adanspark.spark.model.ComputeBackend;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.Replica;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * A trained network: its model (a {@link ModelHandle} of whichever compute backend trained it) and its
 * float32 parameters, with a forward pass usable on executors, one row or a batch of rows at a time, and a
 * documented on-disk form.
 *
 * <p>On disk, under {@code DIR}: the model's definition, in the file its backend names ({@code network.json}
 * for DL4J: a {@code MultiLayerConfiguration} or {@code ComputationGraphConfiguration} JSON),
 * {@code params.bin} ({@code "ADANPRMS"}, int32 version 1, int32 count, then the float32 values, all
 * little-endian — the checkpoint format of {@link ParamsCodec}) and {@code manifest.properties}
 * ({@code format=adan-net/1}, {@code numFeatures}, {@code numOutputs}, {@code numParams},
 * {@code paramsFileSha256}, the SHA-256 of {@code params.bin}, checked on load, {@code exampleShape},
 * how a row enters the network, e.g. {@code 1,28,28} for a graph that takes images, {@code backend} and
 * {@code definition}, the backend and the definition's file; a manifest without the last three, written
 * before they existed, means a flat row and DL4J's {@code network.json}).
 *
 * <p>The forward pass takes replicas from the executor's pool ({@link ModelHandle#predictor}), keyed by the
 * parameters' SHA-256, so a task neither rebuilds a network per row nor copies the parameters into it again.
 */
public final class TrainedNetwork implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String FORMAT = "adan-net/1";
    /** The backend of a manifest that names none: every model saved before backends existed is DL4J's. */
    private static final String LEGACY_BACKEND = "dl4j";
    private static final String LEGACY_DEFINITION = "network.json";

    private final ModelHandle model;
    private final float[] params;
    private final int numFeatures;
    private final int numOutputs;
    private final String paramsSha256;

    /**
     * @param model the model and the shape a row takes at its input
     * @param params θ in the network's flat order (not copied)
     * @param numFeatures inputs per example
     * @param numOutputs width of the output layer
     */
    public TrainedNetwork(ModelHandle model, float[] params, int numFeatures, int numOutputs) {
        if (model.exampleLength() != numFeatures) {
            throw new IllegalArgumentException("the network takes examples of shape "
                    + java.util.Arrays.toString(model.exampleShape()) + ", not rows of " + numFeatures + " features");
        }
        this.model = model;
        this.params = params;
        this.numFeatures = numFeatures;
        this.numOutputs = numOutputs;
        this.paramsSha256 = ParamsCodec.sha256(params);
    }

    /** @return the model's definition, as its backend saves it (a DL4J configuration's JSON) */
    public String modelDefinition() {
        return model.definition();
    }

    /** @return the DL4J configuration and the shape of a row at the network's input */
    public ModelHandle model() {
        return model;
    }

    /** @return a copy of θ */
    public float[] params() {
        return params.clone();
    }

    /** @return inputs per example */
    public int numFeatures() {
        return numFeatures;
    }

    /** @return width of the output layer */
    public int numOutputs() {
        return numOutputs;
    }

    /** @return SHA-256 of θ as float32 little-endian, as the trainer reports it */
    public String paramsSha256() {
        return paramsSha256;
    }

    /**
     * The network's output for one example: class probabilities for a classifier, the prediction for a
     * regressor.
     *
     * @param features the example, of {@link #numFeatures()} values
     * @return the output layer's activations
     * @throws IllegalArgumentException when the example has the wrong size
     */
    public double[] output(Vector features) {
        float[] x = new float[numFeatures];
        copyRow(features, x, 0);
        float[] out = output(x, 1);
        double[] result = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            result[i] = out[i];
        }
        return result;
    }

    /**
     * The network's outputs for a batch of examples, in one forward pass.
     *
     * @param x {@code m × numFeatures()} values, row-major (not modified)
     * @param m examples
     * @return {@code m × numOutputs()} outputs, row-major
     */
    public float[] output(float[] x, int m) {
        try (Replica replica = model.predictor(paramsSha256, params)) {
            return replica.output(x, m);
        }
    }

    /**
     * Copies one example into {@code x} from {@code offset}, dense or sparse.
     *
     * @param features the example, of {@link #numFeatures()} values
     * @param x the destination, zero from {@code offset} for {@code numFeatures()} values
     * @param offset where the example starts in {@code x}
     * @throws IllegalArgumentException when the example has the wrong size
     */
    public void copyRow(Vector features, float[] x, int offset) {
        if (features.size() != numFeatures) {
            throw new IllegalArgumentException("the model takes " + numFeatures + " features, the row has "
                    + features.size());
        }
        if (features instanceof SparseVector sv) {
            int[] idx = sv.indices();
            double[] val = sv.values();
            for (int k = 0; k < idx.length; k++) {
                x[offset + idx[k]] = (float) val[k];
            }
        } else if (features instanceof DenseVector dv) {
            double[] val = dv.values();
            for (int i = 0; i < numFeatures; i++) {
                x[offset + i] = (float) val[i];
            }
        } else {
            for (int i = 0; i < numFeatures; i++) {
                x[offset + i] = (float) features.apply(i);
            }
        }
    }

    /**
     * Writes the network under {@code dir} (see the class comment for the files).
     *
     * @param dir the directory, on any Hadoop file system
     * @param hadoop the Hadoop configuration
     * @throws IOException if writing fails
     */
    public void save(Path dir, Configuration hadoop) throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        fs.mkdirs(dir);
        try (OutputStream out = fs.create(new Path(dir, model.definitionFile()), true)) {
            out.write(model.definition().getBytes(StandardCharsets.UTF_8));
        }
        String fileSha;
        try (OutputStream out = fs.create(new Path(dir, "params.bin"), true)) {
            fileSha = ParamsCodec.write(params, out);
        }
        Properties manifest = new Properties();
        manifest.setProperty("format", FORMAT);
        manifest.setProperty("numFeatures", Integer.toString(numFeatures));
        manifest.setProperty("numOutputs", Integer.toString(numOutputs));
        manifest.setProperty("numParams", Integer.toString(params.length));
        manifest.setProperty("paramsFileSha256", fileSha);
        manifest.setProperty("backend", model.backend());
        manifest.setProperty("definition", model.definitionFile());
        manifest.setProperty("exampleShape", java.util.Arrays.stream(model.exampleShape()).mapToObj(Integer::toString)
                .collect(java.util.stream.Collectors.joining(",")));
        try (OutputStream out = fs.create(new Path(dir, "manifest.properties"), true)) {
            manifest.store(out, "adan-spark trained network; see TrainedNetwork's javadoc");
        }
    }

    /**
     * Reads a network written by {@link #save}.
     *
     * @param dir the directory
     * @param hadoop the Hadoop configuration
     * @return the network
     * @throws CorruptCheckpointException naming the file when a file is missing, altered or inconsistent
     * @throws IOException if reading fails
     */
    public static TrainedNetwork load(Path dir, Configuration hadoop) throws IOException {
        FileSystem fs = dir.getFileSystem(hadoop);
        Path manifestFile = new Path(dir, "manifest.properties");
        if (!fs.exists(manifestFile)) {
            throw new CorruptCheckpointException(manifestFile + ": missing; " + dir + " is not a saved adan-spark model");
        }
        Properties manifest = new Properties();
        try (InputStream in = fs.open(manifestFile)) {
            manifest.load(in);
        }
        if (!FORMAT.equals(manifest.getProperty("format"))) {
            throw new CorruptCheckpointException(manifestFile + ": format is '" + manifest.getProperty("format")
                    + "', expected '" + FORMAT + "'");
        }
        int numFeatures = intOf(manifest, "numFeatures", manifestFile);
        int numOutputs = intOf(manifest, "numOutputs", manifestFile);
        int numParams = intOf(manifest, "numParams", manifestFile);
        String backend = manifest.getProperty("backend", LEGACY_BACKEND);
        Path definitionFile = new Path(dir, manifest.getProperty("definition", LEGACY_DEFINITION));
        if (!fs.exists(definitionFile)) {
            throw new CorruptCheckpointException(definitionFile + ": missing");
        }
        String definition;
        try (InputStream in = fs.open(definitionFile)) {
            definition = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        float[] params;
        Path paramsFile = new Path(dir, "params.bin");
        try (InputStream in = fs.open(paramsFile)) {
            params = ParamsCodec.read(in, paramsFile.toString(), numParams, manifest.getProperty("paramsFileSha256", ""));
        }
        int[] shape = shapeOf(manifest, manifestFile, numFeatures);
        ModelHandle model;
        try {
            model = ComputeBackend.named(backend).restore(definition, shape);
        } catch (RuntimeException e) {
            throw new CorruptCheckpointException(definitionFile + ": not a model of backend " + backend + ": "
                    + e.getMessage());
        }
        try {
            return new TrainedNetwork(model, params, numFeatures, numOutputs);
        } catch (IllegalArgumentException e) {
            throw new CorruptCheckpointException(manifestFile + ": " + e.getMessage());
        }
    }

    private static int[] shapeOf(Properties p, Path file, int numFeatures) throws CorruptCheckpointException {
        String v = p.getProperty("exampleShape");
        if (v == null) {
            return new int[] {numFeatures};
        }
        try {
            return java.util.Arrays.stream(v.split(",")).mapToInt(d -> Integer.parseInt(d.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new CorruptCheckpointException(file + ": exampleShape is '" + v + "', not integers separated by commas");
        }
    }

    private static int intOf(Properties p, String key, Path file) throws CorruptCheckpointException {
        String v = p.getProperty(key);
        try {
            return Integer.parseInt(v == null ? "" : v.trim());
        } catch (NumberFormatException e) {
            throw new CorruptCheckpointException(file + ": " + key + " is '" + v + "', not an integer");
        }
    }
}
