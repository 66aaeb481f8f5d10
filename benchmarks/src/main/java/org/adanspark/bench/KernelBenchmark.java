package org.adanspark.bench;

import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.adanspark.optim.Adafactor;
import org.adanspark.optim.AdamW;
import org.adanspark.optim.Adan;
import org.adanspark.optim.Lamb;
import org.adanspark.optim.ModelEma;
import org.adanspark.optim.Optimizer;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.optim.Precision;
import org.adanspark.optim.RAdam;
import org.adanspark.optim.SetAdam;
import org.adanspark.optim.Sgd;
import org.adanspark.optim.dl4j.AdanUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * JMH kernels behind {@code docs/results/kernels.csv} ({@link KernelsReport} runs them and derives the
 * ratios): one float32 optimizer step over P parameters, the copy bandwidth that sets the memory floor,
 * and Adan written the naive way, op by op in ND4J.
 *
 * <p>Each benchmark method is one operation; JMH reports its average time in milliseconds.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class KernelBenchmark {

    /** Fills a vector with the same pseudo-random values in [-0.5, 0.5) for every run. */
    static float[] randomVector(int n, long seed) {
        float[] v = new float[n];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() - 0.5);
        }
        return v;
    }

    /** A fused optimizer step of adan-core: θ, g and the optimizer's state, stepped over its shards. */
    @State(Scope.Benchmark)
    public static class StepState {
        /** Parameters in the flat vector. */
        @Param({"1000000", "10000000", "50000000"})
        public int params;
        /**
         * adan, adamw, lamb, setadam or adafactor, each with its reference.conf hyperparameters; adafactor-wide
         * is Adafactor on the same parameters as one matrix the other way round ({@link #layout}); the other
         * element-wise kernels: adamw-clipped (clipped Adam's update bound 1), sgd (momentum 0.9, Nesterov),
         * radam, and adan-ema (Adan with a model EMA of decay 0.999).
         */
        @Param({"adan", "adamw", "lamb", "setadam", "adafactor", "adafactor-wide", "adamw-clipped", "sgd", "radam",
            "adan-ema"})
        public String optimizer;
        /** State shards, stepped in parallel on the driver's cores. */
        @Param({"1", "2", "4"})
        public int shards;

        Optimizer opt;
        OptimizerState state;
        float[] theta;
        float[] grad;

        /** Allocates θ, g and the state; the first step (lazy allocation, bias terms) is not timed. */
        @Setup(Level.Trial)
        public void setUp() {
            theta = randomVector(params, 1);
            grad = randomVector(params, 2);
            opt = switch (optimizer) {
                case "adan" -> Adan.builder().lr(0.01).betas(0.98, 0.92, 0.99).eps(1e-8).weightDecay(0.02).build();
                case "adamw" -> AdamW.builder().lr(0.002).betas(0.9, 0.999).eps(1e-8).weightDecay(0.01).build();
                case "lamb" -> Lamb.builder().lr(0.01).betas(0.9, 0.999).eps(1e-6).weightDecay(0.01).build();
                case "setadam" -> SetAdam.builder().lr(0.002).betas(0.9, 0.999).eps(1e-16).tau(0.5).build();
                case "adafactor", "adafactor-wide" -> Adafactor.builder().build();
                case "adamw-clipped" -> AdamW.builder().lr(0.002).betas(0.9, 0.999).eps(1e-8).weightDecay(0.01)
                        .updateClip(1.0).build();
                case "sgd" -> Sgd.builder().lr(0.1).momentum(0.9).nesterov(true).weightDecay(1e-4).build();
                case "radam" -> RAdam.builder().lr(0.002).build();
                case "adan-ema" -> ModelEma.wrap(Adan.builder().lr(0.01).betas(0.98, 0.92, 0.99).eps(1e-8)
                        .weightDecay(0.02).build(), 0.999);
                default -> throw new IllegalArgumentException("optimizer '" + optimizer + "': use adan, adamw, lamb,"
                        + " setadam, adafactor, adafactor-wide, adamw-clipped, sgd, radam or adan-ema");
            };
            state = opt.init(layout(optimizer, params), Precision.FLOAT32, shards);
            opt.step(state, theta, grad);
        }
    }

    /**
     * The benchmark's parameters: one weight matrix, so that Adafactor factors it (the other optimizers
     * see the same flat vector): {@code params / 1000} rows of 1,000 contiguous columns (an embedding of
     * width 1,000; a segment of 8,192 covers whole rows, so its column partials are 1,000 numbers), or for
     * {@code adafactor-wide} 1,000 rows of {@code params / 1000} (a layer of 1,000 outputs with a wide
     * fan-in; a segment is part of one row, so it sends a column partial per element).
     *
     * @param optimizer the benchmark's optimizer key
     * @param params parameters, a multiple of 1,000
     * @return the layout
     */
    static ParamLayout layout(String optimizer, int params) {
        int rows = optimizer.equals("adafactor-wide") ? 1000 : params / 1000;
        return ParamLayout.shaped(java.util.List.of("w"), new int[] {params}, new int[] {rows});
    }

    /**
     * @param s the optimizer, its state and the vectors
     * @return θ, so the step cannot be eliminated
     */
    @Benchmark
    public float[] step(StepState s) {
        s.opt.step(s.state, s.theta, s.grad);
        return s.theta;
    }

    /** Parallel {@code System.arraycopy} between two P-float arrays: the machine's copy bandwidth. */
    @State(Scope.Benchmark)
    public static class CopyState {
        /** Floats copied. */
        @Param({"1000000", "10000000", "50000000"})
        public int params;
        /** Copying threads, each a contiguous slice. */
        @Param({"1", "2"})
        public int threads;

        float[] src;
        float[] dst;
        ExecutorService pool;

        /** Allocates both arrays and the threads. */
        @Setup(Level.Trial)
        public void setUp() {
            src = randomVector(params, 3);
            dst = new float[params];
            pool = Executors.newFixedThreadPool(threads);
        }

        /** Stops the threads. */
        @TearDown(Level.Trial)
        public void tearDown() {
            pool.shutdownNow();
        }
    }

    /**
     * @param s the arrays and threads
     * @return the destination
     * @throws Exception if a copying thread fails
     */
    @Benchmark
    public float[] copy(CopyState s) throws Exception {
        Future<?>[] parts = new Future<?>[s.threads];
        for (int t = 0; t < s.threads; t++) {
            int from = (int) ((long) s.params * t / s.threads);
            int to = (int) ((long) s.params * (t + 1) / s.threads);
            parts[t] = s.pool.submit(() -> System.arraycopy(s.src, from, s.dst, from, to - from));
        }
        for (Future<?> f : parts) {
            f.get();
        }
        return s.dst;
    }

    /** Adan as DL4J runs an updater: whole-array ND4J ops with temporaries, then {@code θ -= update}. */
    @State(Scope.Benchmark)
    public static class NaiveAdanState {
        /** Parameters in the flat vector. */
        @Param({"1000000", "10000000", "50000000"})
        public int params;

        INDArray theta;
        INDArray grad;
        INDArray work;
        GradientUpdater<?> updater;
        int iteration;

        /** Allocates the ND4J arrays and the updater's state view. */
        @Setup(Level.Trial)
        public void setUp() {
            theta = Nd4j.createFromArray(randomVector(params, 1));
            grad = Nd4j.createFromArray(randomVector(params, 2));
            work = grad.dup();
            updater = new AdanUpdater(0.01).instantiate(Nd4j.zeros(DataType.FLOAT, 4L * params), true);
        }
    }

    /**
     * @param s the arrays and the updater
     * @return θ
     */
    @Benchmark
    public INDArray naiveNd4jAdan(NaiveAdanState s) {
        s.work.assign(s.grad);
        s.updater.applyUpdater(s.work, s.iteration++, 0);
        return s.theta.subi(s.work);
    }
}
