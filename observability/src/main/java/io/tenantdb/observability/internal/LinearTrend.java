package io.tenantdb.observability.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Least-squares line through the samples of a sliding time window, to predict when a signal will
 * cross a threshold. Not thread-safe (one per rule, used under the monitor's lock).
 */
public final class LinearTrend {

    /** Fewest samples a prediction is made from. */
    public static final int MIN_SAMPLES = 10;
    /** Lowest coefficient of determination (R²) a prediction is trusted with: noise has a low R². */
    public static final double MIN_R2 = 0.8;

    private final Duration window;
    private final int maxSamples;
    private final Deque<double[]> samples = new ArrayDeque<>();
    private Instant origin;

    /**
     * @param window     how much history to keep
     * @param maxSamples at most this many samples (oldest dropped first)
     */
    public LinearTrend(Duration window, int maxSamples) {
        this.window = window;
        this.maxSamples = maxSamples;
    }

    /** @param at when @param value the sample; NaN is ignored */
    public void add(Instant at, double value) {
        if (!Double.isFinite(value)) {
            return;
        }
        if (origin == null) {
            origin = at;
        }
        double t = seconds(at);
        samples.addLast(new double[] {t, value});
        double oldest = t - window.toMillis() / 1000.0;
        while (!samples.isEmpty() && (samples.peekFirst()[0] < oldest || samples.size() > maxSamples)) {
            samples.pollFirst();
        }
    }

    /** @return samples in the window */
    public int size() {
        return samples.size();
    }

    /** Forgets every sample. */
    public void clear() {
        samples.clear();
    }

    /**
     * Predicts when the fitted line crosses {@code threshold} going in the breaching direction.
     *
     * @param now       the present
     * @param threshold the threshold
     * @param above     whether breaching means going above
     * @param horizon   how far ahead to look
     * @return the predicted crossing time, or {@code null} when there is no trustworthy crossing
     *     within {@code (now, now + horizon]}
     */
    public Instant predictCrossing(Instant now, double threshold, boolean above, Duration horizon) {
        int n = samples.size();
        if (n < MIN_SAMPLES) {
            return null;
        }
        double sx = 0;
        double sy = 0;
        for (double[] s : samples) {
            sx += s[0];
            sy += s[1];
        }
        double mx = sx / n;
        double my = sy / n;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        for (double[] s : samples) {
            double dx = s[0] - mx;
            double dy = s[1] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (sxx == 0 || syy == 0) {
            return null;
        }
        double slope = sxy / sxx;
        double r2 = (sxy * sxy) / (sxx * syy);
        if (r2 < MIN_R2 || (above ? slope <= 0 : slope >= 0)) {
            return null;
        }
        double intercept = my - slope * mx;
        double crossAt = (threshold - intercept) / slope;
        double nowT = seconds(now);
        if (crossAt <= nowT || crossAt - nowT > horizon.toMillis() / 1000.0) {
            return null;
        }
        return origin.plusMillis(Math.round(crossAt * 1000));
    }

    private double seconds(Instant at) {
        return Duration.between(origin, at).toMillis() / 1000.0;
    }
}
