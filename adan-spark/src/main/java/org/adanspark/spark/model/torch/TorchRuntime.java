package org.adanspark.spark.model.torch;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.adanspark.spark.error.ConfigurationException;
import org.adanspark.spark.runtime.NativeEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libtorch in this JVM, loaded once and checked before it computes anything (docs/MODELS.md, "PyTorch
 * models").
 *
 * <ul>
 *   <li><b>Offline.</b> The natives come from the classpath ({@code pytorch-native-cpu}); DJL's one network
 *       call, its usage telemetry, is turned off ({@code ai.djl.offline}).</li>
 *   <li><b>oneDNN capped at SSE4.1.</b> libtorch 2.5.1 and 2.7.1 compute LeNet's second float32 convolution
 *       (20→50 channels, 5×5) wrongly through oneDNN on an AMD Zen 5: NaN with AVX-512, 0.18 off of its
 *       largest value with AVX2 or AVX; right under SSE4.1. {@value #ONEDNN_ENV} is set to
 *       {@value #ONEDNN_ISA} in this process before libtorch loads, unless the environment sets it; ND4J's
 *       own oneDNN reads only {@code DNNL_MAX_CPU_ISA}, so DL4J's convolutions do not change. One instruction
 *       set on every x86-64 machine is also what makes the convolutions' bits the same on all of them.</li>
 *   <li><b>MKL on one code path.</b> libtorch carries Intel MKL for its matrix products, which picks its code
 *       path by the CPU, and computes other bits with MKL's reproducibility mode unset than with any mode
 *       set (measured on an AMD Zen 5). {@value #MKL_ENV} is set to {@value #MKL_MODE}, the path Intel
 *       documents as giving the same results on every Intel and compatible processor, unless the environment
 *       sets it; it cost LeNet's and a residual net's gradients nothing measurable here.</li>
 *   <li><b>ATen's own kernels on one instruction set.</b> PyTorch's elementwise and reduction kernels (batch
 *       normalisation's statistics, softmax, the loss's sums) come in a plain, an AVX2 and an AVX-512 build,
 *       chosen by the CPU; their sums differ in their last bits, and so did a run's {@code params_sha256} here
 *       under each. {@value #ATEN_ENV} is set to {@value #ATEN_CAPABILITY}, the level the DL4J path's BLAS
 *       kernel ({@code Haswell}) also takes, unless the environment sets it.</li>
 *   <li><b>Quiet.</b> libtorch's own log lines below errors go nowhere ({@value #LOG_ENV}={@value #LOG_LEVEL}
 *       unless the environment sets it): its one warning here, "Could not initialize NNPACK! Reason:
 *       Unsupported hardware", printed on the console of every run, says nothing a user can act on (the
 *       backend's convolutions never use NNPACK).</li>
 *   <li><b>Checked.</b> Before first use, a float32 convolution of LeNet's two shapes, forward and
 *       backward, is compared with the same in float64; a convolution path off by more than float32
 *       rounding is refused, naming libtorch, the cap and the error, rather than trained on.</li>
 *   <li><b>No graph re-optimisation</b> after warm-up runs: TorchScript's profiling executor would swap in
 *       fused kernels after a few calls, and with them other bits. The switch is per thread, so
 *       {@link TorchModule} sets it before every pass.</li>
 * </ul>
 */
final class TorchRuntime {

    /** The variable libtorch's oneDNN reads for its highest instruction set. */
    static final String ONEDNN_ENV = "ONEDNN_MAX_CPU_ISA";
    /** The cap this backend sets when the environment does not. */
    static final String ONEDNN_ISA = "SSE41";

    /** The variable of MKL's conditional numerical reproducibility, which MKL inside libtorch reads. */
    static final String MKL_ENV = "MKL_CBWR";
    /** The code path this backend pins MKL to when the environment does not: the same on every x86-64 CPU. */
    static final String MKL_MODE = "COMPATIBLE";

    /** The variable that chooses ATen's own CPU kernels: {@code default}, {@code avx2} or {@code avx512}. */
    static final String ATEN_ENV = "ATEN_CPU_CAPABILITY";
    /** The level this backend pins ATen's kernels to when the environment does not: every x86-64 CPU with AVX2. */
    static final String ATEN_CAPABILITY = "avx2";

    /** The variable of libtorch's own log level: INFO, WARNING, ERROR or FATAL. */
    static final String LOG_ENV = "TORCH_CPP_LOG_LEVEL";
    /** The level this backend sets when the environment does not. */
    static final String LOG_LEVEL = "ERROR";

    private static final Logger LOG = LoggerFactory.getLogger(TorchRuntime.class);
    /** float32 rounding of sums of a few hundred products, relative to the result's largest value. */
    private static final double CONVOLUTION_TOLERANCE = 1e-5;
    private static volatile Engine engine;
    private static volatile RuntimeException refused;

    private TorchRuntime() {
    }

    /**
     * @return DJL's PyTorch engine in this JVM, loaded, configured and checked on the first call
     * @throws ConfigurationException when libtorch cannot load or its convolutions are wrong here
     */
    static Engine engine() {
        Engine e = engine;
        if (e != null) {
            return e;
        }
        synchronized (TorchRuntime.class) {
            if (refused != null) {
                throw refused;
            }
            if (engine == null) {
                try {
                    engine = load();
                } catch (RuntimeException | LinkageError x) {
                    refused = x instanceof ConfigurationException c ? c
                            : new ConfigurationException("the PyTorch backend cannot load libtorch here: " + x, x);
                    throw refused;
                }
            }
            return engine;
        }
    }

    /** @return whether this JVM's libtorch is a CUDA build (the {@code cuda} profile's natives) */
    static boolean hasCuda() {
        return engine().hasCapability(StandardCapabilities.CUDA);
    }

    /**
     * @param threads the task's thread count, ≥ 1; 0 leaves libtorch's as it is
     */
    static void threads(int threads) {
        engine();
        if (threads > 0 && JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }

    private static Engine load() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        String isa = NativeEnvironment.get(ONEDNN_ENV);
        if (isa == null || isa.isBlank()) {
            NativeEnvironment.set(ONEDNN_ENV, ONEDNN_ISA);
            isa = ONEDNN_ISA;
        }
        String mkl = NativeEnvironment.get(MKL_ENV);
        if (mkl == null || mkl.isBlank()) {
            NativeEnvironment.set(MKL_ENV, MKL_MODE);
        }
        String aten = NativeEnvironment.get(ATEN_ENV);
        if (aten == null || aten.isBlank()) {
            NativeEnvironment.set(ATEN_ENV, ATEN_CAPABILITY);
        }
        String level = NativeEnvironment.get(LOG_ENV);
        if (level == null || level.isBlank()) {
            NativeEnvironment.set(LOG_ENV, LOG_LEVEL);
        }
        Engine e = Engine.getEngine("PyTorch");
        readLogLevel();
        JniUtils.setGraphExecutorOptimize(false);
        JniUtils.setNumInteropThreads(1);
        checkConvolutions(e, isa);
        LOG.debug("libtorch {} loaded, oneDNN capped at {}", e.getVersion(), isa);
        return e;
    }

    /**
     * Has libtorch's c10 read {@value #LOG_ENV}: only Python's {@code torch} calls {@code c10::initLogging()},
     * which libc10 exports. A debug line, not a failure, where it cannot be called.
     */
    private static void readLogLevel() {
        Set<String> c10 = NativeEnvironment.loadedLibraries("/libc10.so");
        if (c10 == null || c10.isEmpty()) {
            LOG.debug("libc10 not found among this process's libraries; libtorch logs at its own level");
            return;
        }
        try {
            NativeEnvironment.opened(c10.iterator().next()).getFunction("_ZN3c1011initLoggingEv").invokeVoid(new Object[0]);
        } catch (LinkageError | RuntimeException x) {
            LOG.debug("libtorch logs at its own level: {}", x.toString());
        }
    }

    /**
     * Convolves a fixed random batch with LeNet's two convolutions (1→20 and 20→50 channels, 5×5) in float32
     * and in float64 and compares the outputs and the weights' gradients.
     */
    private static void checkConvolutions(Engine e, String isa) {
        StringBuilder wrong = new StringBuilder();
        try (NDManager manager = e.newBaseManager()) {
            SplittableRandom random = new SplittableRandom(2208_06677L);
            long[][][] cases = {{{4, 1, 28, 28}, {20, 1, 5, 5}}, {{4, 20, 12, 12}, {50, 20, 5, 5}}};
            for (long[][] c : cases) {
                double error = convolutionError(manager, random, new Shape(c[0]), new Shape(c[1]));
                if (!(error <= CONVOLUTION_TOLERANCE)) {
                    wrong.append(wrong.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT,
                            "%d→%d channels %d×%d on %d×%d %s", c[1][1], c[1][0], c[1][2], c[1][3], c[0][2], c[0][3],
                            Double.isNaN(error) ? "gives NaN" : String.format(Locale.ROOT, "is off by %.2g", error)));
                }
            }
        }
        if (wrong.length() > 0) {
            throw new ConfigurationException("libtorch " + e.getVersion() + "'s oneDNN (capped at " + isa + ") computes "
                    + "float32 convolutions wrongly on this CPU, against float64 (relative to the largest value; float32 "
                    + "rounding is below " + CONVOLUTION_TOLERANCE + "): LeNet's convolution " + wrong + "; set " + ONEDNN_ENV + "="
                    + ONEDNN_ISA + " in the environment of the driver and the executors (spark.executorEnv." + ONEDNN_ENV
                    + "), or leave it unset", null);
        }
    }

    /** @return the larger of the output's and the weight gradient's error, relative to each one's largest value */
    private static double convolutionError(NDManager manager, SplittableRandom random, Shape input, Shape kernel) {
        float[] x = new float[(int) input.size()];
        float[] w = new float[(int) kernel.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextDouble();
        }
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextDouble() - 0.5);
        }
        double[][] single = convolve(manager, x, input, w, kernel, DataType.FLOAT32);
        double[][] reference = convolve(manager, x, input, w, kernel, DataType.FLOAT64);
        double worst = 0;
        for (int part = 0; part < 2; part++) {
            double largest = 0;
            double error = 0;
            for (int i = 0; i < reference[part].length; i++) {
                largest = Math.max(largest, Math.abs(reference[part][i]));
                error = Math.max(error, Math.abs(single[part][i] - reference[part][i]));
            }
            worst = Math.max(worst, error / largest);
        }
        return worst;
    }

    /** @return the convolution's output and the gradient of the sum of its squares by the weight */
    private static double[][] convolve(NDManager parent, float[] x, Shape input, float[] w, Shape kernel, DataType type) {
        try (NDManager manager = parent.newSubManager()) {
            NDArray in = manager.create(x, input).toType(type, false);
            NDArray weight = manager.create(w, kernel).toType(type, false);
            weight.setRequiresGradient(true);
            boolean grad = JniUtils.isGradMode();
            JniUtils.setGradMode(true);
            try {
                NDArray out = Conv2d.conv2d(in, weight).singletonOrThrow();
                NDArray loss = out.mul(out).sum().mul(0.5);
                JniUtils.backward((PtNDArray) loss, (PtNDArray) manager.ones(loss.getShape(), type), false, false);
                return new double[][] {out.toType(DataType.FLOAT64, false).toDoubleArray(),
                    weight.getGradient().toType(DataType.FLOAT64, false).toDoubleArray()};
            } finally {
                JniUtils.setGradMode(grad);
            }
        }
    }
}
