package org.adanspark.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.adanspark.optim.OptimizerRegistry;
import org.adanspark.optim.SlotSpace;
import org.knowm.xchart.XYChart;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Benchmark 1, optimizer kernels: runs {@link KernelBenchmark} under JMH and writes
 * {@code kernels.csv} and {@code kernels.png}.
 *
 * <p>The floor of an optimizer's step is the bytes it must move, divided by the copy bandwidth measured
 * in the same run at the same size (best over 1 and 2 copying threads; bytes read plus bytes written):
 * <ul>
 *   <li>Adan reads θ, g, g_prev, m, v, n and writes θ, m, v, n, g_prev: 44 bytes per parameter;</li>
 *   <li>AdamW reads θ, g, m, v and writes θ, m, v: 28 bytes;</li>
 *   <li>LAMB must see every r before it scales any (the per-tensor trust ratio), so it makes two passes,
 *       reading θ, g, m, v and writing m, v, then reading θ, m, v and writing θ: 40 bytes;</li>
 *   <li>SET-Adam's per-tensor cos² and minimum are of the new v, so it makes two passes too: reading g, m, v
 *       and writing m, v, then reading θ, m, v and writing θ: 36 bytes;</li>
 *   <li>Adafactor (no first moment) on a matrix keeps no state per parameter, but its update clipping and
 *       relative step need RMS(U) and RMS(θ) first: reading θ and g, then θ and g again and writing θ: 20
 *       bytes.</li>
 * </ul>
 * {@code state_bytes_per_param} is the float32 state the optimizer allocates per parameter of the
 * benchmark's layout ({@link KernelBenchmark#layout}, one matrix of 1,000 columns or rows): its slots'
 * values × 4 / parameters.
 *
 * <p>The fused kernels also read g once more to screen it for NaN/Inf and take its norm before anything is
 * written; that is in every measured step and not in the floor.
 *
 * <p>Usage: {@code bin/adan-bench kernels [--quick] [--out-dir DIR]}. Full: 1M, 10M and 50M parameters,
 * 1/2/4 shards, one JMH fork each, 2 × 1 s warm-up and 5 × 1 s measured iterations (about 8 minutes).
 * Quick: 1M parameters, in-process, 0.2 s iterations (seconds).
 */
public final class KernelsReport {

    private static final Map<String, Integer> FLOOR_BYTES = Map.ofEntries(Map.entry("adan", 44),
            Map.entry("adamw", 28), Map.entry("lamb", 40), Map.entry("setadam", 36), Map.entry("adafactor", 20),
            Map.entry("adafactor-wide", 20), Map.entry("adamw-clipped", 28), Map.entry("sgd", 20),
            Map.entry("radam", 28), Map.entry("adan-ema", 56));

    private KernelsReport() {
    }

    /**
     * @param args {@code --quick}, {@code --out-dir DIR}
     * @throws RunnerException when JMH fails
     */
    public static void main(String[] args) throws RunnerException {
        BenchOptions options = BenchOptions.parse("kernels", args);
        Machine machine = Machine.current();
        System.out.println("kernels (" + options.mode() + ") on " + machine);
        ChainedOptionsBuilder jmh = new OptionsBuilder().include(KernelBenchmark.class.getName() + "\\.")
                .shouldFailOnError(true);
        if (options.quick()) {
            jmh.forks(0).warmupIterations(1).warmupTime(TimeValue.milliseconds(200)).measurementIterations(2)
                    .measurementTime(TimeValue.milliseconds(200)).param("params", "1000000").param("shards", "1", "2");
        } else {
            jmh.forks(1).warmupIterations(2).warmupTime(TimeValue.seconds(1)).measurementIterations(5)
                    .measurementTime(TimeValue.seconds(1))
                    .jvmArgsAppend("-Xmx8g", "-XX:+UseParallelGC", "-Dorg.bytedeco.javacpp.maxbytes=6G",
                            "-Dorg.bytedeco.javacpp.maxphysicalbytes=14G");
        }
        Collection<RunResult> results = new Runner(jmh.build()).run();
        ResultTable table = table(results);
        table.write(options, options.file(".csv"), machine, """
                Columns: ms_per_step is JMH's average time per operation (error = 99.9% half-width, nan with
                fewer than 2 iterations); ns_per_param = ms_per_step / params; floor_ms = floor_bytes x params
                / the best copy bandwidth at that size in this run; ratio_to_floor = ms_per_step / floor_ms.
                copy rows: shards_or_threads is the number of copying threads and effective_gbs the bandwidth.
                state_bytes_per_param: the float32 optimizer state per parameter (slot values x 4 / params).
                """);
        plot(table, options);
    }

