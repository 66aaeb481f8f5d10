package org.adanspark.spark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A tiny tmpfs the test mounts (where the machine lets it: root with the right to mount), to meet a full or a
 * read-only file system for real. Unmounted (lazily) on close.
 */
public final class SmallFileSystem implements AutoCloseable {

    private final Path mountPoint;

    private SmallFileSystem(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /**
     * Mounts a tmpfs.
     *
     * @param mountPoint an empty directory
     * @param kib its size in KiB (tmpfs rounds up to whole pages)
     * @param readOnly whether to mount it read-only
     * @return the file system, or empty where this machine does not allow the test to mount one
     */
    public static Optional<SmallFileSystem> mount(Path mountPoint, int kib, boolean readOnly) {
        try {
            Files.createDirectories(mountPoint);
            String options = (readOnly ? "ro," : "") + "size=" + kib + "k";
            if (run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mountPoint.toString())) {
                return Optional.of(new SmallFileSystem(mountPoint));
            }
        } catch (IOException e) {
            // no mount command, or no right to run it
        }
        return Optional.empty();
    }

    /** @return where it is mounted */
    public Path root() {
        return mountPoint;
    }

    @Override
    public void close() throws IOException {
        // lazily: a stream a failed write left open (Spark's writer's, say) must not keep the mount
        if (!run("umount", "-l", mountPoint.toString())) {
            throw new IOException("could not unmount " + mountPoint);
        }
    }

    private static boolean run(String... command) throws IOException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        try {
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor() == 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        } finally {
            p.destroy();
        }
    }
}
