package io.tenantdb.benchmarks.internal;

import java.util.Arrays;

/**
 * Median and spread of a small sample (the per-pair ratios of a comparison).
 *
 * @param median the median (mean of the two middle values for an even count)
 * @param min    the smallest value
 * @param max    the largest value
 */
public record Stats(double median, double min, double max) {

    /**
     * @param values at least one value
     * @return their median, min and max
     */
    public static Stats of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Stats(median, sorted[0], sorted[n - 1]);
    }
}
