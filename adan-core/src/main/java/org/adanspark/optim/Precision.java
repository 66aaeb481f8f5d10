package org.adanspark.optim;

/**
 * Floating-point precision of parameters, gradients and optimizer state.
 *
 * <p>{@link #FLOAT64} state is stepped with {@code double[]} arrays and reproduces the official
 * implementation's float64 trajectories; {@link #FLOAT32} state is stepped with {@code float[]} arrays,
 * computes every operation in float32 in the reference's order, and halves memory traffic.
 */
public enum Precision {
    /** IEEE 754 binary32: {@code float[]} parameters, gradients and state. */
    FLOAT32(Float.BYTES),
    /** IEEE 754 binary64: {@code double[]} parameters, gradients and state. */
    FLOAT64(Double.BYTES);

    private final int bytes;

    Precision(int bytes) {
        this.bytes = bytes;
    }

    /** @return the size of one element in bytes (4 or 8) */
    public int bytes() {
        return bytes;
    }
}
