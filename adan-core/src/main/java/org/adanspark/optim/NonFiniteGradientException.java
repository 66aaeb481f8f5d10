package org.adanspark.optim;

/**
 * Thrown by a step under {@link NonFinitePolicy#FAIL} when a gradient holds NaN or ±Infinity, or when the
 * squared gradient norm overflows. Parameters and optimizer state are unchanged when it is thrown.
 */
public final class NonFiniteGradientException extends ArithmeticException {

    private static final long serialVersionUID = 1L;

    private final long step;
    private final int index;
    private final double value;

    NonFiniteGradientException(String message, long step, int index, double value) {
        super(message);
        this.step = step;
        this.index = index;
        this.value = value;
    }

    /** @return the 1-based number of the step that was refused */
    public long step() {
        return step;
    }

    /** @return the flat index of the first non-finite element, or -1 when the norm overflowed */
    public int index() {
        return index;
    }

    /** @return the offending value (NaN or ±Infinity), or the overflowed squared norm */
    public double value() {
        return value;
    }
}
