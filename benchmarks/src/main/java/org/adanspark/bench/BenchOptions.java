package org.adanspark.bench;

import java.nio.file.Path;

/**
 * The options every benchmark main takes: {@code --quick} (or the system property {@code -Dquick}) for a
 * smoke-test-sized run, and {@code --out-dir DIR} for where the CSVs and PNGs go.
 *
 * <p>A full run writes to {@code docs/results/}, the committed results. A quick run writes to
 * {@code benchmarks/target/quick-results/} unless told otherwise, so a smoke test never overwrites the
 * committed tables with smoke-test figures.
 *
 * @param name the benchmark's name, e.g. {@code kernels}; the stem of its result files
 * @param quick whether to run the minutes-long smoke-test variant
 * @param outDir where results are written
 */
public record BenchOptions(String name, boolean quick, Path outDir) {

    /** Where full runs write: the committed results. */
    public static final Path FULL_RESULTS = Path.of("docs/results");
    /** Where quick runs write unless {@code --out-dir} says otherwise. */
    public static final Path QUICK_RESULTS = Path.of("benchmarks/target/quick-results");

    /**
     * @param name the benchmark's name
     * @param args the main's arguments
     * @return the parsed options
     * @throws IllegalArgumentException naming an argument that is not understood
     */
    public static BenchOptions parse(String name, String[] args) {
        String quickProperty = System.getProperty("quick");
        boolean quick = quickProperty != null && !quickProperty.equalsIgnoreCase("false");
        Path outDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out-dir" -> {
                    if (i + 1 == args.length) {
                        throw new IllegalArgumentException(name + ": --out-dir needs a directory");
                    }
                    outDir = Path.of(args[++i]);
                }
                default -> throw new IllegalArgumentException(name + ": unknown argument '" + args[i]
                        + "'; expected --quick (or -Dquick) and --out-dir DIR");
            }
        }
        if (outDir == null) {
            outDir = quick ? QUICK_RESULTS : FULL_RESULTS;
        }
        return new BenchOptions(name, quick, outDir);
    }

    /**
     * @param suffix e.g. {@code .csv} or {@code -curves.png}
     * @return the result file {@code outDir/name + suffix}
     */
    public Path file(String suffix) {
        return outDir.resolve(name + suffix);
    }

    /** @return {@code quick} or {@code full}, for the result files' headers */
    public String mode() {
        return quick ? "quick" : "full";
    }
}
