package org.adanspark.spark.runtime;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's own environment, which native libraries read with {@code getenv} when they load (OpenBLAS
 * its kernel, oneDNN its instruction set): set through the C library's {@code setenv}, for which Java has no
 * call, and read through {@code getenv}, since Java's {@link System#getenv} is a snapshot taken at start-up.
 */
public final class NativeEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(NativeEnvironment.class);

    private NativeEnvironment() {
    }

    /**
     * Sets a variable in this process's environment; a warning, not a failure, where no C library can be
     * called (the caller's check of what the library loaded then tells).
     *
     * @param name the variable
     * @param value its value
     */
    public static void set(String name, String value) {
        try {
            Function setenv = NativeLibrary.getInstance("c").getFunction("setenv");
            int rc = setenv.invokeInt(new Object[] {name, value, 1});
            if (rc != 0) {
                LOG.warn("could not set {}={} in this JVM (setenv returned {})", name, value, rc);
            }
        } catch (LinkageError | RuntimeException e) { // no C library to call
            LOG.warn("could not set {}={} in this JVM: {}", name, value, e.toString());
        }
    }

    /**
     * @param name a variable
     * @return its value in this process's environment now, or null
     */
    public static String get(String name) {
        try {
            return NativeLibrary.getInstance("c").getFunction("getenv").invokeString(new Object[] {name}, false);
        } catch (LinkageError | RuntimeException e) {
            return System.getenv(name);
        }
    }
}
