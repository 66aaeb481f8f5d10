package org.adanspark.spark.model.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.adanspark.spark.model.Objective;

/**
 * One network loaded in this JVM on libtorch, as the port sees a model: θ is its trained parameters in the
 * network's parameter order, flat float32, then its buffers (batch normalisation's running statistics) as
 * float32 values; a micro-batch's gradient is the summed loss's, by libtorch's autograd. What the network is
 * — a TorchScript module ({@link ScriptModule}) or a preset built from DJL's blocks ({@link BlockModule}) —
 * only its forward pass and its buffers know. Not thread-safe: one task uses it at a time
 * ({@link TorchModel}'s pool).
 *
 * <p>θ is written into each parameter's own storage (a direct buffer over the tensor's memory), not through
 * {@code NDArray.set}, which allocates a new tensor; every parameter is checked once at load to be one whose
 * storage that reaches.
 */
abstract class TorchModule implements AutoCloseable {

    /**
     * libtorch's default random generator is one per process: a forward pass that draws (dropout) and the
     * seeding before it happen under this lock, so concurrent tasks get the same draws as sequential ones. A
     * module whose passes draw nothing ({@link #drawsRandomNumbers}) skips both.
     */
    private static final Object GENERATOR = new Object();

    /** Owns every tensor of the module; each pass's temporaries live in a sub-manager of it. */
    protected final PtNDManager manager;
    private final List<PtNDArray> params;
    private final List<String> names;
    private final int[] offsets;
    private final int paramLength;
    private final Shape[] bufferShapes;
    private final int length;
    private final int[] exampleShape;
    private final Objective objective;
    private final boolean host;
    private float[] bufferValues = new float[0];
    private boolean draws = true;

    /**
     * @param manager owns the module's tensors
     * @param params the trained parameters, in θ's order, each float32 and requiring its gradient
     * @param names their names
     * @param bufferShapes the buffers' shapes, in θ's order
     * @param exampleShape the shape of one example at the input (empty while it is being probed)
     * @param objective the loss the output is trained on
     */
    protected TorchModule(PtNDManager manager, List<PtNDArray> params, List<String> names, Shape[] bufferShapes,
                          int[] exampleShape, Objective objective) {
        this.manager = manager;
        this.host = !manager.getDevice().isGpu();
        this.params = List.copyOf(params);
        this.names = List.copyOf(names);
        this.offsets = new int[params.size() + 1];
        for (int i = 0; i < params.size(); i++) {
            offsets[i + 1] = offsets[i] + Math.toIntExact(params.get(i).size());
        }
        this.paramLength = offsets[params.size()];
        this.bufferShapes = bufferShapes.clone();
        int buffers = 0;
        for (Shape s : bufferShapes) {
            buffers += Math.toIntExact(s.size());
        }
        this.length = paramLength + buffers;
        this.exampleShape = exampleShape.clone();
        this.objective = objective;
    }

    /**
     * Reads a new module's buffers once and checks every parameter's storage, closing it if that fails; a
     * subclass's factory returns through it.
     *
     * @param module the module just built
     * @param <M> its kind
     * @return it, ready
     * @throws IllegalArgumentException when a parameter's storage cannot take θ
     */
    protected static <M extends TorchModule> M ready(M module) {
        TorchModule m = module;
        try {
            m.bufferValues = m.readBuffers();
            if (m.host) {
                m.checkStorageIsReachable();
            }
            return module;
        } catch (RuntimeException e) {
            module.close();
            throw e;
        }
    }

    /**
     * The network's forward pass.
     *
     * @param sub the pass's manager: what the pass allocates belongs to it
     * @param input {@code m} examples in the example shape
     * @param training training mode (batch statistics, dropout) or inference mode
     * @return the output, one row per example
     */
    protected abstract NDArray run(NDManager sub, NDArray input, boolean training);

    /** @return the buffers' values now, as float32, in θ's order (empty without buffers) */
    protected abstract float[] readBuffers();

    /** @param values the buffers' values, as float32, in θ's order */
    protected abstract void writeBuffers(float[] values);

