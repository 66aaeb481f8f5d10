package org.adanspark.optim;

/**
 * What a step does when a gradient holds NaN or ±Infinity. Either way parameters and state are left
 * exactly as they were: every step screens the whole gradient before it writes anything.
 */
public enum NonFinitePolicy {
    /** Throw {@link NonFiniteGradientException} naming the step, the element and its value. The default. */
    FAIL,
    /** Leave parameters and state untouched, count the step in {@link OptimizerState#skippedSteps()}. */
    SKIP
}
