package org.adanspark.optim;

/**
 * Plain, unfused, single-threaded float64 implementations written from each paper's equations, one
 * element at a time: the oracle the fused, sharded kernels are checked against.
 */
abstract class ScalarReference {

    final int[] lengths;
    final double maxGradNorm;
    final double clipEps;
    long t;

    ScalarReference(int[] lengths, double maxGradNorm, double clipEps) {
        this.lengths = lengths;
        this.maxGradNorm = maxGradNorm;
        this.clipEps = clipEps;
    }

    /** One step on {@code p} from a copy of {@code g}, global clipping first. */
    final void step(double[] p, double[] gIn) {
        double[] g = gIn.clone();
        if (maxGradNorm > 0) {
            double sq = 0;
            for (double x : g) {
                sq += x * x;
            }
            double clip = Math.min(maxGradNorm / (Math.sqrt(sq) + clipEps), 1.0);
            for (int i = 0; i < g.length; i++) {
                g[i] *= clip;
            }
        }
        t++;
        update(p, g);
    }

    abstract void update(double[] p, double[] g);

    /** Adam (arXiv 1412.6980, Alg. 1); L2 decay in the gradient, or AdamW's decoupled decay (arXiv 1711.05101). */
    static final class AdamRef extends ScalarReference {
        final double lr, b1, b2, eps, wd;
        final boolean decoupled;
        final double[] m, v;
        /** Clipped Adam's per-coordinate bound on the normalised update (arXiv 2405.18199), 0 = off. */
        double updateClip;

        AdamRef(int[] lengths, double lr, double b1, double b2, double eps, double wd, boolean decoupled, double maxGradNorm) {
            super(lengths, maxGradNorm, 1e-6);
            this.lr = lr;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.wd = wd;
            this.decoupled = decoupled;
            int n = java.util.Arrays.stream(lengths).sum();
            m = new double[n];
            v = new double[n];
        }

        @Override
        void update(double[] p, double[] g) {
            for (int i = 0; i < p.length; i++) {
                double gi = decoupled ? g[i] : g[i] + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                double vHat = v[i] / (1 - Math.pow(b2, t));
                double decayed = decoupled ? p[i] - lr * wd * p[i] : p[i];
                double u = mHat / (Math.sqrt(vHat) + eps);
                if (updateClip > 0 && Math.abs(u) > updateClip) {
                    u = u * updateClip / Math.abs(u); // clip_D(u) = min(D / |u|, 1) · u
                }
                p[i] = decayed - lr * u;
            }
        }

        /** @return this reference as clipped Adam with bound {@code d} */
        AdamRef updateClip(double d) {
            updateClip = d;
            return this;
        }
    }

    /**
     * SET-Adam (arXiv 2302.01029): per tensor, v scaled down by the squared cosine of its angle with the
     * all-one vector, ε inside the root, the denominators translated down by τ times their minimum;
     * decoupled weight decay.
     */
    static final class SetAdamRef extends ScalarReference {
        final double lr, b1, b2, eps, tau, wd;
        final double[] m, v;

        SetAdamRef(int[] lengths, double lr, double b1, double b2, double eps, double tau, double wd, double maxGradNorm) {
            super(lengths, maxGradNorm, 1e-6);
            this.lr = lr;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.tau = tau;
            this.wd = wd;
            int n = java.util.Arrays.stream(lengths).sum();
            m = new double[n];
            v = new double[n];
        }

