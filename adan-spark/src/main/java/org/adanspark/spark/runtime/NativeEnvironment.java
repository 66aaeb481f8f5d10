package org.adanspark.spark.runtime;

import com.sun.jna.Function;
import com.sun.jna.Library;
import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's own environment, which native libraries read with {@code getenv} when they load (OpenBLAS
 * its kernel, oneDNN its instruction set): set through the C library's {@code setenv}, for which Java has no
 * call, and read through {@code getenv}, since Java's {@link System#getenv} is a snapshot taken at start-up.
 */
public final class NativeEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(NativeEnvironment.class);
    private static final Path MAPS = Path.of("/proc/self/maps");
    private static final int RTLD_LAZY = 0x1;
    private static final int RTLD_NOLOAD = 0x4;

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
     * The shared libraries this process has loaded whose path contains a name, from {@code /proc/self/maps}.
     *
     * @param name part of a library's file name, e.g. {@code libopenblas}
     * @return their paths, each once, in order; empty when none is loaded; null where the maps cannot be read
     *     (not Linux)
     */
    public static Set<String> loadedLibraries(String name) {
        if (!Files.isReadable(MAPS)) {
            return null;
        }
        Set<String> libraries = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(MAPS)) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.contains(name)) {
                    libraries.add(line.substring(slash));
                }
            }
        } catch (IOException e) {
            return null;
        }
        return libraries;
    }

    /**
     * A library this process has loaded, to call: opened again with {@code RTLD_NOLOAD | RTLD_LAZY}, local, so
     * that its symbols do not resolve another copy's lazy calls (JNA's default is global).
     *
     * @param path its path, from {@link #loadedLibraries}
     * @return the library
     * @throws UnsatisfiedLinkError when it is not loaded
     */
    public static NativeLibrary opened(String path) {
        return NativeLibrary.getInstance(path, Map.of(Library.OPTION_OPEN_FLAGS, RTLD_NOLOAD | RTLD_LAZY));
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
