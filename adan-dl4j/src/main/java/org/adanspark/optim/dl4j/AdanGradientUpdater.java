package org.adanspark.optim.dl4j;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The ND4J implementation behind {@link AdanUpdater}: Adan's moments (arXiv 2208.06677, Algorithm 1) in
 * whole-array ND4J operations, running on whichever ND4J backend is present (CPU or CUDA).
 *
 * <p>State is one view array {@code [m | v | n | g_prev]}. DL4J calls {@link #applyUpdater} with the
 * gradient and then subtracts what it leaves in that array, so this class writes
 * {@code (lr/c1)·m/denom + (lr·β2/c2)·v/denom} there. The bias-correction step is {@code iteration + 1};
 * on iteration 0 the previous gradient is the current one, as in the reference.
 */
public final class AdanGradientUpdater implements GradientUpdater<AdanUpdater> {

    /** State keys, as {@link #getState()} returns them. */
    public static final String M = "m";
    /** Key of the gradient-difference average. */
    public static final String V = "v";
    /** Key of the second moment. */
    public static final String N = "n";
    /** Key of the previous gradient. */
    public static final String PREV_GRAD = "g_prev";

    private final AdanUpdater config;
    private INDArray m;
    private INDArray v;
    private INDArray n;
    private INDArray prevGrad;

    AdanGradientUpdater(AdanUpdater config) {
        this.config = config;
    }

    @Override
    public AdanUpdater getConfig() {
        return config;
    }

    @Override
    public void setState(Map<String, INDArray> stateMap, boolean initialize) {
        for (String key : new String[] {M, V, N, PREV_GRAD}) {
            if (!stateMap.containsKey(key)) {
                throw new IllegalArgumentException("Adan updater state lacks '" + key + "'; keys are " + stateMap.keySet());
            }
        }
        m = stateMap.get(M);
        v = stateMap.get(V);
        n = stateMap.get(N);
        prevGrad = stateMap.get(PREV_GRAD);
        if (initialize) {
            m.assign(0);
            v.assign(0);
            n.assign(0);
            prevGrad.assign(0);
        }
    }

    @Override
    public Map<String, INDArray> getState() {
        Map<String, INDArray> s = new LinkedHashMap<>();
        s.put(M, m);
        s.put(V, v);
        s.put(N, n);
        s.put(PREV_GRAD, prevGrad);
        return s;
    }

    @Override
    public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder, boolean initialize) {
        if (!viewArray.isRowVectorOrScalar()) {
            throw new IllegalArgumentException("Adan state view must be a row vector, got shape " + java.util.Arrays.toString(viewArray.shape()));
        }
        long length = viewArray.length();
        if (length % AdanUpdater.STATE_ARRAYS != 0) {
            throw new IllegalArgumentException("Adan state view length " + length + " is not a multiple of " + AdanUpdater.STATE_ARRAYS);
        }
        if (initialize) {
            viewArray.assign(0);
        }
        long p = length / AdanUpdater.STATE_ARRAYS;
        INDArray flat = viewArray.reshape(viewArray.ordering(), 1, length);
        m = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(0, p)).reshape(gradientOrder, gradientShape);
        v = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(p, 2 * p)).reshape(gradientOrder, gradientShape);
        n = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(2 * p, 3 * p)).reshape(gradientOrder, gradientShape);
        prevGrad = flat.get(NDArrayIndex.point(0), NDArrayIndex.interval(3 * p, 4 * p)).reshape(gradientOrder, gradientShape);
    }

    @Override
    public void applyUpdater(INDArray gradient, int iteration, int epoch) {
        if (m == null) {
            throw new IllegalStateException("Adan updater state is not set: call setStateViewArray or setState first");
        }
        double lr = config.getLearningRate(iteration, epoch);
        double b1 = config.getBeta1();
        double b2 = config.getBeta2();
        double b3 = config.getBeta3();
        long t = iteration + 1L;
        double bc1 = 1 - Math.pow(b1, t);
        double bc2 = 1 - Math.pow(b2, t);
        double bc3Sqrt = Math.sqrt(1 - Math.pow(b3, t));
        if (iteration == 0) {
            prevGrad.assign(gradient);
        }
        INDArray diff = gradient.sub(prevGrad);                              // g_k - g_{k-1}
        m.muli(b1).addi(gradient.mul(1 - b1));                               // eq. 1: m
        v.muli(b2).addi(diff.mul(1 - b2));                                   // eq. 1: v
        INDArray u = diff.muli(b2).addi(gradient);                           // g_k + β2 (g_k - g_{k-1})
        n.muli(b3).addi(u.mul(1 - b3).muli(u));                              // eq. 1: n
        INDArray denom = Transforms.sqrt(n, true).divi(bc3Sqrt).addi(config.getEpsilon());
        prevGrad.assign(gradient);
        INDArray step = m.mul(lr / bc1).divi(denom).addi(v.mul(lr * b2 / bc2).divi(denom));
        gradient.assign(step);
    }
}
