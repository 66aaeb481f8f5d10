package org.adanspark.spark.model.torch;

import ai.djl.Device;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.adanspark.io.Sha256;
import org.adanspark.spark.model.ModelHandle;
import org.adanspark.spark.model.Objective;
import org.adanspark.spark.model.Replica;
import org.adanspark.spark.model.ReplicaPool;
import org.adanspark.spark.model.NativeRuntime;

/**
 * A PyTorch model behind the compute-backend port: its {@link TorchDefinition} (a TorchScript module's bytes,
 * or a preset and its seed, and the objective), shipped to the executors, the shape one example takes at its
 * input, and modules of it borrowed from the executor's {@link ReplicaPool}. θ is the network's parameters then
 * its buffers ({@link TorchModule}); its initial value is the one a module was saved with, or a preset's
 * seeded draw.
 */
public final class TorchModel implements ModelHandle {

    private static final long serialVersionUID = 1L;

    /** The backend's name, as saved models record it. */
    public static final String BACKEND = "pytorch";

    private final String definition;
    private final int[] exampleShape;
    private final String sha256;
    private transient volatile TorchDefinition decoded;

    private TorchModel(String definition, int[] exampleShape) {
        this.definition = definition;
        this.exampleShape = exampleShape.clone();
        this.sha256 = Sha256.ofUtf8(definition);
    }

    /**
     * @param module the TorchScript module's bytes
     * @param objective what its output predicts and the loss it is trained on
     * @param draws whether its training pass draws random numbers ({@link TorchDefinition#draws})
     * @param exampleShape the shape of one example at its input
     * @return the model
     */
    static TorchModel of(byte[] module, Objective objective, boolean draws, int... exampleShape) {
        return of(new TorchDefinition.Script(module, objective, draws).encode(), exampleShape);
    }

    /**
     * @param definition a {@link TorchDefinition}'s text
     * @param exampleShape the shape of one example at its input
     * @return the model
     * @throws IllegalArgumentException when the definition is not one
     */
    static TorchModel of(String definition, int... exampleShape) {
        if (exampleShape.length == 0) {
            throw new IllegalArgumentException("an example needs a shape");
        }
        TorchModel model = new TorchModel(definition, exampleShape);
        model.decoded();
        return model;
    }

    private TorchDefinition decoded() {
        TorchDefinition d = decoded;
        if (d == null) {
            d = TorchDefinition.decode(definition);
            decoded = d;
        }
        return d;
    }

    /**
     * @param definition a preset or a module
     * @param exampleShape the shape of one example at its input
     * @return the model
     */
    static TorchModel of(TorchDefinition definition, int... exampleShape) {
        return of(definition.encode(), exampleShape);
    }

    /** @return a module of this model, loaded in this JVM on the CPU, not from the pool */
    TorchModule load() {
        return load(Device.cpu());
    }

    private TorchModule load(Device device) {
        return decoded().load(exampleShape, device);
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public NativeRuntime runtime() {
        return TorchNativeRuntime.INSTANCE;
    }

    @Override
    public String sha256() {
        return sha256;
    }

    @Override
    public int[] exampleShape() {
        return exampleShape.clone();
    }

    @Override
    public float[] initialParams() {
        try (TorchModule module = load()) {
            return decoded().initialTheta(module);
        }
    }

    /** A module on the task's device ({@link TorchDevice}): the GPU Spark assigned it, or the CPU. */
    @Override
    public Replica lease(float[] theta) {
        TorchRuntime.threads(TorchNativeRuntime.threads());
        Device device = TorchDevice.ofCurrentTask();
        ReplicaPool.Key key = ReplicaPool.Key.training(backend(), device.toString(), sha256);
        TorchModule module = ReplicaPool.borrow(key, TorchModule.class, () -> load(device));
        module.setTheta(theta);
        return new TorchReplica(key, module);
    }

    @Override
    public Replica predictor(String paramsSha256, float[] theta) {
        TorchRuntime.threads(TorchNativeRuntime.threads());
        Device device = TorchDevice.ofCurrentTask();
        ReplicaPool.Key key = ReplicaPool.Key.prediction(backend(), device.toString(), sha256, paramsSha256);
        TorchModule module = ReplicaPool.borrow(key, TorchModule.class, () -> {
            TorchModule loaded = load(device);
            loaded.setTheta(theta);
            return loaded;
        });
        return new TorchReplica(key, module);
    }

    @Override
    public String definition() {
        return definition;
    }

    @Override
    public String definitionFile() {
        return decoded().definitionFile();
    }

    @Override
    public String nativeFile() {
        return decoded().nativeFile();
    }

    /**
     * The trained model in its library's form, its parameters and buffers θ's: a TorchScript module as
     * TorchScript ({@code torch.jit.load}), a preset as DJL's parameter file ({@code Block.loadParameters}
     * of the same preset).
     */
    @Override
    public void writeNative(float[] theta, OutputStream out) throws IOException {
        try (TorchModule module = load()) {
            module.setTheta(theta);
            module.write(out);
        }
    }

    @Override
    public String toString() {
        return "TorchModel[" + sha256.substring(0, 12) + ", example " + Arrays.toString(exampleShape) + "]";
    }
}
