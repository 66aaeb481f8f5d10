package org.adanspark.spark.model.torch;

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
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.adanspark.spark.model.Objective;

/**
 * One TorchScript module loaded in this JVM, as the port sees a model: θ is its parameters in the module's
 * parameter order, flat float32, then its buffers ({@code adan_buffers()}, docs/MODELS.md) as float32
 * values; a micro-batch's gradient is the summed loss's, by libtorch's autograd. Not thread-safe: one task
 * uses it at a time ({@link TorchModel}'s pool).
 *
 * <p>θ is written into each parameter's own storage (a direct buffer over the tensor's memory), not through
 * {@code NDArray.set}, which allocates a new tensor; every parameter is checked once at load to be one whose
 * storage that reaches.
 */
final class TorchModule implements AutoCloseable {

    /** The methods a module with buffers exposes (python/adan_torchscript.py writes them). */
    static final String GET_BUFFERS = "adan_buffers";
    static final String SET_BUFFERS = "adan_set_buffers";
    /**
     * libtorch's default random generator is one per process: a forward pass that draws (dropout) and the
     * seeding before it happen under this lock, so concurrent tasks get the same draws as sequential ones. A
     * module whose passes draw nothing ({@link #drawsRandomNumbers}) skips both.
     */
    private static final Object GENERATOR = new Object();

    private final PtNDManager manager;
    private final PtSymbolBlock block;
    private final List<PtNDArray> params;
    private final List<String> names;
    private final int[] offsets;
    private final int paramLength;
    private final Shape[] bufferShapes;
    private final DataType[] bufferTypes;
    private final int length;
    private final int[] exampleShape;
    private final Objective objective;
    private float[] bufferValues = new float[0];
    private boolean training = true;
    private boolean draws = true;

    private TorchModule(PtNDManager manager, PtSymbolBlock block, List<PtNDArray> params, List<String> names,
                        Shape[] bufferShapes, DataType[] bufferTypes, int[] exampleShape, Objective objective) {
        this.manager = manager;
        this.block = block;
        this.params = params;
        this.names = names;
        this.offsets = new int[params.size() + 1];
        for (int i = 0; i < params.size(); i++) {
            offsets[i + 1] = offsets[i] + Math.toIntExact(params.get(i).size());
        }
        this.paramLength = offsets[params.size()];
        this.bufferShapes = bufferShapes;
        this.bufferTypes = bufferTypes;
        int buffers = 0;
        for (Shape s : bufferShapes) {
            buffers += Math.toIntExact(s.size());
        }
        this.length = paramLength + buffers;
        this.exampleShape = exampleShape.clone();
        this.objective = objective;
    }

