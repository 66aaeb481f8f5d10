package org.adanspark.optim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adafactor (Shazeer and Stern, <i>Adafactor: Adaptive Learning Rates with Sublinear Memory Cost</i>,
 * arXiv 1804.04235, Algorithms 4 and 5: factored second moments, update clipping, the increasing decay
 * parameter, relative step sizes, optional momentum). A tensor seen as a matrix of
 * {@code n} rows and {@code m} columns ({@link ParamLayout#rows}, both at least 2) keeps only the row and
 * column sums of its second moment; a vector keeps it per element:
 * <pre>
 *   β̂2_t = 1 - t^(-c)                                                (increasing decay, c = 0.8)
 *   matrix:  R ← β̂2 R + (1-β̂2) (G² + ε1) 1_m      C ← β̂2 C + (1-β̂2) 1_nᵀ (G² + ε1)
 *            V̂ = R Cᵀ / (1_nᵀ R)                                     (Alg. 4)
 *   vector:  V̂ ← β̂2 V̂ + (1-β̂2)(G² + ε1)                              (Alg. 5)
 *   U = G / sqrt(V̂)          Û = U / max(1, RMS(U) / d)               (update clipping)
 *   ρ_t = min(lr_t, 1/sqrt(t)) with relative_step, else lr_t;  α_t = max(ε2, RMS(X_{t-1})) ρ_t with
 *   scale_parameter, else ρ_t                                          (relative step size)
 *   with β1 &gt; 0:  m ← β1 m + (1-β1) Û, the update is m; else Û       (momentum optional)
 *   X ← X - α_t λ X - α_t · update
 * </pre>
 * RMS is per tensor; G is the (globally clipped) gradient; {@code lr_t} the schedule's rate, so with
 * lr 0.01 and the constant schedule ρ_t is the paper's {@code min(10⁻², 1/√t)}. The weight decay λ,
 * which the paper does not use, is decoupled and scaled by α_t.
 *
 * <p><b>State</b>: per matrix, its n + m row and column sums (the slot {@code factors}, in a
 * {@link SlotSpace} anchored across the matrix's range); per vector element, v (slot {@code v}); with
 * β1 &gt; 0, m per parameter. So the state of a model of matrices is far below one value per parameter.
 *
 * <p><b>Per-shard protocol.</b> Screening reports, besides the gradient's squares, each segment's partial
 * row sums and column sums of G² and the shard's part of the old factors; {@link #combine} adds the
 * partials in segment order and moves R and C — every owner computes the same new factors, which the
 * decision carries (a few numbers per matrix). A second round ({@link #prepare}/{@link #refine}) reduces
 * RMS(U) and RMS(X) per tensor; {@link #apply} steps and the owners of the factors store their part. The
 * partial column sums are as many as a segment has distinct columns, so the screening statistics of a
 * matrix are up to its size when segments are shorter than its rows; that is the price of the same bits
 * for any shard count (docs/ARCHITECTURE.md).
 *
 * <p>Defaults ({@link #HYPERPARAMETERS}) are the paper's: lr 0.01 (ρ = min(10⁻², 1/√t)), ε1 1e-30, ε2 1e-3,
 * d 1, c 0.8, β1 0 (no momentum), relative and parameter-scaled steps, weight decay 0.
 */
public final class Adafactor extends AbstractOptimizer {

    /** Name in configuration and checkpoints. */
    public static final String NAME = "adafactor";

    /** The learning rate, default 0.01. */
    public static final Hyperparameter<Double> LR = lr(0.01);
    /** First-moment decay, default 0 (none). */
    public static final Hyperparameter<Double> BETA1 = Hyperparameter.real("beta1", 0.0,
            "first-moment decay β1 in [0, 1); 0 keeps no first moment (the paper's default, and the memory saving)");
    /** ε1, default 1e-30. */
    public static final Hyperparameter<Double> EPS1 = Hyperparameter.real("eps1", 1e-30,
            "added to G² before it enters the second moment, > 0");
    /** ε2, default 1e-3. */
    public static final Hyperparameter<Double> EPS2 = Hyperparameter.real("eps2", 1e-3,
            "the smallest RMS(θ) a parameter-scaled step scales by, > 0");
    /** The update clipping threshold d, default 1. */
    public static final Hyperparameter<Double> CLIP_THRESHOLD = Hyperparameter.real("clip_threshold", 1.0,
            "updates clipped to this RMS: U / max(1, RMS(U) / d), > 0");
    /** The second-moment decay schedule's exponent c, default 0.8. */
    public static final Hyperparameter<Double> DECAY_EXPONENT = Hyperparameter.real("decay_exponent", 0.8,
            "the second-moment decay β̂2_t = 1 − t^(−c), c in (0, 1]");
    /** The paper's relative step, default on. */
    public static final Hyperparameter<Boolean> RELATIVE_STEP = Hyperparameter.flag("relative_step", true,
            "the step is min(lr, 1/√t) rather than lr");
    /** Parameter-scaled steps, default on. */
    public static final Hyperparameter<Boolean> SCALE_PARAMETER = Hyperparameter.flag("scale_parameter", true,
            "the step is scaled by each tensor's max(eps2, RMS(θ))");
    /** Weight decay, default 0. */
    public static final Hyperparameter<Double> WEIGHT_DECAY = weightDecay(0.0, "decoupled: θ(1 − α_t·λ), α_t the step");
    /** Adafactor's own hyperparameters with their defaults, in documentation order. */
    public static final List<Hyperparameter<?>> HYPERPARAMETERS = List.of(LR, BETA1, EPS1, EPS2, CLIP_THRESHOLD,
            DECAY_EXPONENT, RELATIVE_STEP, SCALE_PARAMETER, WEIGHT_DECAY);

    /** Screening kinds after the gradient's sums of squares. */
    private static final int ROWS = 1;
    private static final int COLS = 2;
    private static final int OLD_FACTORS = 3;
    /** Second-round kinds. */
    private static final int U_SUM_SQ = 0;
    private static final int X_SUM_SQ = 1;
    /** Per-step scalars. */
    private static final int BETA2_T = 0;
    private static final int RHO = 1;

    private final double beta1;
    private final double eps1;
    private final double eps2;
    private final double clipThreshold;
    private final double decayExponent;
    private final boolean relativeStep;
    private final boolean scaleParameter;
    private final List<String> slots;
    private final int mSlot;
    private final int vSlot;
    private final int fSlot;

    private Adafactor(Builder b) {
        super(b);
        this.beta1 = b.beta1;
        this.eps1 = b.eps1;
        this.eps2 = b.eps2;
        this.clipThreshold = b.clipThreshold;
        this.decayExponent = b.decayExponent;
        this.relativeStep = b.relativeStep;
        this.scaleParameter = b.scaleParameter;
        this.slots = beta1 > 0 ? slots("m", "v", "factors") : slots("v", "factors");
        this.mSlot = beta1 > 0 ? 0 : -1;
        this.vSlot = mSlot + 1;
        this.fSlot = vSlot + 1;
    }

    /** @return a builder starting from {@link #HYPERPARAMETERS}' defaults */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<String> slotNames() {
        return slots;
    }

    /**
     * @param layout the parameters
     * @param tensor a tensor
     * @return whether Adafactor factors its second moment: a matrix of at least 2 rows and 2 columns
     */
    public static boolean factored(ParamLayout layout, int tensor) {
        return layout.rows(tensor) >= 2 && layout.cols(tensor) >= 2;
    }

    /** m (if any) per parameter; v per element of a vector; n + m factors per matrix. */
    @Override
    public List<SlotSpace> slotSpaces(ParamLayout layout) {
        int[] v = new int[layout.numTensors()];
        int[] f = new int[layout.numTensors()];
        for (int t = 0; t < v.length; t++) {
            boolean fac = factored(layout, t);
            v[t] = fac ? 0 : layout.length(t);
            f[t] = fac ? layout.rows(t) + layout.cols(t) : 0;
        }
        List<SlotSpace> spaces = new ArrayList<>();
        if (mSlot >= 0) {
            spaces.add(SlotSpace.full(layout));
        }
        spaces.add(SlotSpace.of(layout, v));
        spaces.add(SlotSpace.of(layout, f));
        return List.copyOf(spaces);
    }

    @Override
    void describe(Map<String, Object> into) {
        into.put(BETA1.key(), beta1);
        into.put(EPS1.key(), eps1);
        into.put(EPS2.key(), eps2);
        into.put(CLIP_THRESHOLD.key(), clipThreshold);
        into.put(DECAY_EXPONENT.key(), decayExponent);
        into.put(RELATIVE_STEP.key(), relativeStep);
        into.put(SCALE_PARAMETER.key(), scaleParameter);
    }

    /** β̂2_t = 1 − t^(−c), the second moments' decay at step t (0 at the first step). */
    private double beta2(long t) {
        return 1 - Math.pow((double) t, -decayExponent);
    }

    /** β̂2_t = 1 − t^(−c) and ρ_t. */
    @Override
    double[] scalars(long t, double lr) {
        double rho = relativeStep ? Math.min(lr, 1 / Math.sqrt((double) t)) : lr;
        return new double[] {beta2(t), rho};
    }

    // ---- screening: partial row and column sums of G² per segment, and the shard's old factors ----
    //
    // The hot loops below come in float32 and float64 twins, written out (as the other optimizers' kernels
    // are) rather than through a function per element, which the JIT cannot inline at every call site.

    @Override
    double[][] moreStatistics(ShardState shard, float[] g, int go) {
        Partials out = new Partials(shard);
        for (Segment s = new Segment(shard, null); s.next(); ) {
            if (!s.matrix) {
                continue;
            }
            int shift = go + s.tensorStart;
            for (int r = s.a / s.width; r * s.width < s.b; r++) {
                int lo = Math.max(s.a, r * s.width);
                int hi = Math.min(s.b, (r + 1) * s.width);
                int col = out.colAt + (s.wraps() ? lo - r * s.width : lo - s.a);
                double sum = 0;
                for (int j = lo; j < hi; j++, col++) {
                    double x = g[shift + j];
                    double sq = x * x;
                    sum += sq;
                    out.cols[col] += sq;
                }
                out.rows[out.rowAt++] = sum;
            }
            out.colAt += Math.min(s.b - s.a, s.width);
        }
        return out.with(oldFactors(shard));
    }

    @Override
    double[][] moreStatistics(ShardState shard, double[] g, int go) {
        Partials out = new Partials(shard);
        for (Segment s = new Segment(shard, null); s.next(); ) {
            if (!s.matrix) {
                continue;
            }
            int shift = go + s.tensorStart;
            for (int r = s.a / s.width; r * s.width < s.b; r++) {
                int lo = Math.max(s.a, r * s.width);
                int hi = Math.min(s.b, (r + 1) * s.width);
                int col = out.colAt + (s.wraps() ? lo - r * s.width : lo - s.a);
                double sum = 0;
                for (int j = lo; j < hi; j++, col++) {
                    double sq = g[shift + j] * g[shift + j];
                    sum += sq;
                    out.cols[col] += sq;
                }
                out.rows[out.rowAt++] = sum;
            }
            out.colAt += Math.min(s.b - s.a, s.width);
        }
        return out.with(oldFactors(shard));
    }

    /** The shard's part of the factors slot, as it stands before this step. */
    private double[] oldFactors(ShardState shard) {
        double[] old = new double[shard.slotLength(fSlot)];
        int fb = shard.slotBase(fSlot);
        if (shard.precision() == Precision.FLOAT32) {
            float[] f = shard.slot32(fSlot);
            for (int i = 0; i < old.length; i++) {
                old[i] = f[fb + i];
            }
        } else {
            System.arraycopy(shard.slot64(fSlot), fb, old, 0, old.length);
        }
        return old;
    }

    /**
     * The new factors of every matrix (R then C, in the order of the {@code factors} slot) and, per tensor,
     * {@code 1 / Σ R}: every owner adds the partial sums of all shards in segment order.
     */
    @Override
    double[] perTensor(ShardPlan plan, ShardStatistics[] stats, long t, double clip) {
        ParamLayout layout = plan.layout();
        int tensors = layout.numTensors();
        SlotSpace space = slotSpaces(layout).get(fSlot);
        double[] old = new double[space.length()];
        double[][] rowSum = new double[tensors][];
        double[][] colSum = new double[tensors][];
        for (ShardStatistics st : stats) {
            int s = st.shard();
            double[] prev = st.perSegment(OLD_FACTORS);
            System.arraycopy(prev, 0, old, space.before(plan.shardOffset(s)), prev.length);
            double[] rows = st.perSegment(ROWS);
            double[] cols = st.perSegment(COLS);
            int ri = 0;
            int ci = 0;
            for (int k = plan.firstSegment(s); k < plan.endSegment(s); k++) {
                int l = plan.segmentTensor(k);
                if (!factored(layout, l)) {
                    continue;
                }
                int width = layout.cols(l);
                if (rowSum[l] == null) {
                    rowSum[l] = new double[layout.rows(l)];
                    colSum[l] = new double[width];
                }
                int a = plan.segmentStart(k) - layout.offset(l);
                int b = plan.segmentEnd(k) - layout.offset(l);
                for (int r = a / width; r * width < b; r++) {
                    rowSum[l][r] += rows[ri++];
                }
                if (b - a >= width) {
                    for (int c = 0; c < width; c++) {
                        colSum[l][c] += cols[ci++];
                    }
                } else {
                    for (int j = a; j < b; j++) {
                        colSum[l][j % width] += cols[ci++];
                    }
                }
            }
        }
        double beta2 = beta2(t);
        double clipSq = clip * clip;
        double[] out = new double[space.length() + tensors];
        for (int l = 0; l < tensors; l++) {
            if (!factored(layout, l)) {
                continue;
            }
            int n = layout.rows(l);
            int m = layout.cols(l);
            int start = space.start(l);
            double sumR = 0;
            for (int r = 0; r < n; r++) {
                double v = beta2 * old[start + r] + (1 - beta2) * (clipSq * rowSum[l][r] + m * eps1);
                out[start + r] = v;
                sumR += v;
            }
            for (int c = 0; c < m; c++) {
                out[start + n + c] = beta2 * old[start + n + c] + (1 - beta2) * (clipSq * colSum[l][c] + n * eps1);
            }
            out[space.length() + l] = 1 / sumR;
        }
        return out;
    }

    // ---- second round: RMS(U) and RMS(X) per tensor ----

    @Override
    public boolean refines() {
        return true;
    }

    /**
     * Moves the vectors' v, and sums U² and X² per segment (X is not touched yet). U is computed in
     * float64 in both precisions: a row and a column of zero gradient give V̂ = (R_r/ΣR)·C_c near 1e-53,
     * and a vector's v sits near ε1 = 1e-30, both far below float32's range, where 0/0 would be NaN.
     */
    @Override
    public ShardStatistics prepare(ShardState shard, float[] p, int po, float[] g, int go, StepDecision d) {
        float c = (float) d.clip();
        double beta2 = d.scalar(BETA2_T);
        float[] v = shard.slot32(vSlot);
        double[] f = d.perTensorValues();
        Segment s = new Segment(shard, d);
        double[][] sums = new double[2][s.count()];
        for (int k = 0; s.next(); k++) {
            double u2 = 0;
            double x2 = 0;
            if (s.matrix) {
                for (int r = s.a / s.width; r * s.width < s.b; r++) {
                    int lo = Math.max(s.a, r * s.width);
                    int hi = Math.min(s.b, (r + 1) * s.width);
                    double rr = f[s.rStart + r] * s.invSumR;
                    for (int j = lo, col = s.cStart + lo - r * s.width; j < hi; j++, col++) {
                        int i = s.tensorStart + j;
                        double grad = g[go + i] * c;
                        double u = grad / Math.sqrt(rr * f[col]);
                        double x = p[po + i];
                        u2 += u * u;
                        x2 += x * x;
                    }
                }
            } else {
                for (int j = s.a; j < s.b; j++) {
                    int i = s.tensorStart + j;
                    double grad = g[go + i] * c;
                    int at = s.vAt + j;
                    float vi = (float) (beta2 * v[at] + (1 - beta2) * (grad * grad + eps1));
                    v[at] = vi;
                    double u = grad / Math.sqrt(vi);
                    double x = p[po + i];
                    u2 += u * u;
                    x2 += x * x;
                }
            }
            sums[U_SUM_SQ][k] = u2;
            sums[X_SUM_SQ][k] = x2;
        }
        return new ShardStatistics(shard.shard(), shard.step(), sums, -1, Double.NaN);
    }

    @Override
    public ShardStatistics prepare(ShardState shard, double[] p, int po, double[] g, int go, StepDecision d) {
        double c = d.clip();
        double beta2 = d.scalar(BETA2_T);
        double[] v = shard.slot64(vSlot);
        double[] f = d.perTensorValues();
        Segment s = new Segment(shard, d);
        double[][] sums = new double[2][s.count()];
        for (int k = 0; s.next(); k++) {
            double u2 = 0;
            double x2 = 0;
            if (s.matrix) {
                for (int r = s.a / s.width; r * s.width < s.b; r++) {
                    int lo = Math.max(s.a, r * s.width);
                    int hi = Math.min(s.b, (r + 1) * s.width);
                    double rr = f[s.rStart + r] * s.invSumR;
                    for (int j = lo, col = s.cStart + lo - r * s.width; j < hi; j++, col++) {
                        int i = s.tensorStart + j;
                        double u = g[go + i] * c / Math.sqrt(rr * f[col]);
                        double x = p[po + i];
                        u2 += u * u;
                        x2 += x * x;
                    }
                }
            } else {
                for (int j = s.a; j < s.b; j++) {
                    int i = s.tensorStart + j;
                    double grad = g[go + i] * c;
                    int at = s.vAt + j;
                    v[at] = beta2 * v[at] + (1 - beta2) * (grad * grad + eps1);
                    double u = grad / Math.sqrt(v[at]);
                    double x = p[po + i];
                    u2 += u * u;
                    x2 += x * x;
                }
            }
            sums[U_SUM_SQ][k] = u2;
            sums[X_SUM_SQ][k] = x2;
        }
        return new ShardStatistics(shard.shard(), shard.step(), sums, -1, Double.NaN);
    }

    /** Per tensor: α_t and {@code 1 / max(1, RMS(U)/d)}, after the factors' values. */
    @Override
    public StepDecision refine(ShardPlan plan, StepDecision d, ShardStatistics[] stats) {
        agreedStep(plan, stats);
        ParamLayout layout = plan.layout();
        int tensors = layout.numTensors();
        double[] u2 = perTensorSums(plan, stats, U_SUM_SQ);
        double[] x2 = perTensorSums(plan, stats, X_SUM_SQ);
        double[] before = d.perTensorValues();
        double[] out = java.util.Arrays.copyOf(before, before.length + 2 * tensors);
        for (int l = 0; l < tensors; l++) {
            double rmsU = Math.sqrt(u2[l] / layout.length(l));
            double rmsX = Math.sqrt(x2[l] / layout.length(l));
            out[before.length + 2 * l] = d.scalar(RHO) * (scaleParameter ? Math.max(eps2, rmsX) : 1.0);
            out[before.length + 2 * l + 1] = 1 / Math.max(1.0, rmsU / clipThreshold);
        }
        return d.withPerTensor(out);
    }

    // ---- the step ----

    @Override
    public void apply(ShardState shard, double[] p, int po, double[] g, int go, StepDecision d) {
        double c = d.clip();
        double[] m = mSlot >= 0 ? shard.slot64(mSlot) : null;
        int mb = mSlot >= 0 ? shard.slotBase(mSlot) : 0; // m is full: shared by the shards of one process
        double[] v = shard.slot64(vSlot);
        double[] f = d.perTensorValues();
        for (Segment s = new Segment(shard, d); s.next(); ) {
            double keep = 1 - s.alpha * weightDecay;
            for (int r = s.a / s.width, j = s.a; j < s.b; r++) {
                int hi = s.matrix ? Math.min(s.b, (r + 1) * s.width) : s.b;
                double rr = s.matrix ? f[s.rStart + r] * s.invSumR : 0;
                for (int col = s.matrix ? s.cStart + j - r * s.width : 0; j < hi; j++, col++) {
                    int i = s.tensorStart + j;
                    double vhat = s.matrix ? rr * f[col] : v[s.vAt + j];
                    double update = g[go + i] * c / Math.sqrt(vhat) * s.scale;
                    if (m != null) {
                        m[mb + i] = beta1 * m[mb + i] + (1 - beta1) * update;
                        update = m[mb + i];
                    }
                    p[po + i] = p[po + i] * keep - s.alpha * update;
                }
            }
        }
        System.arraycopy(f, shard.slotOffset(fSlot), shard.slot64(fSlot), shard.slotBase(fSlot), shard.slotLength(fSlot));
    }

    @Override
    public void apply(ShardState shard, float[] p, int po, float[] g, int go, StepDecision d) {
        float c = (float) d.clip();
        float[] m = mSlot >= 0 ? shard.slot32(mSlot) : null;
        int mb = mSlot >= 0 ? shard.slotBase(mSlot) : 0; // m is full: shared by the shards of one process
        float[] v = shard.slot32(vSlot);
        float b1 = (float) beta1;
        float omb1 = (float) (1 - beta1);
        double[] f = d.perTensorValues();
        for (Segment s = new Segment(shard, d); s.next(); ) {
            float alpha = (float) s.alpha;
            float scale = (float) s.scale;
            float keep = (float) (1 - s.alpha * weightDecay);
            for (int r = s.a / s.width, j = s.a; j < s.b; r++) {
                int hi = s.matrix ? Math.min(s.b, (r + 1) * s.width) : s.b;
                double rr = s.matrix ? f[s.rStart + r] * s.invSumR : 0;
                for (int col = s.matrix ? s.cStart + j - r * s.width : 0; j < hi; j++, col++) {
                    int i = s.tensorStart + j;
                    double vhat = s.matrix ? rr * f[col] : v[s.vAt + j];
                    double grad = g[go + i] * c;
                    float update = (float) (grad / Math.sqrt(vhat)) * scale;
                    if (m != null) {
                        m[mb + i] = b1 * m[mb + i] + omb1 * update;
                        update = m[mb + i];
                    }
                    p[po + i] = p[po + i] * keep - alpha * update;
                }
            }
        }
        float[] own = shard.slot32(fSlot);
        for (int i = 0, fb = shard.slotBase(fSlot); i < shard.slotLength(fSlot); i++) {
            own[fb + i] = (float) f[shard.slotOffset(fSlot) + i];
        }
    }

    /**
     * One segment of a shard at a time, with what its loops need: the tensor-local range {@code [a, b)},
     * for a matrix its width and where its R and C sit in the decision, for a vector where its elements sit
     * in the shard's {@code v}, and (with a decision) its α_t and update-clipping scale.
     */
    private final class Segment {
        private final ShardPlan plan;
        private final ParamLayout layout;
        private final StepDecision d;
        private final SlotSpace factors;
        private final SlotSpace vector;
        private final int base;
        private final int vBase;
        private final int first;
        private final int end;
        private int k;
        boolean matrix;
        /** The tensor-local range of the segment. */
        int a;
        int b;
        /** The columns of a matrix; for a vector, its length (one row). */
        int width;
        /** The shard-local index of the tensor's element 0. */
        int tensorStart;
        int rStart;
        int cStart;
        double invSumR;
        /** Where the vector's element 0 would sit in the shard's v array. */
        int vAt;
        double alpha;
        double scale;

        Segment(ShardState shard, StepDecision d) {
            this.plan = shard.plan();
            this.layout = plan.layout();
            this.d = d;
            List<SlotSpace> spaces = slotSpaces(layout);
            this.factors = spaces.get(fSlot);
            this.vector = spaces.get(vSlot);
            this.base = plan.shardOffset(shard.shard());
            this.vBase = shard.slotOffset(vSlot) - shard.slotBase(vSlot); // v is full when no tensor factors
            this.first = plan.firstSegment(shard.shard());
            this.k = first - 1;
            this.end = plan.endSegment(shard.shard());
        }

        /** @return the shard's segments */
        int count() {
            return end - first;
        }

        /** Moves to the next segment; false after the last. */
        boolean next() {
            if (++k >= end) {
                return false;
            }
            int t = plan.segmentTensor(k);
            matrix = factored(layout, t);
            a = plan.segmentStart(k) - layout.offset(t);
            b = plan.segmentEnd(k) - layout.offset(t);
            tensorStart = layout.offset(t) - base;
            width = matrix ? layout.cols(t) : layout.length(t);
            if (matrix) {
                rStart = factors.start(t);
                cStart = rStart + layout.rows(t);
            } else {
                vAt = vector.start(t) - vBase;
            }
            if (d != null) {
                double[] f = d.perTensorValues();
                int after = factors.length() + layout.numTensors();
                invSumR = matrix ? f[factors.length() + t] : 0;
                if (f.length > after) { // refined: α_t and the clipping scale
                    alpha = f[after + 2 * t];
                    scale = f[after + 2 * t + 1];
                }
            }
            return true;
        }

        /** @return whether the segment covers at least a whole row's width, so its column partials are all columns */
        boolean wraps() {
            return b - a >= width;
        }
    }

    /** The screening partials of one shard, in arrays sized exactly for its segments. */
    private final class Partials {
        final double[] rows;
        final double[] cols;
        int rowAt;
        int colAt;

        Partials(ShardState shard) {
            int nRows = 0;
            int nCols = 0;
            for (Segment s = new Segment(shard, null); s.next(); ) {
                if (s.matrix) {
                    nRows += (s.b - 1) / s.width - s.a / s.width + 1;
                    nCols += Math.min(s.b - s.a, s.width);
                }
            }
            rows = new double[nRows];
            cols = new double[nCols];
        }

        double[][] with(double[] oldFactors) {
            return new double[][] {rows, cols, oldFactors};
        }
    }

    /** Builder for {@link Adafactor}; values are checked in {@link #build()}. */
    public static final class Builder extends AbstractOptimizer.Builder<Builder, Adafactor> {
        double beta1 = BETA1.defaultValue();
        double eps1 = EPS1.defaultValue();
        double eps2 = EPS2.defaultValue();
        double clipThreshold = CLIP_THRESHOLD.defaultValue();
        double decayExponent = DECAY_EXPONENT.defaultValue();
        boolean relativeStep = RELATIVE_STEP.defaultValue();
        boolean scaleParameter = SCALE_PARAMETER.defaultValue();

        Builder() {
            super(LR, WEIGHT_DECAY);
        }

        /**
         * @param beta1 first-moment decay in [0, 1); 0 (the paper's default) keeps no first moment
         * @return this builder
         */
        public Builder beta1(double beta1) {
            this.beta1 = beta1;
            return this;
        }

        /**
         * @param eps1 added to G² before it enters the second moment, &gt; 0
         * @param eps2 the smallest RMS(X) a relative step scales by, &gt; 0
         * @return this builder
         */
        public Builder eps(double eps1, double eps2) {
            this.eps1 = eps1;
            this.eps2 = eps2;
            return this;
        }

        /**
         * @param d update clipping: U is divided by {@code max(1, RMS(U)/d)}, &gt; 0
         * @return this builder
         */
        public Builder clipThreshold(double d) {
            this.clipThreshold = d;
            return this;
        }

        /**
         * @param c the second-moment decay schedule's exponent, β̂2_t = 1 − t^(−c), in (0, 1]
         * @return this builder
         */
        public Builder decayExponent(double c) {
            this.decayExponent = c;
            return this;
        }

        /**
         * @param relative whether ρ_t = min(lr_t, 1/√t) (the paper's relative step) rather than lr_t
         * @return this builder
         */
        public Builder relativeStep(boolean relative) {
            this.relativeStep = relative;
            return this;
        }

        /**
         * @param scale whether the step is scaled by {@code max(ε2, RMS(X))} of each tensor
         * @return this builder
         */
        public Builder scaleParameter(boolean scale) {
            this.scaleParameter = scale;
            return this;
        }

        @Override
        public Adafactor build() {
            validateCommon();
            Hyperparameters.unitInterval("beta1", beta1);
            Hyperparameters.positive("eps1", eps1);
            Hyperparameters.positive("eps2", eps2);
            Hyperparameters.positive("clipThreshold", clipThreshold);
            if (!(decayExponent > 0 && decayExponent <= 1)) {
                throw new IllegalArgumentException("decayExponent must be in (0, 1], got " + decayExponent);
            }
            return new Adafactor(this);
        }
    }
}
