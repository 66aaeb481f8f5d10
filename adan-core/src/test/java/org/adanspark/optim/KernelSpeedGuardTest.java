package org.adanspark.optim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A guard, not a benchmark: each element-wise optimizer's step, float32 and float64, over two shards (the second at a
 * non-zero offset, as every barrier task's and every shard after the first), against a copy that moves the
 * same bytes on the same two cores, timed in this JVM side by side. A kernel HotSpot leaves scalar ran 3-5x
 * the copy (Adan's, when θ was indexed {@code p[po + i]} beside {@code m[i]}); vectorised ones run at or
 * below it. The bound is a ratio, so a slow or loaded machine moves both sides; it fails only at a gross
 * ratio. The kernels benchmark (docs/BENCHMARKS.md) measures the real figures.
 */
class KernelSpeedGuardTest {

    /** Parameters: six float32 arrays of 24 MB, well past any cache. */
    private static final int P = 6_000_000;
    /**
     * Measured on 2 cores (AMD Zen 5): 0.7-1.4 for the one-pass kernels once vectorised, and once 1.85 (AdamW)
     * while another build shared the two cores; Adan's was 5.4 while its loops were scalar.
     */
    private static final double GROSS = 2.5;
    /**
     * LAMB and SET-Adam add per-segment sums in a fixed order in their first pass (LAMB's of θ² and of its
     * update r², which costs a square root and two divisions per element; SET-Adam's Σv, Σv², min v): one
     * accumulator each, a chain of dependent additions that no compiler may reorder without changing the
     * bits. Measured 5.8x (LAMB) and 2.7x (SET-Adam) with everything else vectorised; the bound is twice that.
     */
    private static final double GROSS_WITH_ORDERED_SUMS_LAMB = 12;
    private static final double GROSS_WITH_ORDERED_SUMS_SETADAM = 5.5;

    static Stream<Arguments> kernels() {
        return Stream.of("adan", "adamw", "clipped-adam", "lamb", "setadam", "sgd", "radam", "ema-adan")
                .flatMap(k -> Stream.of(Arguments.of(k, Precision.FLOAT32), Arguments.of(k, Precision.FLOAT64)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kernels")
    void stepsWithinAGrossRatioOfTheCopyFloor(String which, Precision precision) {
        Optimizer optimizer = switch (which) {
            case "adan" -> Adan.builder().lr(0.01).weightDecay(0.02).build();
            case "adamw" -> AdamW.builder().lr(0.002).weightDecay(0.01).build();
            case "clipped-adam" -> AdamW.builder().lr(0.002).weightDecay(0.01).updateClip(1.0).build();
            case "lamb" -> Lamb.builder().lr(0.01).weightDecay(0.01).build();
            case "setadam" -> SetAdam.builder().lr(0.002).build();
            case "sgd" -> Sgd.builder().lr(0.1).momentum(0.9).nesterov(true).weightDecay(1e-4).build();
            case "radam" -> RAdam.builder().lr(0.002).build();
            case "ema-adan" -> ModelEma.wrap(Adan.builder().lr(0.01).build(), 0.999);
            default -> throw new IllegalArgumentException(which);
        };
        boolean wide = precision == Precision.FLOAT64;
        int n = wide ? P / 2 : P; // the same bytes in either precision
        float[] theta = random(n, 1);
        float[] grad = random(n, 2);
        double[] theta64 = widen(theta);
        double[] grad64 = widen(grad);
        OptimizerState state = optimizer.init(ParamLayout.of(n / 2, n - n / 2), precision, 2);
        int slots = optimizer.slotNames().size();
        // values a step must move per parameter: read θ, g and every slot, write θ and every slot; a copy of
        // half as many values moves as many (each is read and written)
        int values = 2 + slots + 1 + slots;
        Object src = wide ? widen(random(values * n / 2, 3)) : random(values * n / 2, 3);
        Object dst = wide ? new double[values * n / 2] : new float[values * n / 2];
        int length = values * n / 2;
        Runnable oneStep = wide ? () -> optimizer.step(state, theta64, grad64) : () -> optimizer.step(state, theta, grad);
        DoubleSupplier step = () -> time(oneStep);
        DoubleSupplier copy = () -> time(() -> IntStream.range(0, 2).parallel().forEach(h -> {
            int from = h * (length / 2);
            int to = h == 0 ? length / 2 : length;
            System.arraycopy(src, from, dst, from, to - from);
        }));
        for (int warm = 0; warm < 10; warm++) { // past the first step's own branches, and compiled
            oneStep.run();
        }
        double bestStep = Double.MAX_VALUE;
        double bestCopy = Double.MAX_VALUE;
        for (int round = 0; round < 25; round++) { // interleaved, so both see the same machine
            bestStep = Math.min(bestStep, step.getAsDouble());
            bestCopy = Math.min(bestCopy, copy.getAsDouble());
        }
        double ratio = bestStep / bestCopy;
        double bound = switch (which) {
            case "lamb" -> GROSS_WITH_ORDERED_SUMS_LAMB;
            case "setadam" -> GROSS_WITH_ORDERED_SUMS_SETADAM;
            default -> GROSS;
        };
        System.out.printf("%s %s: step %.1f ms, copy of the same bytes %.1f ms, ratio %.2f%n", which, precision, bestStep, bestCopy,
                ratio);
        assertTrue(ratio < bound, which + " " + precision + ": the step over 2 shards took " + ratio + "x a copy of the same "
                + "bytes (bound " + bound + "); a fused kernel that HotSpot does not vectorise runs 3-5x: check that "
                + "every array in its loops is indexed by the loop variable alone (ShardState.aligned)");
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double[] widen(float[] v) {
        double[] w = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            w[i] = v[i];
        }
        return w;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() - 0.5) * 0.01f;
        }
        return v;
    }
}
