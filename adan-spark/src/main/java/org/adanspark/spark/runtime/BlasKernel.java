package org.adanspark.spark.runtime;

import com.sun.jna.Function;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenBLAS CPU kernel a run computes with: part of the run's definition, like its compute threads.
 *
 * <p>OpenBLAS ships one GEMM kernel per processor family and picks one when it loads, from the CPU and the
 * environment variable {@code OPENBLAS_CORETYPE}. Kernels block their sums differently, so the same
 * gradient has other bits under another kernel: an AVX-512 Xeon picks {@code SkylakeX}, an AMD Zen 5 with
 * {@code OPENBLAS_CORETYPE=Haswell} (set on some machines because old OpenBLAS builds misbehave there) runs
 * {@code Haswell}, and the same Zen 5 with nothing set falls back to {@code Barcelona}, a kernel without
 * AVX. A run therefore names its kernel ({@code adan.train.blas-kernel}, default {@value #DEFAULT}: AVX2 and
 * FMA, which every current x86-64 server runs) and every JVM that computes for it loads OpenBLAS with that
 * kernel. Given the same instructions in the same order, every x86-64 processor returns the same bits.
 *
 * <p>The oneDNN build of ND4J has the same property for convolutions: oneDNN dispatches to AVX-512 code on
 * processors that have it, whose convolutions give other bits than its AVX2 code (measured: LeNet's and the
 * residual net's {@code params_sha256} after 4 steps change with {@code DNNL_MAX_CPU_ISA=AVX2} on an AVX-512
 * machine; the newer spelling {@code ONEDNN_MAX_CPU_ISA} is not read by ND4J 1.0.0-M2.1's oneDNN). The kernel
 * therefore also caps oneDNN at its own instruction set ({@link #onednnIsa}), through
 * {@code DNNL_MAX_CPU_ISA}, which oneDNN reads at its first convolution.
 *
 * <p>OpenBLAS reads {@code OPENBLAS_CORETYPE} once, when the library is loaded. {@link #pin} sets the
 * variable in this process (through the C library's {@code setenv}, which Java has no call for) before
 * that happens; once OpenBLAS is loaded nothing can change its kernel, and {@link #check} then names the
 * mismatch and the fix instead of computing other bits. {@code auto} leaves the choice to OpenBLAS (the
 * fastest kernel for each CPU; the bits then depend on the processor). See docs/ARCHITECTURE.md,
 * "Executor compute", and docs/TRAINING.md, "What changes the bits".
 */
public final class BlasKernel {

    /** The kernel a run uses unless it names another: AVX2 + FMA. */
    public static final String DEFAULT = "Haswell";
    /** Lets OpenBLAS pick the kernel from the CPU: fastest, but the bits depend on the processor. */
    public static final String AUTO = "auto";
    /** The variable OpenBLAS reads when it loads. */
    public static final String OPENBLAS_ENV = "OPENBLAS_CORETYPE";
    /** The variable oneDNN (ND4J's convolutions) reads at its first use. */
    public static final String ONEDNN_ENV = "DNNL_MAX_CPU_ISA";
    /**
     * Carries a run's kernel to the JVMs that compute for it (a run sets it in Spark's executor
     * environment); read by {@link #pinRequested()} before OpenBLAS loads.
     */
    public static final String RUN_ENV = "ADAN_BLAS_KERNEL";
    /** The same as a system property, which wins over {@link #RUN_ENV}. */
    public static final String PROPERTY = "adan.blas-kernel";

    /** OpenBLAS 0.3.19's x86-64 kernels, in its own spelling (its {@code OPENBLAS_CORETYPE} names). */
    public static final List<String> KERNELS = List.of("Prescott", "Core2", "Penryn", "Dunnington", "Nehalem",
            "Sandybridge", "Haswell", "SkylakeX", "Cooperlake", "Atom", "Opteron", "Barcelona", "Bobcat",
            "Bulldozer", "Piledriver", "Steamroller", "Excavator", "Zen", "Nano");

    /**
     * @param kernel an OpenBLAS kernel name from {@link #KERNELS}
     * @return the widest oneDNN instruction set that kernel's processors have: {@code AVX2} for Haswell and
     *     Zen, {@code AVX512_CORE} for SkylakeX, …
     */
    public static String onednnIsa(String kernel) {
        return switch (kernel) {
            case "Haswell", "Zen", "Excavator" -> "AVX2";
            case "SkylakeX" -> "AVX512_CORE";
            case "Cooperlake" -> "AVX512_CORE_BF16";
            case "Sandybridge", "Bulldozer", "Piledriver", "Steamroller" -> "AVX";
            default -> "SSE41"; // oneDNN's floor
        };
    }

    /**
     * @param kernel a name from {@link #canonical}
     * @return the environment that makes a JVM load that kernel: {@value #OPENBLAS_ENV} and {@value #ONEDNN_ENV},
     *     in that order; empty for {@link #AUTO}
     */
    public static Map<String, String> environment(String kernel) {
        if (AUTO.equals(kernel)) {
            return Map.of();
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put(OPENBLAS_ENV, kernel);
        env.put(ONEDNN_ENV, onednnIsa(kernel));
        return env;
    }

    private static final Logger LOG = LoggerFactory.getLogger(BlasKernel.class);

    /** What this JVM asked for before OpenBLAS loaded; null until the first {@link #pin}. */
    private static String pinned;
    /** The kernels of the OpenBLAS libraries this process loaded, once known: it cannot change. */
    private static volatile Set<String> loaded;

    private BlasKernel() {
    }

    /**
     * @param setting a kernel name in any case, or {@code auto}
     * @param key the setting's key, for the message
     * @return the name in OpenBLAS's spelling, or {@link #AUTO}
     * @throws IllegalArgumentException naming the key and the value when OpenBLAS has no such kernel
     */
    public static String canonical(String setting, String key) {
        String s = setting == null ? "" : setting.trim();
        if (s.equalsIgnoreCase(AUTO)) {
            return AUTO;
        }
        for (String k : KERNELS) {
            if (k.equalsIgnoreCase(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException(key + " must be an OpenBLAS x86-64 kernel (" + String.join(", ", KERNELS)
                + ") or auto, got '" + setting + "'");
    }

    /**
     * Pins the kernel this JVM was asked for by its launcher or its run: the system property
     * {@value #PROPERTY}, else the environment variable {@value #RUN_ENV}, else {@value #DEFAULT}. Every class
     * through which the trainer first reaches ND4J calls this (through {@code Nd4jVariant.select()}); a
     * kernel pinned earlier in this JVM stays.
     */
    public static void pinRequested() {
        String requested;
        try {
            requested = requested();
        } catch (IllegalArgumentException e) { // in a static initialiser: say so, and let the run's check decide
            LOG.error("{}; pinning {}", e.getMessage(), DEFAULT);
            requested = DEFAULT;
        }
        synchronized (BlasKernel.class) {
            if (pinned == null) {
                pin(requested);
            }
        }
    }

    /**
     * @return the kernel this JVM's launcher or run asked for: the system property {@value #PROPERTY}, else
     *     the environment variable {@value #RUN_ENV}, else {@value #DEFAULT}
     * @throws IllegalArgumentException naming the property or variable when it names no kernel
     */
    public static String requested() {
        String requested = System.getProperty(PROPERTY);
        if (requested != null && !requested.isBlank()) {
            return canonical(requested, "-D" + PROPERTY);
        }
        requested = System.getenv(RUN_ENV);
        if (requested != null && !requested.isBlank()) {
            return canonical(requested, RUN_ENV);
        }
        return DEFAULT;
    }

    /**
     * Makes OpenBLAS load {@code kernel} in this JVM by setting {@code OPENBLAS_CORETYPE} in the process's
     * environment; nothing once OpenBLAS is loaded (then {@link #check} tells) or for {@link #AUTO}.
     *
     * @param kernel a name from {@link #canonical}
     */
    public static synchronized void pin(String kernel) {
        if (kernel.equals(pinned)) {
            return; // set once: another setenv could race with a thread that is loading OpenBLAS
        }
        pinned = kernel;
        Set<String> already = loaded();
        if (AUTO.equals(kernel) || (already != null && !already.isEmpty())) {
            return;
        }
        environment(kernel).forEach(NativeEnvironment::set);
    }

    /**
     * Fails when the OpenBLAS this process loaded runs another kernel than {@code kernel}: its bits would
     * differ from the run's. Cheap after the first call. Passes when no OpenBLAS is loaded (another
     * backend) or the process cannot be inspected (not Linux), and for {@link #AUTO}.
     *
     * @param kernel the run's kernel, from {@link #canonical}
     * @throws IllegalStateException one line naming both kernels and the fix
     */
    public static void check(String kernel) {
        if (AUTO.equals(kernel)) {
            return;
        }
        Set<String> actual = loaded();
        if (actual == null || actual.isEmpty()) {
            return;
        }
        for (String a : actual) {
            if (!a.equalsIgnoreCase(kernel)) {
                throw new IllegalStateException(mismatch(kernel, String.join("/", actual)));
            }
        }
        String isa = onednnIsa(kernel);
        String capped = NativeEnvironment.get(ONEDNN_ENV);
        if (!isa.equalsIgnoreCase(capped == null ? "" : capped.trim())) {
            throw new IllegalStateException("oneDNN in this JVM is capped at " + (capped == null ? "nothing (" + ONEDNN_ENV
                    + " is not set)" : capped) + ", not at " + isa + " as the run's BLAS kernel " + kernel
                    + " needs (adan.train.blas-kernel / --blas-kernel), so its convolutions could have other bits: start"
                    + " this JVM with " + ONEDNN_ENV + "=" + isa + " and " + OPENBLAS_ENV + "=" + kernel
                    + " in its environment (executors: spark.executorEnv." + ONEDNN_ENV + "=" + isa + ")");
        }
    }

    /**
     * @param kernel the run's kernel
     * @param actual what OpenBLAS loaded
     * @return the one line {@link #check} fails with
     */
    static String mismatch(String kernel, String actual) {
        return "OpenBLAS in this JVM computes with its " + actual + " kernel, not the run's " + kernel
                + " (adan.train.blas-kernel / --blas-kernel), so its results would have other bits. OpenBLAS picks"
                + " its kernel once, when it loads, and it was loaded before the run could pin it: start this JVM"
                + " with " + OPENBLAS_ENV + "=" + kernel + " and " + ONEDNN_ENV + "=" + onednnIsa(kernel)
                + " in its environment (executors: spark.executorEnv." + OPENBLAS_ENV + "=" + kernel + " and"
                + " spark.executorEnv." + ONEDNN_ENV + "=" + onednnIsa(kernel) + "), or make the loaded kernel the run's (--blas-kernel " + actual
                + ", adan.train.blas-kernel)";
    }

    /**
     * @return the kernel names of the OpenBLAS libraries loaded in this process (one, unless two copies of
     *     OpenBLAS are loaded); empty when none is loaded yet; null when this process cannot be inspected
     */
    public static Set<String> loaded() {
        Set<String> known = loaded;
        if (known != null) {
            return known;
        }
        Set<String> libraries = NativeEnvironment.loadedLibraries("libopenblas");
        if (libraries == null) {
            return null;
        }
        if (libraries.isEmpty()) {
            return Set.of(); // not loaded yet: ask again later
        }
        Set<String> kernels = new TreeSet<>();
        for (String library : libraries) {
            try {
                // local: JNA's default (global) would make this copy's symbols resolve the other OpenBLAS copy's
                // lazy calls, and the two would free each other's buffers
                Function name = NativeEnvironment.opened(library).getFunction("openblas_get_corename");
                kernels.add(name.invokeString(new Object[0], false).trim());
            } catch (LinkageError | RuntimeException e) {
                LOG.debug("cannot ask {} for its kernel: {}", library, e.toString());
            }
        }
        loaded = kernels;
        LOG.debug("OpenBLAS kernel(s) loaded in this JVM: {}", kernels);
        return kernels;
    }

    /** @return the kernel this JVM's OpenBLAS runs, for logs and records: "Haswell", or "unknown" */
    public static String describeLoaded() {
        Set<String> k = loaded();
        return k == null || k.isEmpty() ? "unknown" : String.join("/", k);
    }
}