        @Override
        void update(double[] p, double[] g) {
            int off = 0;
            for (int len : lengths) {
                double sum = 0, sumSq = 0;
                for (int i = off; i < off + len; i++) {
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    sum += v[i];
                    sumSq += v[i] * v[i];
                }
                double cos2 = sumSq > 0 ? sum * sum / (len * sumSq) : 1.0;
                double[] w = new double[len];
                double minW = Double.POSITIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    w[j] = Math.sqrt(cos2 * v[off + j] / (1 - Math.pow(b2, t)) + eps);
                    minW = Math.min(minW, w[j]);
                }
                for (int j = 0; j < len; j++) {
                    int i = off + j;
                    double decayed = p[i] - lr * wd * p[i];
                    p[i] = decayed - lr / (1 - Math.pow(b1, t)) * m[i] / (w[j] - tau * minW);
                }
                off += len;
            }
        }
    }

    /**
     * Adafactor (arXiv 1804.04235, Alg. 4 for matrices, Alg. 5 for vectors, with update clipping, relative
     * steps and optional momentum), written on whole matrices: R = rowsums and C = column sums of
     * G² + ε1, V̂ = R Cᵀ / Σ R; decoupled weight decay scaled by α_t.
     */
    static final class AdafactorRef extends ScalarReference {
        final int[] rows;
        final double lr, beta1, eps1, eps2, d, c, wd;
        final boolean relative, scale;
        final double[][] r, col, v;
        final double[] m;

        AdafactorRef(int[] lengths, int[] rows, double lr, double beta1, double eps1, double eps2, double d, double c,
                     boolean relative, boolean scale, double wd, double maxGradNorm) {
            super(lengths, maxGradNorm, 1e-6);
            this.rows = rows;
            this.lr = lr;
            this.beta1 = beta1;
            this.eps1 = eps1;
            this.eps2 = eps2;
            this.d = d;
            this.c = c;
            this.relative = relative;
            this.scale = scale;
            this.wd = wd;
            r = new double[lengths.length][];
            col = new double[lengths.length][];
            v = new double[lengths.length][];
            for (int t = 0; t < lengths.length; t++) {
                int cols = lengths[t] / rows[t];
                if (rows[t] >= 2 && cols >= 2) {
                    r[t] = new double[rows[t]];
                    col[t] = new double[cols];
                } else {
                    v[t] = new double[lengths[t]];
                }
            }
            m = new double[java.util.Arrays.stream(lengths).sum()];
        }

        @Override
        void update(double[] p, double[] g) {
            double b2 = 1 - Math.pow(t, -c);
            double rho = relative ? Math.min(lr, 1 / Math.sqrt(t)) : lr;
            int off = 0;
            for (int k = 0; k < lengths.length; k++) {
                int len = lengths[k];
                int n = rows[k];
                int cols = len / n;
                double[] u = new double[len];
                if (r[k] != null) {
                    double[] rowSum = new double[n];
                    double[] colSum = new double[cols];
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < cols; j++) {
                            double sq = g[off + i * cols + j] * g[off + i * cols + j] + eps1;
                            rowSum[i] += sq;
                            colSum[j] += sq;
                        }
                    }
                    double sumR = 0;
                    for (int i = 0; i < n; i++) {
                        r[k][i] = b2 * r[k][i] + (1 - b2) * rowSum[i];
                        sumR += r[k][i];
                    }
                    for (int j = 0; j < cols; j++) {
                        col[k][j] = b2 * col[k][j] + (1 - b2) * colSum[j];
                    }
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < cols; j++) {
                            u[i * cols + j] = g[off + i * cols + j] / Math.sqrt(r[k][i] * col[k][j] / sumR);
                        }
                    }
                } else {
                    for (int i = 0; i < len; i++) {
                        v[k][i] = b2 * v[k][i] + (1 - b2) * (g[off + i] * g[off + i] + eps1);
                        u[i] = g[off + i] / Math.sqrt(v[k][i]);
                    }
                }
                double u2 = 0, x2 = 0;
                for (int i = 0; i < len; i++) {
                    u2 += u[i] * u[i];
                    x2 += p[off + i] * p[off + i];
                }
                double div = Math.max(1, Math.sqrt(u2 / len) / d);
                double alpha = rho * (scale ? Math.max(eps2, Math.sqrt(x2 / len)) : 1);
                for (int i = 0; i < len; i++) {
                    double update = u[i] / div;
                    if (beta1 > 0) {
                        m[off + i] = beta1 * m[off + i] + (1 - beta1) * update;
                        update = m[off + i];
                    }
                    p[off + i] = p[off + i] - alpha * wd * p[off + i] - alpha * update;
                }
                off += len;
            }
        }
    }

    /** LAMB (arXiv 1904.00962, Alg. 2) with the per-tensor trust ratio, φ the identity. */
    static final class LambRef extends ScalarReference {
        final double lr, b1, b2, eps, wd;
        final double[] m, v;

        LambRef(int[] lengths, double lr, double b1, double b2, double eps, double wd, double maxGradNorm) {
            super(lengths, maxGradNorm, 1e-6);
            this.lr = lr;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.wd = wd;
            int n = java.util.Arrays.stream(lengths).sum();
            m = new double[n];
            v = new double[n];
        }

        @Override
        void update(double[] p, double[] g) {
            int off = 0;
            for (int len : lengths) {
                double[] r = new double[len];
                double pNorm = 0, rNorm = 0;
                for (int j = 0; j < len; j++) {
                    int i = off + j;
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    double mHat = m[i] / (1 - Math.pow(b1, t));
                    double vHat = v[i] / (1 - Math.pow(b2, t));
                    r[j] = mHat / (Math.sqrt(vHat) + eps) + wd * p[i];
                    pNorm += p[i] * p[i];
                    rNorm += r[j] * r[j];
                }
                pNorm = Math.sqrt(pNorm);
                rNorm = Math.sqrt(rNorm);
                double trust = pNorm > 0 && rNorm > 0 ? pNorm / rNorm : 1.0;
                for (int j = 0; j < len; j++) {
                    p[off + j] -= lr * trust * r[j];
                }
                off += len;
            }
        }
    }

    /** SGD with heavy-ball or Nesterov momentum (Sutskever et al. 2013, PyTorch's formulation). */
    static final class SgdRef extends ScalarReference {
        final double lr, mu, dampening, wd;
        final boolean nesterov;
        final double[] buf;

        SgdRef(int[] lengths, double lr, double mu, double dampening, boolean nesterov, double wd, double maxGradNorm) {
            super(lengths, maxGradNorm, 1e-6);
            this.lr = lr;
            this.mu = mu;
            this.dampening = dampening;
            this.nesterov = nesterov;
            this.wd = wd;
            buf = new double[java.util.Arrays.stream(lengths).sum()];
        }

        @Override
        void update(double[] p, double[] g) {
            for (int i = 0; i < p.length; i++) {
                double gi = g[i] + wd * p[i];
                double d = gi;
                if (mu != 0) {
                    buf[i] = t == 1 ? gi : mu * buf[i] + (1 - dampening) * gi;
                    d = nesterov ? gi + mu * buf[i] : buf[i];
                }
                p[i] -= lr * d;
            }
        }
    }

    /** RAdam (arXiv 1908.03265, Alg. 2), rectifying when ρ_t > 5 as the authors' code does. */
    static final class RAdamRef extends ScalarReference {
        final double lr, b1, b2, eps, wd;
        final double[] m, v;

        RAdamRef(int[] lengths, double lr, double b1, double b2, double eps, double wd, double maxGradNorm) {
            super(lengths, maxGradNorm, 1e-6);
            this.lr = lr;
            this.b1 = b1;
            this.b2 = b2;
            this.eps = eps;
            this.wd = wd;
            int n = java.util.Arrays.stream(lengths).sum();
            m = new double[n];
            v = new double[n];
        }

        @Override
        void update(double[] p, double[] g) {
            double rhoInf = 2 / (1 - b2) - 1;
            double b2t = Math.pow(b2, t);
            double rhoT = rhoInf - 2 * t * b2t / (1 - b2t);
            for (int i = 0; i < p.length; i++) {
                double gi = g[i] + wd * p[i];
                m[i] = b1 * m[i] + (1 - b1) * gi;
                v[i] = b2 * v[i] + (1 - b2) * gi * gi;
                double mHat = m[i] / (1 - Math.pow(b1, t));
                if (rhoT > 5) {
                    double l = Math.sqrt(1 - b2t) / (Math.sqrt(v[i]) + eps);
                    double r = Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
                    p[i] -= lr * mHat * r * l;
                } else {
                    p[i] -= lr * mHat;
                }
            }
        }
    }

    /** Lookahead (arXiv 1907.08610, Alg. 1) around another reference. */
    static final class LookaheadRef extends ScalarReference {
        final ScalarReference inner;
        final int k;
        final double alpha;
        double[] slow;

        LookaheadRef(ScalarReference inner, int k, double alpha) {
            super(inner.lengths, 0, 0);
            this.inner = inner;
            this.k = k;
            this.alpha = alpha;
        }

        @Override
        void update(double[] p, double[] g) {
            if (slow == null) {
                slow = p.clone();
            }
            inner.t = t - 1;
            inner.step(p, g);
            if (t % k == 0) {
                for (int i = 0; i < p.length; i++) {
                    slow[i] += alpha * (p[i] - slow[i]);
                    p[i] = slow[i];
                }
            }
        }
    }
}
