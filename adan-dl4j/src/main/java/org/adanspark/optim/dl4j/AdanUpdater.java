package org.adanspark.optim.dl4j;

import java.util.Map;
import java.util.Objects;
import org.adanspark.optim.Adan;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Adan (arXiv 2208.06677) as a DL4J {@link IUpdater}, for {@code NeuralNetConfiguration.Builder.updater(...)}.
 * It survives DL4J's JSON round trip (a no-argument constructor and bean properties).
 *
 * <p>The moment updates and the step are those of {@link org.adanspark.optim.Adan}; see
 * {@link AdanGradientUpdater}. Two parts of Adan live outside a DL4J updater, which sees neither the
 * parameters nor the other layers' gradients:
 * <ul>
 *   <li><b>Weight decay.</b> Use DL4J's {@code .weightDecay(λ, true)} regularization: it applies
 *       {@code θ ← θ - lr·λ·θ} beside the update, which is Adan's decoupled decay ({@code noProx = true}).
 *       The proximal form ({@code noProx = false}) divides θ and needs {@link org.adanspark.optim.Adan}.</li>
 *   <li><b>Global gradient clipping.</b> DL4J clips per layer ({@code GradientNormalization}); Adan's
 *       {@code maxGradNorm} over all tensors is available in {@link org.adanspark.optim.Adan} and in the
 *       Spark trainer.</li>
 * </ul>
 * Defaults are {@link Adan#HYPERPARAMETERS}', the official implementation's: lr 1e-3, betas (0.98, 0.92, 0.99), eps 1e-8.
 */
public final class AdanUpdater implements IUpdater {

    private static final long serialVersionUID = 1L;

    /** Number of state arrays per parameter: m, v, n and the previous gradient. */
    static final int STATE_ARRAYS = 4;

    private double learningRate = Adan.LR.defaultValue();
    private ISchedule learningRateSchedule;
    private double beta1 = Adan.BETA1.defaultValue();
    private double beta2 = Adan.BETA2.defaultValue();
    private double beta3 = Adan.BETA3.defaultValue();
    private double epsilon = Adan.EPS.defaultValue();

    /** Adan with its declared defaults. */
    public AdanUpdater() {
    }

    /**
     * @param learningRate fixed learning rate, &gt; 0
     */
    public AdanUpdater(double learningRate) {
        setLearningRate(learningRate);
    }

    /**
     * @param learningRateSchedule learning rate as a function of iteration and epoch
     */
    public AdanUpdater(ISchedule learningRateSchedule) {
        this.learningRateSchedule = Objects.requireNonNull(learningRateSchedule, "learningRateSchedule");
    }

    /**
     * @param learningRate fixed learning rate, &gt; 0
     * @param beta1 first-moment decay in [0, 1) (code convention)
     * @param beta2 gradient-difference decay in [0, 1)
     * @param beta3 second-moment decay in [0, 1)
     * @param epsilon added outside the square root, &gt; 0
     */
    public AdanUpdater(double learningRate, double beta1, double beta2, double beta3, double epsilon) {
        setLearningRate(learningRate);
        setBeta1(beta1);
        setBeta2(beta2);
        setBeta3(beta3);
        setEpsilon(epsilon);
    }

    @Override
    public long stateSize(long numParams) {
        return STATE_ARRAYS * numParams;
    }

    @Override
    public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
        AdanGradientUpdater u = new AdanGradientUpdater(this);
        long[] gradientShape = viewArray.shape();
        gradientShape = java.util.Arrays.copyOf(gradientShape, gradientShape.length);
        gradientShape[gradientShape.length - 1] /= STATE_ARRAYS;   // the view is [m | v | n | g_prev]
        u.setStateViewArray(viewArray, gradientShape, viewArray.ordering(), initializeViewArray);
        return u;
    }

    @Override
    public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
        AdanGradientUpdater u = new AdanGradientUpdater(this);
        u.setState(updaterState, initializeStateArrays);
        return u;
    }

    @Override
    public AdanUpdater clone() {
        AdanUpdater c = new AdanUpdater(learningRate, beta1, beta2, beta3, epsilon);
        c.learningRateSchedule = learningRateSchedule == null ? null : learningRateSchedule.clone();
        return c;
    }

    @Override
    public double getLearningRate(int iteration, int epoch) {
        return learningRateSchedule != null ? learningRateSchedule.valueAt(iteration, epoch) : learningRate;
    }

    @Override
    public boolean hasLearningRate() {
        return true;
    }

    @Override
    public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        setLearningRate(lr);
        this.learningRateSchedule = lrSchedule;
    }

    /** @return the fixed learning rate (used when no schedule is set) */
    public double getLearningRate() {
        return learningRate;
    }

    /** @param learningRate fixed learning rate, &gt; 0 */
    public void setLearningRate(double learningRate) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learningRate must be finite and > 0, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** @return the learning-rate schedule, or null */
    public ISchedule getLearningRateSchedule() {
        return learningRateSchedule;
    }

    /** @param schedule learning-rate schedule, or null for the fixed rate */
    public void setLearningRateSchedule(ISchedule schedule) {
        this.learningRateSchedule = schedule;
    }

    /** @return β1 */
    public double getBeta1() {
        return beta1;
    }

    /** @param beta1 first-moment decay in [0, 1) */
    public void setBeta1(double beta1) {
        this.beta1 = checkBeta("beta1", beta1);
    }

    /** @return β2 */
    public double getBeta2() {
        return beta2;
    }

    /** @param beta2 gradient-difference decay in [0, 1) */
    public void setBeta2(double beta2) {
        this.beta2 = checkBeta("beta2", beta2);
    }

    /** @return β3 */
    public double getBeta3() {
        return beta3;
    }

    /** @param beta3 second-moment decay in [0, 1) */
    public void setBeta3(double beta3) {
        this.beta3 = checkBeta("beta3", beta3);
    }

    /** @return eps */
    public double getEpsilon() {
        return epsilon;
    }

    /** @param epsilon added outside the square root, &gt; 0 */
    public void setEpsilon(double epsilon) {
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, got " + epsilon);
        }
        this.epsilon = epsilon;
    }

    private static double checkBeta(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdanUpdater a && a.learningRate == learningRate && a.beta1 == beta1 && a.beta2 == beta2
                && a.beta3 == beta3 && a.epsilon == epsilon && Objects.equals(a.learningRateSchedule, learningRateSchedule);
    }

    @Override
    public int hashCode() {
        return Objects.hash(learningRate, learningRateSchedule, beta1, beta2, beta3, epsilon);
    }

    @Override
    public String toString() {
        return "AdanUpdater(lr=" + (learningRateSchedule != null ? learningRateSchedule : learningRate) + ", betas=("
                + beta1 + ", " + beta2 + ", " + beta3 + "), eps=" + epsilon + ")";
    }
}
