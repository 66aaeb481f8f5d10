package org.adanspark.io;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a data set's directory on this machine. The project ships no data; it reads what is installed.
 *
 * <p>Candidates, first match wins, for a data set named {@code fashion-mnist}:
 * <ol>
 *   <li>an explicit directory ({@code --data-dir}): {@code DIR/fashion-mnist}, then {@code DIR} itself;</li>
 *   <li>{@code $ADAN_DATA_DIR/fashion-mnist};</li>
 *   <li>{@code shared/data/fashion-mnist} in the working directory or any parent (a source checkout);</li>
 *   <li>{@code /usr/share/datasets/fashion-mnist} (Debian's {@code dataset-fashion-mnist} package).</li>
 * </ol>
 * A candidate matches when it holds every required file. When none does, the exception lists every path
 * that was tried.
 */
public final class DataSetLocator {

    private final Path explicitDir;
    private final String envDir;
    private final Path workingDir;

    /**
     * @param explicitDir a user-given directory, or null
     */
    public DataSetLocator(Path explicitDir) {
        this(explicitDir, System.getenv("ADAN_DATA_DIR"), Path.of(System.getProperty("user.dir")));
    }

    DataSetLocator(Path explicitDir, String envDir, Path workingDir) {
        this.explicitDir = explicitDir;
        this.envDir = envDir;
        this.workingDir = workingDir.toAbsolutePath();
    }

    /**
     * @param name the data set's directory name, e.g. {@code "fashion-mnist"}
     * @param requiredFiles files that must all be present, e.g. {@code "train-images-idx3-ubyte.gz"}
     * @return the first candidate directory that holds them all; with an explicit directory, only it (or
     *     its {@code name} subdirectory) is tried
     * @throws FileNotFoundException listing every candidate tried
     */
    public Path locate(String name, String... requiredFiles) throws FileNotFoundException {
        if (explicitDir != null) { // asked for by the user: no silent fall-back to other places
            for (Path candidate : List.of(explicitDir.resolve(name), explicitDir)) {
                if (holdsAll(candidate, requiredFiles)) {
                    return candidate;
                }
            }
            throw new FileNotFoundException("--data-dir " + explicitDir + " holds no '" + name + "' data set: looked for "
                    + String.join(", ", requiredFiles) + " in " + explicitDir.resolve(name) + " and in " + explicitDir);
        }
        List<Path> tried = new ArrayList<>();
        for (Path candidate : candidates(name)) {
            tried.add(candidate);
            if (holdsAll(candidate, requiredFiles)) {
                return candidate;
            }
        }
        StringBuilder msg = new StringBuilder("data set '").append(name).append("' not found; looked for ")
                .append(String.join(", ", requiredFiles)).append(" in:");
        for (Path p : tried) {
            msg.append("\n  ").append(p);
        }
        msg.append("\nPass --data-dir DIR, set ADAN_DATA_DIR, or install it (Fashion-MNIST: apt-get install dataset-fashion-mnist).");
        throw new FileNotFoundException(msg.toString());
    }

    private static boolean holdsAll(Path dir, String... files) {
        boolean complete = Files.isDirectory(dir);
        for (String f : files) {
            complete &= Files.isRegularFile(dir.resolve(f));
        }
        return complete;
    }

    private List<Path> candidates(String name) {
        List<Path> c = new ArrayList<>();
        if (envDir != null && !envDir.isBlank()) {
            c.add(Path.of(envDir).resolve(name));
        }
        for (Path dir = workingDir; dir != null; dir = dir.getParent()) {
            c.add(dir.resolve("shared").resolve("data").resolve(name));
        }
        c.add(Path.of("/usr/share/datasets").resolve(name));
        return c;
    }
}
