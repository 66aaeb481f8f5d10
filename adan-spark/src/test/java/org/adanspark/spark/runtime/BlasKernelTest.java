package org.adanspark.spark.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The kernel's names, its oneDNN instruction set, and the check against what this JVM loaded. */
class BlasKernelTest {

    @Test
    void namesAreOpenBlasSpellingInAnyCaseAndAnythingElseIsNamedWithItsKey() {
        assertEquals("Haswell", BlasKernel.canonical("haswell", "k"));
        assertEquals("SkylakeX", BlasKernel.canonical(" SKYLAKEX ", "k"));
        assertEquals(BlasKernel.AUTO, BlasKernel.canonical("Auto", "k"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlasKernel.canonical("Skylake", "adan.train.blas-kernel"));
        assertTrue(e.getMessage().startsWith("adan.train.blas-kernel must be an OpenBLAS x86-64 kernel (Prescott, "),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("or auto, got 'Skylake'"), e.getMessage());
    }

    @Test
    void eachKernelCapsOneDnnAtItsOwnInstructionSet() {
        assertEquals("AVX2", BlasKernel.onednnIsa("Haswell"));
        assertEquals("AVX2", BlasKernel.onednnIsa("Zen"));
        assertEquals("AVX512_CORE", BlasKernel.onednnIsa("SkylakeX"));
        assertEquals("AVX", BlasKernel.onednnIsa("Sandybridge"));
        assertEquals("SSE41", BlasKernel.onednnIsa("Prescott"));
    }

    @Test
    void theLoadedKernelIsTheDefaultOneAndAnotherIsRefusedNamingBothAndTheFix() {
        INDArray a = Nd4j.rand(8, 8); // loads OpenBLAS, pinned by Surefire's environment and Nd4jVariant's hook
        a.mmul(a);
        Set<String> loaded = BlasKernel.loaded();
        assertEquals(Set.of(BlasKernel.DEFAULT), loaded, "every OpenBLAS copy in this JVM runs the default kernel");
        BlasKernel.check(BlasKernel.DEFAULT);
        BlasKernel.check(BlasKernel.AUTO); // auto checks nothing
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BlasKernel.check("SkylakeX"));
        assertTrue(e.getMessage().startsWith("OpenBLAS in this JVM computes with its Haswell kernel, not the run's"
                + " SkylakeX (adan.train.blas-kernel / --blas-kernel)"), e.getMessage());
        assertTrue(e.getMessage().contains("spark.executorEnv.OPENBLAS_CORETYPE=SkylakeX"), e.getMessage());
        assertTrue(e.getMessage().endsWith("make the loaded kernel the run's (--blas-kernel Haswell,"
                + " adan.train.blas-kernel)"), e.getMessage());
    }

    @Test
    void aJvmAsksForTheDefaultUnlessItsLauncherOrRunNamesAnother() {
        String before = System.getProperty(BlasKernel.PROPERTY);
        try {
            System.clearProperty(BlasKernel.PROPERTY);
            if (System.getenv(BlasKernel.RUN_ENV) == null) {
                assertEquals(BlasKernel.DEFAULT, BlasKernel.requested());
            }
            System.setProperty(BlasKernel.PROPERTY, "zen");
            assertEquals("Zen", BlasKernel.requested());
            System.setProperty(BlasKernel.PROPERTY, "fast");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, BlasKernel::requested);
            assertTrue(e.getMessage().startsWith("-Dadan.blas-kernel must be"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(BlasKernel.PROPERTY);
            } else {
                System.setProperty(BlasKernel.PROPERTY, before);
            }
        }
    }
}
