package org.adanspark.spark.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.adanspark.io.CorruptCheckpointException;
import org.adanspark.io.Sha256;
import org.adanspark.spark.train.ModelHandle;
import org.adanspark.spark.train.NetworkCache;
import org.adanspark.spark.train.ParamsCodec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A trained network: its DL4J configuration and its float32 parameters, with a forward pass usable on
 * executors and a documented on-disk form.
 *
 * <p>On disk, under {@code DIR}: {@code network.json} (DL4J's {@code MultiLayerConfiguration} JSON),
 * {@code params.bin} ({@code "ADANPRMS"}, int32 version 1, int32 count, then the float32 values, all
 * little-endian — the checkpoint format of {@link ParamsCodec}) and {@code manifest.properties}
 * ({@code format=adan-net/1}, {@code numFeatures}, {@code numOutputs}, {@code numParams} and
 * {@code paramsFileSha256}, the SHA-256 of {@code params.bin}, checked on load).
 *
 * <p>The forward pass takes networks from the JVM's {@link NetworkCache}, keyed by the parameters' SHA-256, so a
 * task neither rebuilds a network per row nor copies the parameters into it again.
 */
public final class TrainedNetwork implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final String FORMAT = "adan-net/1";

    private final String modelJson;
    private final float[] params;
    private final int numFeatures;
    private final int numOutputs;
    private final String paramsSha256;
    private final String key;

    /**
     * @param modelJson the DL4J configuration
     * @param params θ in the network's flat order (not copied)
     * @param numFeatures inputs per example
     * @param numOutputs width of the output layer
     */
    public TrainedNetwork(String modelJson, float[] params, int numFeatures, int numOutputs) {
        this.modelJson = modelJson;
        this.params = params;
        this.numFeatures = numFeatures;
        this.numOutputs = numOutputs;
        this.paramsSha256 = ParamsCodec.sha256(params);
        this.key = "fitted\n" + paramsSha256 + "\n" + Sha256.ofUtf8(modelJson);
    }

    /** @return the DL4J configuration JSON */
    public String modelJson() {
        return modelJson;
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
        if (features.size() != numFeatures) {
            throw new IllegalArgumentException("the model takes " + numFeatures + " features, the row has "
                    + features.size());
        }
        float[] x = new float[numFeatures];
        if (features instanceof SparseVector sv) {
            int[] idx = sv.indices();
            double[] val = sv.values();
            for (int k = 0; k < idx.length; k++) {
                x[idx[k]] = (float) val[k];
            }
        } else {
            for (int i = 0; i < numFeatures; i++) {
                x[i] = (float) features.apply(i);
            }
        }
        MultiLayerNetwork net = borrow();
        try {
            INDArray out = net.output(Nd4j.create(x, new long[] {1, numFeatures}, 'c'), false);
            return out.toDoubleVector();
        } finally {
            release(net);
        }
    }

    private MultiLayerNetwork borrow() {
        return NetworkCache.borrow(key, () -> ModelHandle.ofJson(modelJson).build(params));
    }

    private void release(MultiLayerNetwork net) {
        NetworkCache.release(key, net);
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
        try (OutputStream out = fs.create(new Path(dir, "network.json"), true)) {
            out.write(modelJson.getBytes(StandardCharsets.UTF_8));
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
        String json;
        try (InputStream in = fs.open(new Path(dir, "network.json"))) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        float[] params;
        Path paramsFile = new Path(dir, "params.bin");
        try (InputStream in = fs.open(paramsFile)) {
            params = ParamsCodec.read(in, paramsFile.toString(), numParams, manifest.getProperty("paramsFileSha256", ""));
        }
        try {
            MultiLayerConfiguration.fromJson(json);
        } catch (RuntimeException e) {
            throw new CorruptCheckpointException(new Path(dir, "network.json") + ": not a DL4J configuration: "
                    + e.getMessage());
        }
        return new TrainedNetwork(json, params, numFeatures, numOutputs);
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
