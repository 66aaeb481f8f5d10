package org.adanspark.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The facts about this machine that a benchmark figure needs next to it: cores, memory, CPU, JVM.
 *
 * @param cores processors the JVM sees
 * @param memoryGiB physical memory
 * @param maxHeapMiB the JVM's maximum heap
 * @param cpu the CPU model from {@code /proc/cpuinfo}, or {@code os.arch}
 * @param jvm the JVM's name and version
 * @param os the operating system
 */
public record Machine(int cores, double memoryGiB, long maxHeapMiB, String cpu, String jvm, String os) {

    /** @return this machine's facts */
    public static Machine current() {
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        return new Machine(Runtime.getRuntime().availableProcessors(), memory / (double) (1L << 30),
                Runtime.getRuntime().maxMemory() >> 20, cpuModel(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through to the architecture
        }
        return System.getProperty("os.arch");
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB, %s, max heap %d MiB, %s", cores, cpu, memoryGiB, jvm,
                maxHeapMiB, os);
    }
}
