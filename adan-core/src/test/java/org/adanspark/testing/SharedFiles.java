package org.adanspark.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the project's {@code ../shared} folder (golden trajectories, data sets) from the test's working
 * directory by walking up. A missing folder fails the test: fixtures that cannot be found must not turn
 * into tests that silently pass.
 */
public final class SharedFiles {

    private SharedFiles() {
    }

    /**
     * @param relative a path inside {@code shared/}, e.g. {@code "golden/adan"}
     * @return the absolute path
     * @throws IllegalStateException if no {@code shared/<relative>} exists above the working directory
     */
    public static Path resolve(String relative) {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("shared/" + relative + " not found in " + start + " or any parent; "
                + "clone the project with ../shared beside it");
    }
}
