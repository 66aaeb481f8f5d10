package org.adanspark.spark.model.torch;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.adanspark.spark.model.Objective;

/**
 * A TorchScript module as a {@link TorchModule}: its parameters in the module's parameter order, then its
 * buffers, which a module exposes through {@code adan_buffers()} and {@code adan_set_buffers()}
 * ({@code python/adan_spark/torchscript.py} writes them; docs/MODELS.md, "PyTorch models").
 */
final class ScriptModule extends TorchModule {

    /** The methods a module with buffers exposes (python/adan_spark/torchscript.py writes them). */
    static final String GET_BUFFERS = "adan_buffers";
    static final String SET_BUFFERS = "adan_set_buffers";

    private final PtSymbolBlock block;
    private final Shape[] bufferShapes;
    private final DataType[] bufferTypes;
    private boolean training = true;

    private ScriptModule(PtNDManager manager, PtSymbolBlock block, List<PtNDArray> params, List<String> names,
                         NDList buffers, int[] exampleShape, Objective objective) {
        super(manager, params, names, shapes(buffers), exampleShape, objective);
        this.block = block;
        this.bufferShapes = shapes(buffers);
        this.bufferTypes = buffers == null ? new DataType[0]
                : buffers.stream().map(NDArray::getDataType).toArray(DataType[]::new);
    }

    /**
     * Loads a module from its bytes in training mode, every parameter requiring its gradient.
     *
     * @param module the TorchScript module's bytes
     * @param exampleShape the shape of one example at its input (empty while it is being probed)
     * @param objective the loss its output is trained on
     * @param device where it computes: its parameters and buffers are mapped there
     * @return the module
     * @throws IllegalArgumentException when the bytes are not a TorchScript module libtorch can load, or a
     *     parameter is not float32
     */
    static ScriptModule load(byte[] module, int[] exampleShape, Objective objective, Device device) {
        PtNDManager manager = (PtNDManager) TorchRuntime.engine().newBaseManager(device);
        ScriptModule m;
        try {
            PtSymbolBlock block;
            try {
                block = JniUtils.loadModule(manager, new ByteArrayInputStream(module), true, false);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a TorchScript module libtorch "
                        + TorchRuntime.engine().getVersion() + " can load: " + firstLine(e.getMessage()), e);
            }
            JniUtils.enableTrainingMode(block);
            List<PtNDArray> params = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (NDArray p : JniUtils.moduleGetParams(block, manager)) {
                if (p.getDataType() != DataType.FLOAT32) {
                    throw new IllegalArgumentException("parameter " + p.getName() + " is " + p.getDataType()
                            + "; the PyTorch backend trains float32 modules (save it after model.float())");
                }
                p.setRequiresGradient(true);
                params.add((PtNDArray) p);
                names.add(p.getName());
            }
            try (NDManager sub = manager.newSubManager()) { // the buffers' shapes and types, once
                m = new ScriptModule(manager, block, params, names, callBuffers(block, (PtNDManager) sub), exampleShape,
                        objective);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return ready(m);
    }

    private static Shape[] shapes(NDList buffers) {
        return buffers == null ? new Shape[0] : buffers.stream().map(NDArray::getShape).toArray(Shape[]::new);
    }

    /** @return the module's buffers, or null when it has no {@value #GET_BUFFERS} method */
    private static NDList callBuffers(PtSymbolBlock block, PtNDManager manager) {
        IValue result;
        try {
            result = IValueUtils.runMethod(block, GET_BUFFERS);
        } catch (RuntimeException e) {
            if (String.valueOf(e.getMessage()).contains(GET_BUFFERS)) {
                return null; // no such method: a module without buffers, or one saved without the wrapper
            }
            throw e;
        }
        try (result) {
            return new NDList(result.toTensorArray(manager));
        }
    }

    @Override
    protected NDArray run(NDManager sub, NDArray input, boolean training) {
        mode(training);
        NDList out = IValueUtils.forward(block, new NDList(input), training);
        if (out.size() != 1) {
            throw new IllegalArgumentException("the module returns " + out.size() + " tensors; it must return one");
        }
        return out.get(0);
    }

    @Override
    protected String explain(RuntimeException e) {
        if (String.valueOf(e.getMessage()).contains("missing value for argument")) {
            return "its forward takes more than one tensor; a model takes one";
        }
        return super.explain(e);
    }

    /**
     * Puts the module in training or inference mode ({@code module.train()} / {@code eval()}: batch
     * normalisation's batch or running statistics, dropout on or off); DJL's {@code forward} flag only sets
     * the gradient mode.
     */
    private void mode(boolean training) {
        if (training != this.training) {
            if (training) {
                JniUtils.enableTrainingMode(block);
            } else {
                JniUtils.enableInferenceMode(block);
            }
            this.training = training;
        }
    }

    @Override
    protected float[] readBuffers() {
        int n = 0;
        for (Shape s : bufferShapes) {
            n += Math.toIntExact(s.size());
        }
        float[] values = new float[n];
        if (bufferShapes.length == 0) {
            return values;
        }
        try (NDManager sub = manager.newSubManager()) {
            int k = 0;
            for (NDArray b : callBuffers(block, (PtNDManager) sub)) {
                float[] v = b.toType(DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(v, 0, values, k, v.length);
                k += v.length;
            }
        }
        return values;
    }

    @Override
    protected void writeBuffers(float[] values) {
        try (NDManager sub = manager.newSubManager()) {
            PtNDArray[] tensors = new PtNDArray[bufferShapes.length];
            int k = 0;
            for (int i = 0; i < tensors.length; i++) {
                int n = Math.toIntExact(bufferShapes[i].size());
                tensors[i] = (PtNDArray) sub.create(Arrays.copyOfRange(values, k, k + n), bufferShapes[i])
                        .toType(bufferTypes[i], false);
                k += n;
            }
            try (IValue list = IValue.listFrom(tensors);
                 IValue ignored = IValueUtils.runMethod(block, SET_BUFFERS, list)) {
                // the buffers now hold the values
            }
        }
    }

    @Override
    protected String bufferName(int i) {
        return "buffer:" + i;
    }

    /** Writes the module as TorchScript ({@code torch.jit.load} reads it). */
    @Override
    void write(OutputStream out) {
        JniUtils.writeModule(block, out, false); // false: a plain TorchScript file, no size prefix
    }
}
