package org.adanspark.bench;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Mean and sample standard deviation of a few seeds' results, and Welch's t-test between two such sets.
 *
 * @param values the finite results (a diverged seed is left out and counted in {@code diverged})
 * @param diverged how many seeds gave a non-finite result
 */
record SeedStats(double[] values, int diverged) {

    /**
     * @param results one per seed; NaN for a diverged run
     * @return their statistics
     */
    static SeedStats of(double... results) {
        double[] finite = Arrays.stream(results).filter(Double::isFinite).toArray();
        return new SeedStats(finite, results.length - finite.length);
    }

    /** @return how many finite results */
    int n() {
        return values.length;
    }

    /** @return their mean; NaN when there are none */
    double mean() {
        return values.length == 0 ? Double.NaN : Arrays.stream(values).sum() / values.length;
    }

    /** @return the sample standard deviation (n − 1 in the denominator); NaN for fewer than 2 results */
    double sd() {
        if (values.length < 2) {
            return Double.NaN;
        }
        double m = mean();
        double ss = 0;
        for (double v : values) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (values.length - 1));
    }

    /**
     * @return {@code mean ± sd}, the mean to four significant digits and the sd to two, with the count of diverged seeds if any; a single
     *     seed's value says so, no seed is a dash
     */
    String text() {
        if (n() + diverged == 0) {
            return "–";
        }
        String s = n() >= 2 ? ResultTable.fmt(mean()) + " ± " + twoDigits(sd())
                : n() == 1 ? ResultTable.fmt(mean()) + " (1 seed)" : "diverged";
        return diverged == 0 || n() == 0 ? s : s + " (" + diverged + " diverged)";
    }

    /** A spread to two significant digits: enough to judge a difference by, short enough to read in a table. */
    private static String twoDigits(double v) {
        if (!Double.isFinite(v) || v == 0) {
            return ResultTable.fmt(v);
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString();
    }

    /**
     * Welch's two-sided t-test of equal means, without assuming equal variances.
     *
     * @param other the other set
     * @return {t, degrees of freedom, p}; NaNs when either set has fewer than 2 results or no spread at all
     */
    double[] welch(SeedStats other) {
        if (n() < 2 || other.n() < 2) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double a = sd() * sd() / n();
        double b = other.sd() * other.sd() / other.n();
        if (a + b == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        double t = (mean() - other.mean()) / Math.sqrt(a + b);
        double df = (a + b) * (a + b) / (a * a / (n() - 1) + b * b / (other.n() - 1));
        double p = 2 * new TDistribution(null, df).cumulativeProbability(-Math.abs(t));
        return new double[] {t, df, p};
    }

    /**
     * Whether this set's mean is below the other's by more than the seed-to-seed spread: the intervals
     * mean ± sd do not overlap.
     *
     * @param other the other set
     * @return true when {@code mean + sd < other.mean − other.sd}
     */
    boolean belowBeyondSpread(SeedStats other) {
        return mean() + sd() < other.mean() - other.sd();
    }
}
