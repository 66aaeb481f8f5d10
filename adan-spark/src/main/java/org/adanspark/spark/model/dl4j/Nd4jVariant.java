package org.adanspark.spark.model.dl4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.adanspark.spark.runtime.BlasKernel;

/**
 * Names the nd4j-native build this jar carries to JavaCPP before ND4J loads its natives. Maven takes one
 * build of nd4j-native's natives ({@code nd4j.extension} in the POM, {@code -onednn} by default), and
 * JavaCPP loads the natives of {@code linux-x86_64} plus the extension in
 * {@code org.bytedeco.javacpp.platform.extension}; without it JavaCPP would look for the plain build, which
 * is not on the classpath. The same hook pins the BLAS kernel this JVM was asked for ({@link BlasKernel}). Every class through which the trainer, the tasks and the fitted models first
 * reach ND4J ({@code Network}, {@link ComputeThreads}, {@code TrainMain}) calls {@link #select()} in its
 * static initialiser, so executors need no flag. A value the JVM already has (a user's {@code -D}) wins.
 * See docs/ARCHITECTURE.md, "Executor compute".
 */
public final class Nd4jVariant {

    /** JavaCPP's system property for the native build's suffix. */
    public static final String PROPERTY = "org.bytedeco.javacpp.platform.extension";

    private static final String BUILT = read();

    private Nd4jVariant() {
    }

    /** Sets {@link #PROPERTY} to the build's variant unless it is set; call before ND4J is first used. */
    public static void select() {
        synchronized (Nd4jVariant.class) {
            if (System.getProperty(PROPERTY) == null) {
                System.setProperty(PROPERTY, BUILT);
            }
        }
        BlasKernel.pinRequested(); // also before OpenBLAS loads
    }

    /** @return the variant this build carries: {@code ""} (plain), {@code "-onednn"}, … */
    public static String built() {
        return BUILT;
    }

    private static String read() {
        try (InputStream in = Nd4jVariant.class.getResourceAsStream("/org/adanspark/spark/nd4j-variant.properties")) {
            if (in == null) {
                return "";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("extension", "").trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the build's ND4J variant: " + e.getMessage(), e);
        }
    }
}
