package io.tenantdb.observability.internal;

/**
 * Exponentially weighted mean and variance of one series, scoring each new sample by how many
 * standard deviations it lies above the mean (upward only: a latency or error rate that drops is
 * no anomaly). The first {@code warmup} samples only teach. Not thread-safe.
 */
public final class EwmaAnomalyDetector {

    private final double alpha;
    private final int warmup;
    private final double minStd;
    private final double relativeMinStd;
    private double mean;
    private double variance;
    private double m2;
    private long seen;

    /**
     * @param alpha          weight of a new sample, in (0, 1]
     * @param warmup         samples before scoring starts
     * @param minStd         the standard deviation never counts as smaller than this (absolute)
     * @param relativeMinStd ... nor smaller than this fraction of the mean
     */
    public EwmaAnomalyDetector(double alpha, int warmup, double minStd, double relativeMinStd) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], was " + alpha);
        }
        this.alpha = alpha;
        this.warmup = warmup;
        this.minStd = minStd;
        this.relativeMinStd = relativeMinStd;
    }

    /**
     * Scores {@code value} against the history, then learns it.
     *
     * @param value the new sample
     * @return its z-score (standard deviations above the mean); 0 while warming up
     */
    public double score(double value) {
        if (!Double.isFinite(value)) {
            return 0;
        }
        double diff = value - mean;
        if (seen < warmup) {
            // plain running mean and variance while warming up: an EWMA variance started at 0
            // under-estimates for many samples and would call ordinary noise an anomaly
            seen++;
            mean += diff / seen;
            m2 += diff * (value - mean);
            variance = m2 / seen;
            return 0;
        }
        double std = Math.max(Math.sqrt(variance), Math.max(minStd, Math.abs(mean) * relativeMinStd));
        double z = diff / std;
        // winsorized learning: an outlier moves the model no more than a 3-sigma sample would, so a
        // lasting step stays visible for a while instead of being absorbed in one interval
        diff = Math.max(-3 * std, Math.min(3 * std, diff));
        mean += alpha * diff;
        variance = (1 - alpha) * (variance + alpha * diff * diff);
        seen++;
        return z;
    }

    /** @return the current mean */
    public double mean() {
        return mean;
    }
}
