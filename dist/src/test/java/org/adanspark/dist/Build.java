package org.adanspark.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the dist tests share: the project's paths and the build's facts (passed by Maven as system
 * properties), and a way to run a command as a user would, with its output kept.
 */
final class Build {

    /** The project root (the tests run in {@code dist/}). */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private Build() {
    }

    /** @return the Maven property passed to the tests under {@code name}, which must be set */
    static String property(String name) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + name + " is not set: run these tests through Maven");
        }
        return value;
    }

    /** @return the submit jar, {@code dist/target/adan-spark-<version>.jar} */
    static Path submitJar() {
        return Path.of(property("adan.submitJar"));
    }

    /** @return Spark's own classpath, resolved alone by the spark-runtime module */
    static String sparkClasspath() throws IOException {
        return Files.readString(ROOT.resolve("spark-runtime/target/classpath.txt")).trim();
    }

    /** A finished command: its exit status and its stdout and stderr, interleaved. */
    record Result(int status, String output) {
    }

    /**
     * Runs a command in {@code dir}, with {@code env} added to this JVM's environment.
     *
     * @throws AssertionError when it does not finish in {@code timeoutS} seconds
     */
    static Result run(List<String> command, Path dir, Map<String, String> env, long timeoutS)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try (InputStream in = p.getInputStream()) {
                out[0] = in.readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output lost: " + e + ")").getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!p.waitFor(timeoutS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutS + " s");
        }
        reader.join();
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    /** @return the JVM flags Spark's launcher adds on Java 17, split for a command line */
    static List<String> sparkJvmOpens() {
        return new ArrayList<>(List.of(property("adan.sparkJvmOpens").trim().split("\\s+")));
    }
}
