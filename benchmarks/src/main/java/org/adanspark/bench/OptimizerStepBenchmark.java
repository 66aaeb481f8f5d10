package org.adanspark.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.adanspark.optim.Adan;
import org.adanspark.optim.OptimizerState;
import org.adanspark.optim.ParamLayout;
import org.adanspark.optim.Precision;
import org.adanspark.optim.dl4j.AdanUpdater;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;

/**
 * Adan's float32 step time on P parameters, side by side in one run with the memory floor and with a
 * naive op-by-op ND4J Adan.
 *
 * <p>The floor: an Adan step must read θ, g, g_prev, m, v, n and write θ, m, v, n, g_prev, 44 bytes per
 * parameter. The machine's copy bandwidth B is measured here with parallel {@code System.arraycopy} (bytes
 * read plus bytes written, best over 1..cores threads), and the floor is {@code 44·P / B}. The fused
 * step also screens the gradient (4 more bytes read per parameter) for non-finite values and the global
 * norm before it writes anything; that is part of the measured step.
 *
 * <p>Usage: {@code bin/adan-bench [--params N] [--iterations K] [--quick]}. Prints a table and writes
 * {@code docs/results/optimizer-step.csv}.
 */
public final class OptimizerStepBenchmark {

    private static final int BYTES_PER_PARAM = 44;

    private OptimizerStepBenchmark() {
    }

    /**
     * @param args {@code --params N} (default 50,000,000), {@code --iterations K} (default 10),
     *     {@code --quick} (1,000,000 parameters), {@code --out FILE}
     * @throws Exception on I/O failure
     */
    public static void main(String[] args) throws Exception {
        int params = 50_000_000;
        int iterations = 10;
        Path out = Path.of("docs/results/optimizer-step.csv");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--params" -> params = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--quick" -> params = 1_000_000;
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument '" + args[i]
                        + "'; expected --params N, --iterations K, --quick or --out FILE");
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "Adan float32 step on %,d parameters; %d cores, %s %s, max heap %d MiB%n",
                params, cores, System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);

        float[] p = new float[params];
        float[] g = new float[params];
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < params; i++) {
            p[i] = (float) (rnd.nextDouble() - 0.5);
            g[i] = (float) (rnd.nextDouble() - 0.5);
        }

        List<String[]> rows = new ArrayList<>();
        double bestBandwidth = 0;
        for (int threads = 1; threads <= cores; threads *= 2) {
            double seconds = copySeconds(g, threads, iterations);
            double bandwidth = 8.0 * params / seconds;
            bestBandwidth = Math.max(bestBandwidth, bandwidth);
            System.out.printf(Locale.ROOT, "  copy, %d thread(s): %.1f ms, %.2f GB/s%n", threads, seconds * 1e3, bandwidth / 1e9);
        }
        double floor = BYTES_PER_PARAM * (double) params / bestBandwidth;
        System.out.printf(Locale.ROOT, "  floor = 44 B x %,d / %.2f GB/s = %.1f ms%n", params, bestBandwidth / 1e9, floor * 1e3);
        rows.add(row("floor (44 B/param at copy bandwidth)", 0, floor, floor));

        Adan adan = Adan.builder().lr(1e-3).weightDecay(0.02).build();
        ParamLayout layout = ParamLayout.of(params);
        for (int shards : new int[] {1, 2, 4}) {
            OptimizerState state = adan.init(layout, Precision.FLOAT32, shards);
            double seconds = median(iterations, () -> adan.step(state, p, g));
            System.out.printf(Locale.ROOT, "  adan fused, %d shard(s): %.1f ms = %.2fx floor%n", shards, seconds * 1e3, seconds / floor);
            rows.add(row("adan fused", shards, seconds, floor));
        }
        Adan clipped = Adan.builder().lr(1e-3).weightDecay(0.02).maxGradNorm(1.0).build();
        OptimizerState clippedState = clipped.init(layout, Precision.FLOAT32, cores);
        double clippedSeconds = median(iterations, () -> clipped.step(clippedState, p, g));
        System.out.printf(Locale.ROOT, "  adan fused + global clipping, %d shard(s): %.1f ms = %.2fx floor%n", cores,
                clippedSeconds * 1e3, clippedSeconds / floor);
        rows.add(row("adan fused with maxGradNorm=1", cores, clippedSeconds, floor));

        double naive = naiveNd4jSeconds(p, g, Math.max(3, iterations / 3));
        System.out.printf(Locale.ROOT, "  adan naive ND4J op-by-op: %.1f ms = %.2fx floor%n", naive * 1e3, naive / floor);
        rows.add(row("adan naive ND4J op-by-op", 0, naive, floor));

        Files.createDirectories(out.toAbsolutePath().getParent());
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out))) {
            w.println("kernel,shards,params,ms_per_step,ns_per_param,ratio_to_floor,cores");
            for (String[] r : rows) {
                w.printf(Locale.ROOT, "%s,%s,%d,%s,%s,%s,%d%n", r[0], r[1], params, r[2],
                        String.format(Locale.ROOT, "%.3f", Double.parseDouble(r[2]) * 1e6 / params), r[3], cores);
            }
        }
        System.out.println("wrote " + out);
    }

    private static String[] row(String kernel, int shards, double seconds, double floor) {
        return new String[] {kernel, shards == 0 ? "" : Integer.toString(shards),
                String.format(Locale.ROOT, "%.2f", seconds * 1e3), String.format(Locale.ROOT, "%.3f", seconds / floor)};
    }

    /** Median seconds of {@code iterations} timed runs after three warm-up runs. */
    private static double median(int iterations, Runnable step) {
        for (int i = 0; i < 3; i++) {
            step.run();
        }
        double[] t = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            step.run();
            t[i] = (System.nanoTime() - start) / 1e9;
        }
        Arrays.sort(t);
        return t[iterations / 2];
    }

    private static double copySeconds(float[] src, int threads, int iterations) throws Exception {
        float[] dst = new float[src.length];
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            return median(iterations, () -> {
                List<Future<?>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int from = (int) ((long) src.length * t / threads);
                    int to = (int) ((long) src.length * (t + 1) / threads);
                    parts.add(pool.submit(() -> System.arraycopy(src, from, dst, from, to - from)));
                }
                for (Future<?> f : parts) {
                    try {
                        f.get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        } finally {
            pool.shutdown();
        }
    }

    /** DL4J's way: the Adan updater in whole-array ND4J ops, then {@code params -= update}. */
    private static double naiveNd4jSeconds(float[] p, float[] g, int iterations) {
        INDArray params = Nd4j.createFromArray(p);
        INDArray grad = Nd4j.createFromArray(g);
        INDArray view = Nd4j.zeros(DataType.FLOAT, 4L * p.length);
        GradientUpdater<?> updater = new AdanUpdater(1e-3).instantiate(view, true);
        INDArray work = grad.dup();
        int[] iteration = {0};
        return median(iterations, () -> {
            work.assign(grad);
            updater.applyUpdater(work, iteration[0]++, 0);
            params.subi(work);
        });
    }
}
