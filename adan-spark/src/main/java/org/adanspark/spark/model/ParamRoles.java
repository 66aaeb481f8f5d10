package org.adanspark.spark.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.adanspark.optim.ParamLayout;

/**
 * What each parameter tensor of a model is to the optimizer — the model's non-trained state, as the port
 * declares it (docs/ARCHITECTURE.md, "The compute backend"). Most tensors are trained. Two kinds live in θ
 * beside them but are not the optimizer's:
 * <ul>
 *   <li>{@link Role#STATISTIC}: values the model moves by its own rule, such as batch normalisation's running
 *       mean and variance. A replica reports, in the statistic's gradient slots, the change a micro-batch
 *       makes to it times the micro-batch's examples; summed over the step's micro-batches and partitions in
 *       the gradient's fixed order and divided by the step's examples, as every gradient is, that is the
 *       example-weighted mean change, which the step subtracts as it is (docs/MODELS.md, "Batch
 *       normalisation").</li>
 *   <li>{@link Role#FROZEN}: values that do not change at all.</li>
 * </ul>
 * Neither takes part in the gradient's norm, clipping, weight decay, the optimizer's update or a model EMA
 * ({@code step.StepCore}).
 */
public final class ParamRoles implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What a tensor is to the optimizer. */
    public enum Role {
        /** Trained by the optimizer. */
        TRAINED,
        /** Moved by the model's own rule; the step applies the mean change. */
        STATISTIC,
        /** Never changed. */
        FROZEN
    }

    /**
     * A run of θ that the optimizer does not train.
     *
     * @param from its first flat index
     * @param to one past its last
     * @param role {@link Role#STATISTIC} or {@link Role#FROZEN}
     */
    public record Range(int from, int to, Role role) implements Serializable {
    }

    private final Role[] byTensor;

    /**
     * @param byTensor each tensor's role, in the layout's order
     */
    public ParamRoles(Role[] byTensor) {
        this.byTensor = byTensor.clone();
    }

    /**
     * @param tensors how many tensors the model has
     * @return every tensor trained
     */
    public static ParamRoles allTrained(int tensors) {
        Role[] roles = new Role[tensors];
        Arrays.fill(roles, Role.TRAINED);
        return new ParamRoles(roles);
    }

    /**
     * @param tensor a tensor's index in the layout
     * @return its role
     */
    public Role of(int tensor) {
        return byTensor[tensor];
    }

    /** @return whether every tensor is trained: nothing for the step to hold back */
    public boolean allTrained() {
        return Arrays.stream(byTensor).allMatch(r -> r == Role.TRAINED);
    }

    /**
     * @param layout the layout the roles are of
     * @return the runs of θ that are not trained, in flat order, adjacent tensors of one role merged
     * @throws IllegalArgumentException when the layout has another number of tensors
     */
    public List<Range> nonTrained(ParamLayout layout) {
        if (layout.numTensors() != byTensor.length) {
            throw new IllegalArgumentException("roles of " + byTensor.length + " tensors for a layout of "
                    + layout.numTensors());
        }
        List<Range> ranges = new ArrayList<>();
        for (int t = 0; t < byTensor.length; t++) {
            if (byTensor[t] == Role.TRAINED) {
                continue;
            }
            int from = layout.offset(t);
            int to = from + layout.length(t);
            Range last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last.to() == from && last.role() == byTensor[t]) {
                ranges.set(ranges.size() - 1, new Range(last.from(), to, last.role()));
            } else {
                ranges.add(new Range(from, to, byTensor[t]));
            }
        }
        return List.copyOf(ranges);
    }

    /** @return how many tensors have each role, e.g. {@code 12 trained, 4 statistic} */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (Role r : Role.values()) {
            long n = Arrays.stream(byTensor).filter(x -> x == r).count();
            if (n > 0) {
                b.append(b.length() == 0 ? "" : ", ").append(n).append(' ').append(r.name().toLowerCase());
            }
        }
        return b.toString();
    }
}
