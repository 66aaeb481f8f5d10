package org.adanspark.spark.runtime;

import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The GPU Spark's resource scheduler assigned a task ({@code spark.task.resource.gpu.amount}), as a CUDA
 * ordinal: what each backend binds the task's work to (docs/GPU.md). Spark hands out <em>addresses</em>, the
 * strings the discovery script printed; with a fractional task amount several tasks share one address, and
 * a task with more than one uses the first: one task computes on one device.
 */
public final class TaskGpu {

    /** The task resource name Spark's GPU scheduling uses. */
    public static final String RESOURCE = "gpu";

    /** No GPU assigned: no GPU scheduling, local mode, or a cluster without a {@code gpu} resource. */
    public static final int NONE = -1;

    private TaskGpu() {
    }

    /**
     * @return the calling task's GPU ordinal, or {@link #NONE} outside a task or without an assignment
     * @throws IllegalStateException when the assigned address is not a CUDA ordinal
     */
    public static int ofCurrentTask() {
        TaskContext context = TaskContext.get();
        return context == null ? NONE : assigned(context.resourcesJMap());
    }

    /**
     * @param resources a task's resources, as {@link TaskContext#resourcesJMap()}
     * @return the first GPU address as an ordinal, or {@link #NONE} when no GPU was assigned
     * @throws IllegalStateException when the address is not a non-negative integer
     */
    public static int assigned(Map<String, ResourceInformation> resources) {
        ResourceInformation gpu = resources == null ? null : resources.get(RESOURCE);
        if (gpu == null || gpu.addresses().length == 0) {
            return NONE;
        }
        String address = gpu.addresses()[0].trim();
        try {
            int ordinal = Integer.parseInt(address);
            if (ordinal >= 0) {
                return ordinal;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException("Spark resource 'gpu' address '" + address + "' is not a CUDA device "
                + "ordinal (0, 1, ...); check the discovery script (spark.executor.resource.gpu.discoveryScript)");
    }
}
