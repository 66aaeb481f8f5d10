package org.adanspark.spark.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.adanspark.spark.model.ModelSpec;
import org.adanspark.spark.model.Objective;

/**
 * A preset built from DJL's blocks ({@link TorchPresets}) as a {@link TorchModule}: the parameters that take
 * a gradient in the blocks' order, then those that do not (batch normalisation's running mean and variance),
 * which are its buffers. libtorch updates the running statistics in place during a training pass; they are
 * read and written in place, as the parameters are.
 */
final class BlockModule extends TorchModule {

    private final Block block;
    private final ParameterStore store;
    private final List<Parameter> trained;
    private final List<Parameter> buffers;
    private final List<String> bufferNames;

    private BlockModule(PtNDManager manager, Block block, List<Pair<String, Parameter>> trained,
                        List<Pair<String, Parameter>> buffers, int[] exampleShape, Objective objective) {
        super(manager, trained.stream().map(p -> (PtNDArray) p.getValue().getArray()).toList(),
                trained.stream().map(Pair::getKey).toList(),
                buffers.stream().map(p -> p.getValue().getShape()).toArray(Shape[]::new), exampleShape, objective);
        this.block = block;
        this.store = new ParameterStore(manager, false);
        this.trained = trained.stream().map(Pair::getValue).toList();
        this.buffers = buffers.stream().map(Pair::getValue).toList();
        this.bufferNames = buffers.stream().map(Pair::getKey).toList();
    }

    /**
     * Builds and initialises a preset.
     *
     * @param spec the preset
     * @param exampleShape the shape of one example at its input ({@link TorchPresets#exampleShape})
     * @param objective what its output predicts: the output layer's width
     * @param device where it computes
     * @return the module, its θ DJL's initialisation until {@link #setTheta} (use {@link #initialTheta})
     */
    static BlockModule build(ModelSpec spec, int[] exampleShape, Objective objective, Device device) {
        PtNDManager manager = (PtNDManager) TorchRuntime.engine().newBaseManager(device);
        BlockModule m;
        try {
            Block block = TorchPresets.block(spec, exampleShape, objective.outputs());
            block.initialize(manager, DataType.FLOAT32, new Shape(batchShape(exampleShape, 1)));
            List<Pair<String, Parameter>> trained = new ArrayList<>();
            List<Pair<String, Parameter>> buffers = new ArrayList<>();
            for (Pair<String, Parameter> p : block.getParameters()) {
                (p.getValue().requiresGradient() ? trained : buffers).add(p);
                p.getValue().getArray().setRequiresGradient(p.getValue().requiresGradient());
            }
            m = new BlockModule(manager, block, trained, buffers, exampleShape, objective);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return ready(m);
    }

    /**
     * @param seed the run's seed
     * @return the preset's initial θ ({@link TorchPresets#initialTheta}): the same on every machine
     */
    float[] initialTheta(long seed) {
        return TorchPresets.initialTheta(trained, buffers, seed);
    }

    @Override
    protected NDArray run(NDManager sub, NDArray input, boolean training) {
        NDList out = block.forward(store, new NDList(input), training);
        return out.singletonOrThrow();
    }

    @Override
    protected float[] readBuffers() {
        int n = 0;
        for (Parameter b : buffers) {
            n += Math.toIntExact(b.getShape().size());
        }
        float[] values = new float[n];
        int k = 0;
        for (Parameter b : buffers) {
            read((PtNDArray) b.getArray(), values, k);
            k += Math.toIntExact(b.getShape().size());
        }
        return values;
    }

    @Override
    protected void writeBuffers(float[] values) {
        int k = 0;
        for (Parameter b : buffers) {
            write((PtNDArray) b.getArray(), values, k);
            k += Math.toIntExact(b.getShape().size());
        }
    }

    @Override
    protected String bufferName(int i) {
        return bufferNames.get(i);
    }

    /** Writes the blocks' parameters and buffers in DJL's parameter format ({@code Block.loadParameters} reads it). */
    @Override
    void write(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        block.saveParameters(data);
        data.flush();
    }
}