    /** One row per JMH result, floors from the copy rows of the same size. */
    static ResultTable table(Collection<RunResult> results) {
        Map<Integer, Double> bandwidth = new TreeMap<>();
        for (RunResult r : results) {
            if (method(r).equals("copy")) {
                int params = Integer.parseInt(r.getParams().getParam("params"));
                double gbs = 8.0 * params / (r.getPrimaryResult().getScore() * 1e6);
                bandwidth.merge(params, gbs, Math::max);
            }
        }
        ResultTable table = new ResultTable("kernel", "optimizer", "params", "shards_or_threads", "ms_per_step",
                "ms_error", "ns_per_param", "floor_bytes_per_param", "effective_gbs", "floor_ms", "ratio_to_floor",
                "state_bytes_per_param");
        System.out.println(table.header());
        for (RunResult r : results) {
            String method = method(r);
            int params = Integer.parseInt(r.getParams().getParam("params"));
            double ms = r.getPrimaryResult().getScore();
            double err = r.getPrimaryResult().getScoreError();
            String kernel;
            String optimizer;
            String parallel;
            int bytes;
            switch (method) {
                case "step" -> {
                    kernel = "fused";
                    optimizer = r.getParams().getParam("optimizer");
                    parallel = r.getParams().getParam("shards");
                    bytes = FLOOR_BYTES.get(optimizer);
                }
                case "naiveNd4jAdan" -> {
                    kernel = "naive-nd4j";
                    optimizer = "adan";
                    parallel = "";
                    bytes = FLOOR_BYTES.get(optimizer);
                }
                case "copy" -> {
                    kernel = "copy";
                    optimizer = "";
                    parallel = r.getParams().getParam("threads");
                    bytes = 8;
                }
                default -> throw new IllegalStateException("unexpected benchmark " + r.getParams().getBenchmark());
            }
            double floorMs = bytes * (double) params / (bandwidth.get(params) * 1e9) * 1e3;
            String state = optimizer.isEmpty() ? "" : ResultTable.fmt(stateBytesPerParam(optimizer, params));
            System.out.println(table.add(kernel, optimizer, params, parallel, ms, err, ms * 1e6 / params, bytes,
                    bytes * (double) params / (ms * 1e6), floorMs, ms / floorMs, state));
        }
        return table;
    }

    /** Float32 state bytes per parameter that {@code optimizer} keeps for the benchmark's layout. */
    static double stateBytesPerParam(String optimizer, int params) {
        String name = switch (optimizer) {
            case "adafactor-wide" -> "adafactor";
            case "adamw-clipped" -> "adamw";
            case "adan-ema" -> "adan";
            default -> optimizer;
        };
        Map<String, Object> settings = switch (optimizer) {
            case "sgd" -> Map.of("momentum", 0.9);
            case "adan-ema" -> Map.of("ema_decay", 0.999);
            default -> Map.of();
        };
        long values = OptimizerRegistry.create(name, settings).slotSpaces(KernelBenchmark.layout(optimizer, params))
                .stream().mapToLong(SlotSpace::length).sum();
        return (double) Float.BYTES * values / params;
    }

    private static String method(RunResult r) {
        String benchmark = r.getParams().getBenchmark();
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** Two panels: every fused kernel's ratio to its floor, and Adan's time against its floor and ND4J. */
    private static void plot(ResultTable table, BenchOptions options) {
        XYChart ratio = Charts.lines("Fused step time / memory floor (target for Adan: 1.15)", "parameters",
                "x floor");
        XYChart adan = Charts.lines("Adan step time per parameter", "parameters", "ns per parameter");
        ratio.getStyler().setXAxisLogarithmic(true);
        adan.getStyler().setXAxisLogarithmic(true);
        adan.getStyler().setYAxisLogarithmic(true);
        Map<String, List<double[]>> ratioSeries = new TreeMap<>();
        Map<String, List<double[]>> adanSeries = new TreeMap<>();
        for (List<String> row : table.rows()) {
            String kernel = row.get(0);
            String optimizer = row.get(1);
            double params = Double.parseDouble(row.get(2));
            double nsPerParam = Double.parseDouble(row.get(6));
            double floorNs = Double.parseDouble(row.get(9)) * 1e6 / params;
            if (kernel.equals("fused")) {
                ratioSeries.computeIfAbsent(optimizer + ", " + row.get(3) + " shard(s)", k -> new ArrayList<>())
                        .add(new double[] {params, Double.parseDouble(row.get(10))});
            }
            if (optimizer.equals("adan")) {
                String name = kernel.equals("fused") ? "fused, " + row.get(3) + " shard(s)" : "naive ND4J op-by-op";
                adanSeries.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {params, nsPerParam});
                adanSeries.computeIfAbsent("floor (44 B at copy bandwidth)", k -> new ArrayList<>())
                        .add(new double[] {params, floorNs});
            }
        }
        ratioSeries.forEach((name, points) -> addSorted(ratio, name, points));
        adanSeries.forEach((name, points) -> addSorted(adan, name, points));
        Charts.save(options.file(".png"), 2, List.of(ratio, adan));
    }

    private static void addSorted(XYChart chart, String name, List<double[]> points) {
        Map<Double, Double> sorted = new TreeMap<>();
        points.forEach(p -> sorted.put(p[0], p[1]));
        Charts.series(chart, name, sorted.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
                sorted.values().stream().mapToDouble(Double::doubleValue).toArray());
    }
}