    /**
     * Loads a module from its bytes, on the CPU, in training mode, every parameter requiring its gradient.
     *
     * @param module the TorchScript module's bytes
     * @param exampleShape the shape of one example at its input (empty while it is being probed)
     * @param objective the loss its output is trained on
     * @return the module
     * @throws IllegalArgumentException when the bytes are not a TorchScript module libtorch can load, or a
     *     parameter is not float32
     */
    static TorchModule load(byte[] module, int[] exampleShape, Objective objective) {
        PtNDManager manager = (PtNDManager) TorchRuntime.engine().newBaseManager();
        PtSymbolBlock block;
        try {
            block = JniUtils.loadModule(manager, new ByteArrayInputStream(module), true, false);
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            manager.close();
            throw new IllegalArgumentException("not a TorchScript module libtorch " + TorchRuntime.engine().getVersion()
                    + " can load: " + firstLine(e.getMessage()), e);
        }
        JniUtils.enableTrainingMode(block);
        NDList list = JniUtils.moduleGetParams(block, manager);
        List<PtNDArray> params = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (NDArray p : list) {
            if (p.getDataType() != DataType.FLOAT32) {
                manager.close();
                throw new IllegalArgumentException("parameter " + p.getName() + " is " + p.getDataType()
                        + "; the PyTorch backend trains float32 modules (save it after model.float())");
            }
            p.setRequiresGradient(true);
            params.add((PtNDArray) p);
            names.add(p.getName());
        }
        Shape[] shapes = new Shape[0];
        DataType[] types = new DataType[0];
        try (NDManager sub = manager.newSubManager()) { // the buffers' shapes and types, once
            NDList buffers = callBuffers(block, (PtNDManager) sub);
            if (buffers != null) {
                shapes = new Shape[buffers.size()];
                types = new DataType[buffers.size()];
                for (int i = 0; i < shapes.length; i++) {
                    shapes[i] = buffers.get(i).getShape();
                    types[i] = buffers.get(i).getDataType();
                }
            }
        }
        TorchModule m = new TorchModule(manager, block, params, names, shapes, types, exampleShape, objective);
        try {
            m.bufferValues = m.buffers();
            m.checkStorageIsReachable();
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
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

    /**
     * @param draws whether a training pass draws random numbers; when not, passes are neither seeded nor run
     *     one at a time
     */
    void draws(boolean draws) {
        this.draws = draws;
    }

    /**
     * Whether a training pass draws random numbers (dropout): two passes over the same examples from the same
     * θ, under two seeds, give different outputs.
     *
     * @param x examples
     * @param m how many
     * @return true when they differ
     */
    boolean drawsRandomNumbers(float[] x, int m) {
        float[][] outputs = new float[2][];
        for (int seed = 0; seed < 2; seed++) {
            try (NDManager sub = manager.newSubManager()) {
                if (hasBuffers()) {
                    setBuffers(bufferValues);
                }
                boolean grad = JniUtils.isGradMode();
                JniUtils.setGradMode(false);
                try {
                    synchronized (GENERATOR) {
                        JniUtils.setSeed(seed + 1);
                        outputs[seed] = forward(sub, x, m, true).toFloatArray();
                    }
                } finally {
                    JniUtils.setGradMode(grad);
                }
            }
        }
        if (hasBuffers()) {
            setBuffers(bufferValues);
        }
        return !Arrays.equals(outputs[0], outputs[1]);
    }

    /** @return θ's length: parameters, then buffers */
    int length() {
        return length;
    }

    /** @return the parameters' total length: θ's first part */
    int paramLength() {
        return paramLength;
    }

    /** @return how many parameter tensors come first in θ */
    int paramTensors() {
        return params.size();
    }

    /** @return whether the module has buffers (θ's second part) */
    boolean hasBuffers() {
        return bufferShapes.length > 0;
    }

    /** @return the parameters' names and then {@code buffer:<i>}, in θ's order */
    List<String> tensorNames() {
        List<String> all = new ArrayList<>(names);
        for (int i = 0; i < bufferShapes.length; i++) {
            all.add("buffer:" + i);
        }
        return all;
    }

    /** @return each tensor's length, in θ's order */
    int[] tensorLengths() {
        int[] lengths = new int[params.size() + bufferShapes.length];
        for (int i = 0; i < params.size(); i++) {
            lengths[i] = offsets[i + 1] - offsets[i];
        }
        for (int i = 0; i < bufferShapes.length; i++) {
            lengths[params.size() + i] = Math.toIntExact(bufferShapes[i].size());
        }
        return lengths;
    }

    /**
     * @return each tensor's matrix rows: a parameter of rank ≥ 2 is PyTorch's row-major {@code [out, in, …]},
     *     {@code out} rows of {@code in·…} contiguous values; everything else 1
     */
    int[] tensorRows() {
        int[] rows = new int[params.size() + bufferShapes.length];
        Arrays.fill(rows, 1);
        for (int i = 0; i < params.size(); i++) {
            Shape s = params.get(i).getShape();
            if (s.dimension() >= 2 && s.size() >= 4) {
                rows[i] = Math.toIntExact(s.get(0));
            }
        }
        return rows;
    }

    /** @return θ as the module holds it now */
    float[] theta() {
        float[] theta = new float[length];
        for (int i = 0; i < params.size(); i++) {
            float[] v = params.get(i).toFloatArray();
            System.arraycopy(v, 0, theta, offsets[i], v.length);
        }
        System.arraycopy(bufferValues, 0, theta, paramLength, bufferValues.length);
        return theta;
    }

    /**
     * Writes θ into the parameters' storage and keeps its buffer part, which each pass starts from.
     *
     * @param theta the parameters then the buffers
     */
    void setTheta(float[] theta) {
        if (theta.length != length) {
            throw new IllegalArgumentException("θ has " + theta.length + " values; the module takes " + length);
        }
        for (int i = 0; i < params.size(); i++) {
            storage(params.get(i)).put(theta, offsets[i], offsets[i + 1] - offsets[i]);
        }
        bufferValues = Arrays.copyOfRange(theta, paramLength, length);
        if (hasBuffers()) {
            setBuffers(bufferValues);
        }
    }

    /**
     * Forward and backward pass of one micro-batch in training mode, from θ's buffers.
     *
     * @param x {@code m} examples
     * @param labels {@code m × outputs}
     * @param m examples
     * @param seed the micro-batch's random draws
     * @param sum θ-shaped: receives the summed loss's gradient, and in the buffers' slots their change
     *     ({@code before − after}) times {@code m}
     * @return the summed loss
     */
    double addGradient(float[] x, float[] labels, int m, long seed, float[] sum) {
        try (NDManager sub = manager.newSubManager()) {
            if (hasBuffers()) {
                setBuffers(bufferValues);
            }
            for (PtNDArray p : params) {
                JniUtils.zeroGrad(p);
            }
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            try {
                NDArray out;
                if (draws) {
                    synchronized (GENERATOR) {
                        JniUtils.setSeed(seed);
                        out = forward(sub, x, m, true);
                    }
                } else {
                    out = forward(sub, x, m, true);
                }
                NDArray loss = loss(out, sub.create(labels, out.getShape()));
                JniUtils.backward((PtNDArray) loss, (PtNDArray) sub.ones(loss.getShape()), false, false);
                for (int i = 0; i < params.size(); i++) {
                    try (NDArray g = JniUtils.getGradient(params.get(i))) {
                        FloatBuffer gb = g.toByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
                        for (int j = offsets[i], n = offsets[i + 1]; j < n; j++) {
                            sum[j] += gb.get();
                        }
                    }
                }
                if (hasBuffers()) {
                    float[] after = buffers();
                    for (int j = 0; j < after.length; j++) {
                        sum[paramLength + j] += (bufferValues[j] - after[j]) * m;
                    }
                }
                return loss.getFloat();
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
    }

    /**
     * Forward pass in inference mode, from θ's buffers.
     *
     * @param x {@code m} examples
     * @param m examples
     * @return the outputs: class probabilities (the softmax of the logits), or the prediction; row-major
     */
    float[] output(float[] x, int m) {
        try (NDManager sub = manager.newSubManager()) {
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                NDArray out = forward(sub, x, m, false);
                return (objective.isClassification() ? out.softmax(1) : out).toFloatArray();
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
    }

    /**
     * @param exampleShape a candidate shape of one example
     * @return the output's shape for one zero example of it, in inference mode
     */
    long[] outputShape(int[] exampleShape) {
        try (NDManager sub = manager.newSubManager()) {
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                long[] shape = new long[exampleShape.length + 1];
                shape[0] = 1;
                for (int i = 0; i < exampleShape.length; i++) {
                    shape[i + 1] = exampleShape[i];
                }
                mode(false);
                NDList out;
                try {
                    out = IValueUtils.forward(block, new NDList(sub.zeros(new Shape(shape))), false);
                } catch (RuntimeException e) {
                    if (String.valueOf(e.getMessage()).contains("missing value for argument")) {
                        throw new IllegalArgumentException("its forward takes more than one tensor; a model takes one", e);
                    }
                    throw new IllegalArgumentException(firstLine(e.getMessage()), e);
                }
                if (out.size() != 1) {
                    throw new IllegalArgumentException("the module returns " + out.size() + " tensors; it must return one");
                }
                return out.get(0).getShape().getShape();
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
    }

    private NDArray forward(NDManager sub, float[] x, int m, boolean training) {
        mode(training);
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = m;
        for (int i = 0; i < exampleShape.length; i++) {
            shape[i + 1] = exampleShape[i];
        }
        NDList out = IValueUtils.forward(block, new NDList(sub.create(x, new Shape(shape))), training);
        if (out.size() != 1) {
            throw new IllegalStateException("the module returns " + out.size() + " tensors; it must return one");
        }
        NDArray y = out.get(0);
        y.attach(sub);
        return y;
    }

    /**
     * Turns graph re-optimisation off for this thread and puts the module in training or inference mode
     * ({@code module.train()} / {@code eval()}: batch normalisation's batch or running statistics, dropout on
     * or off); DJL's {@code forward} flag only sets the gradient mode.
     */
    private void mode(boolean training) {
        // thread-local in libtorch: every task thread turns TorchScript's profiling re-optimisation off, which
        // would otherwise swap kernels (and bits) after warm-up and fails on inference-mode tensors
        JniUtils.setGraphExecutorOptimize(false);
        if (training != this.training) {
            if (training) {
                JniUtils.enableTrainingMode(block);
            } else {
                JniUtils.enableInferenceMode(block);
            }
            this.training = training;
        }
    }

    /** The objective's loss, summed over the micro-batch (docs/MODELS.md, "PyTorch models"). */
    private NDArray loss(NDArray out, NDArray labels) {
        if (objective.isClassification()) {
            return out.logSoftmax(1).mul(labels).sum().neg();
        }
        NDArray r = out.sub(labels);
        if (objective.regressionLoss() == Objective.RegressionLoss.SQUARED) {
            return r.mul(r).sum();
        }
        NDArray a = r.abs();
        NDArray c = a.minimum(objective.huberDelta());
        return c.mul(a.sub(c.mul(0.5))).sum(); // c = min(|r|, δ): ½r² within δ, δ(|r| − ½δ) beyond
    }

    /** @return the buffers' values now, as float32, in θ's order */
    private float[] buffers() {
        float[] values = new float[length - paramLength];
        if (!hasBuffers()) {
            return values;
        }
        try (NDManager sub = manager.newSubManager()) {
            NDList buffers = callBuffers(block, (PtNDManager) sub);
            int k = 0;
            for (NDArray b : buffers) {
                float[] v = b.toType(DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(v, 0, values, k, v.length);
                k += v.length;
            }
        }
        return values;
    }

    private void setBuffers(float[] values) {
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

    /** @return the parameter's own storage, as floats */
    private static FloatBuffer storage(PtNDArray p) {
        ByteBuffer direct = p.toByteBuffer(true);
        return direct.order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Writes a marker through each parameter's storage and reads it back through libtorch. */
    private void checkStorageIsReachable() {
        for (int i = 0; i < params.size(); i++) {
            PtNDArray p = params.get(i);
            FloatBuffer s = storage(p);
            float kept = s.get(0);
            s.put(0, 12345.5f);
            float seen = p.toFloatArray()[0];
            s.put(0, kept);
            if (seen != 12345.5f) {
                throw new IllegalArgumentException("parameter " + names.get(i) + "'s storage is not contiguous memory "
                        + "this backend can write θ into");
            }
        }
    }

    /**
     * Writes the module as TorchScript, with the parameters and buffers it holds.
     *
     * @param out where to write
     */
    void write(java.io.OutputStream out) {
        JniUtils.writeModule(block, out, false); // false: a plain TorchScript file, no size prefix
    }

    /**
     * @return the one line of a libtorch message that says what went wrong: a TorchScript traceback's
     *     {@code RuntimeError: …} line, else its first line
     */
    static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        List<String> lines = message.strip().lines().toList();
        String line = lines.stream().filter(l -> l.matches("^\\w*Error: .*")).findFirst()
                .map(l -> l.substring(l.indexOf(": ") + 2)).orElse(lines.isEmpty() ? message : lines.get(0));
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    @Override
    public void close() {
        manager.close();
    }
}
