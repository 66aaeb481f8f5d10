package org.adanspark.spark.model.dl4j;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.adanspark.io.Sha256;
import org.adanspark.optim.ParamLayout;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.NativeRuntime;
import org.adanspark.spark.model.ParamRoles;
import org.adanspark.spark.model.Replica;
import org.adanspark.spark.model.ReplicaPool;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J model behind the compute-backend port: its configuration of either kind ({@link Network.Kind},
 * shipped to the executors as JSON), the shape one example takes at its input, its fingerprint (the JSON's
 * SHA-256), and networks of it leased from the executor's {@link ReplicaPool}. The one place that knows
 * how a DL4J network of the model is built and fed.
 */
public final class Dl4jModel implements ModelHandle {

    static {
        Nd4jVariant.select(); // ND4J's native build and the BLAS kernel, before this class first reaches ND4J
    }

    private static final long serialVersionUID = 1L;

    /** The backend's name, as saved models record it. */
    public static final String BACKEND = "dl4j";

    private final String configJson;
    private final int[] exampleShape;
    private final String sha256;
    /** The runs of θ the optimizer does not train, found from the first network built in this process. */
    private transient volatile List<ParamRoles.Range> nonTrained;

    private Dl4jModel(String configJson, int[] exampleShape) {
        this.configJson = configJson;
        this.exampleShape = exampleShape.clone();
        this.sha256 = Sha256.ofUtf8(configJson);
    }

    /**
     * @param configJson a configuration of either kind, as DL4J's {@code toJson()} writes it
     * @param exampleShape the shape of one example at the network's input: {@code {features}} for a flat
     *     row, {@code {channels, height, width}} for an image layer that takes no flat input, {@code {T}}
     *     for a window of token ids
     * @return the model
     */
    public static Dl4jModel of(String configJson, int... exampleShape) {
        if (exampleShape.length == 0) {
            throw new IllegalArgumentException("an example needs a shape");
        }
        return new Dl4jModel(configJson, exampleShape);
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public NativeRuntime runtime() {
        return Dl4jRuntime.INSTANCE;
    }

    @Override
    public int[] exampleShape() {
        return exampleShape.clone();
    }

    /**
     * @param values {@code m} examples, row-major
     * @param m examples
     * @return the network's input array: {@code [m, ...exampleShape]}
     */
    INDArray input(float[] values, int m) {
        return input(exampleShape, values, m);
    }

    static INDArray input(int[] exampleShape, float[] values, int m) {
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = m;
        for (int i = 0; i < exampleShape.length; i++) {
            shape[i + 1] = exampleShape[i];
        }
        return Nd4j.create(values, shape, 'c');
    }

    /** @return the configuration's JSON */
    public String configJson() {
        return configJson;
    }

    @Override
    public String sha256() {
        return sha256;
    }

    @Override
    public String definition() {
        return configJson;
    }

    @Override
    public String definitionFile() {
        return "network.json";
    }

    @Override
    public String nativeFile() {
        return "model.zip";
    }

    /** DL4J's {@code ModelSerializer} zip, read by {@code restoreMultiLayerNetwork} or {@code restoreComputationGraph}. */
    @Override
    public void writeNative(float[] theta, OutputStream out) throws IOException {
        ModelSerializer.writeModel(build(theta).model(), out, false);
    }

    /**
     * Under Spark GPU scheduling the task's thread is first bound to its assigned GPU ({@link TaskDevice}),
     * and the network borrowed is one that lives on that device.
     */
    @Override
    public Replica lease(float[] theta) {
        int device = TaskDevice.bindCurrentTask();
        ReplicaPool.Key key = ReplicaPool.Key.training(backend(), device == TaskDevice.NONE ? "cpu" : "gpu:" + device,
                sha256);
        Network net = ReplicaPool.borrow(key, Network.class, () -> {
            Network built = Network.fromJson(configJson);
            built.init();
            return built;
        });
        net.setParams(Nd4j.create(theta, new long[] {1, theta.length}, 'c'));
        return new Dl4jReplica(this, key, net, nonTrained(net));
    }

    @Override
    public Replica predictor(String paramsSha256, float[] theta) {
        ReplicaPool.Key key = ReplicaPool.Key.prediction(backend(), "cpu", sha256, paramsSha256);
        // a predictor only runs forward: what the optimizer does not train does not concern it
        return new Dl4jReplica(this, key, ReplicaPool.borrow(key, Network.class, () -> build(theta)), List.of());
    }

    /** @return the runs of θ the optimizer does not train ({@link Dl4jBackend#rolesOf}), from a network of this model */
    private List<ParamRoles.Range> nonTrained(Network net) {
        List<ParamRoles.Range> ranges = nonTrained;
        if (ranges == null) {
            ParamLayout layout = Dl4jBackend.layoutOf(net);
            ranges = Dl4jBackend.rolesOf(net, layout).nonTrained(layout);
            nonTrained = ranges;
        }
        return ranges;
    }

    /**
     * @param theta the parameters
     * @return a new network of this model with them, not from the cache
     */
    public Network build(float[] theta) {
        Network net = Network.fromJson(configJson);
        net.init(Nd4j.create(theta, new long[] {1, theta.length}, 'c'));
        return net;
    }

    @Override
    public float[] initialParams() {
        Network net = Network.fromJson(configJson);
        net.init();
        return net.params().toFloatVector();
    }

    @Override
    public String toString() {
        return "Dl4jModel[" + sha256.substring(0, 12) + ", example " + Arrays.toString(exampleShape) + "]";
    }
}
