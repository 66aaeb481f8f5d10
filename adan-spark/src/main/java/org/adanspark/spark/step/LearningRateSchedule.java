package org.adanspark.spark.step;

import java.io.Serializable;
import java.util.Locale;

/**
 * The learning rate at each step: an optional linear warm-up, then constant, cosine or linear decay to
 * {@code lr × minLrRatio} at the last step. Step {@code t} is 0-based; during warm-up
 * {@code lr_t = lr·(t+1)/W}; after it, with {@code q = (t−W)/(T−W)},
 * cosine gives {@code lr·(r + (1−r)·(1 + cos πq)/2)} and linear {@code lr·(r + (1−r)·(1−q))}.
 */
public final class LearningRateSchedule implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Schedule shapes. */
    public enum Kind {
        /** lr throughout (after the warm-up, if any). */
        CONSTANT,
        /** Warm-up, then cosine decay. */
        WARMUP_COSINE,
        /** Warm-up, then linear decay. */
        WARMUP_LINEAR;

        /**
         * @param name {@code constant}, {@code warmup-cosine} or {@code warmup-linear}
         * @return the kind
         */
        public static Kind parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("adan.schedule.kind must be constant, warmup-cosine or warmup-linear, got '"
                        + name + "'");
            }
        }
    }

    private final Kind kind;
    private final double lr;
    private final long warmupSteps;
    private final long totalSteps;
    private final double minLrRatio;

    /**
     * @param kind the shape
     * @param lr the peak learning rate
     * @param warmupSteps warm-up length, ≥ 0
     * @param totalSteps steps in the whole run, ≥ 1
     * @param minLrRatio final lr as a fraction of {@code lr}, in [0, 1]
     */
    public LearningRateSchedule(Kind kind, double lr, long warmupSteps, long totalSteps, double minLrRatio) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("adan.schedule.warmup-steps must be >= 0, got " + warmupSteps);
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new IllegalArgumentException("adan.schedule.min-lr-ratio must be in [0, 1], got " + minLrRatio);
        }
        this.kind = kind;
        this.lr = lr;
        this.warmupSteps = warmupSteps;
        this.totalSteps = Math.max(1, totalSteps);
        this.minLrRatio = minLrRatio;
    }

    /**
     * @param step 0-based global step
     * @return the learning rate for that step
     */
    public double at(long step) {
        if (step < warmupSteps) {
            return lr * (step + 1) / warmupSteps;
        }
        if (kind == Kind.CONSTANT) {
            return lr;
        }
        double q = Math.min(1.0, (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
        double shape = kind == Kind.WARMUP_COSINE ? 0.5 * (1 + Math.cos(Math.PI * q)) : 1 - q;
        return lr * (minLrRatio + (1 - minLrRatio) * shape);
    }

    /** @return e.g. {@code warmup-cosine(lr=0.01, warmup=10, total=45, min=0.0)} */
    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + "(lr=" + lr + ", warmup=" + warmupSteps
                + ", total=" + totalSteps + ", min-ratio=" + minLrRatio + ")";
    }
}