    /**
     * @param i a buffer's index
     * @return its name in θ's layout
     */
    protected abstract String bufferName(int i);

    /**
     * Writes the module in its library's own form, with the parameters and buffers it holds.
     *
     * @param out where to write
     * @throws java.io.IOException if writing fails
     */
    abstract void write(OutputStream out) throws java.io.IOException;

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
                    writeBuffers(bufferValues);
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
            writeBuffers(bufferValues);
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

    /** @return the parameters' names and then the buffers', in θ's order */
    List<String> tensorNames() {
        List<String> all = new ArrayList<>(names);
        for (int i = 0; i < bufferShapes.length; i++) {
            all.add(bufferName(i));
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
            write(params.get(i), theta, offsets[i]);
        }
        bufferValues = Arrays.copyOfRange(theta, paramLength, length);
        if (hasBuffers()) {
            writeBuffers(bufferValues);
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
                writeBuffers(bufferValues);
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
                    float[] after = readBuffers();
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
     * @throws IllegalArgumentException naming why the module cannot take it
     */
    long[] outputShape(int[] exampleShape) {
        try (NDManager sub = manager.newSubManager()) {
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(false);
            try {
                NDArray out = run(sub, sub.zeros(new Shape(batchShape(exampleShape, 1))), false);
                return out.getShape().getShape();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(explain(e), e);
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
    }

    /**
     * @param e why a forward pass failed
     * @return the reason in one line, for a message that names the model
     */
    protected String explain(RuntimeException e) {
        return firstLine(e.getMessage());
    }

    private NDArray forward(NDManager sub, float[] x, int m, boolean training) {
        // thread-local in libtorch: every task thread turns TorchScript's profiling re-optimisation off, which
        // would otherwise swap kernels (and bits) after warm-up and fails on inference-mode tensors
        JniUtils.setGraphExecutorOptimize(false);
        NDArray y = run(sub, sub.create(x, new Shape(batchShape(exampleShape, m))), training);
        y.attach(sub);
        return y;
    }

    /**
     * @param exampleShape one example's shape
     * @param m examples
     * @return the shape of {@code m} of them: {@code [m, exampleShape…]}
     */
    static long[] batchShape(int[] exampleShape, int m) {
        long[] shape = new long[exampleShape.length + 1];
        shape[0] = m;
        for (int i = 0; i < exampleShape.length; i++) {
            shape[i + 1] = exampleShape[i];
        }
        return shape;
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

    /**
     * Writes values into a float32 tensor of this module, in place: through its own storage on the CPU, by
     * an indexed assignment from a host copy on a GPU.
     *
     * @param t the tensor
     * @param values holds its new values, from {@code from}, as many as it has
     * @param from where they start
     */
    protected final void write(PtNDArray t, float[] values, int from) {
        int n = Math.toIntExact(t.size());
        if (host) {
            storage(t).put(values, from, n);
        } else {
            assign(t, values, from, n);
        }
    }

    /**
     * Reads a float32 tensor of this module.
     *
     * @param t the tensor
     * @param into receives its values, from {@code from}
     * @param from where they go
     */
    protected final void read(PtNDArray t, float[] into, int from) {
        int n = Math.toIntExact(t.size());
        if (host) {
            storage(t).get(into, from, n);
        } else {
            System.arraycopy(t.toFloatArray(), 0, into, from, n);
        }
    }

    /**
     * Assigns values to every element of a tensor in place ({@code t[...] = values}), gradient recording off:
     * the tensor keeps its storage, so a module that holds it sees the values. How θ reaches a GPU's tensors,
     * whose memory no direct buffer reaches.
     */
    static void assign(PtNDArray t, float[] values, int from, int n) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager sub = t.getManager().newSubManager()) {
            t.set(new NDIndex("..."), sub.create(Arrays.copyOfRange(values, from, from + n), t.getShape()));
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    /** @return a tensor's own storage, as floats */
    static FloatBuffer storage(PtNDArray p) {
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
