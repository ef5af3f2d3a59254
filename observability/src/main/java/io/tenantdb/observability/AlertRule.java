package io.tenantdb.observability;

import java.time.Duration;
import java.util.Objects;

/**
 * A threshold rule: fires when {@code metric} stays above (or below) {@code threshold} for
 * {@code forDuration}, resolves as soon as it no longer does. With a prediction horizon, a linear
 * regression over the last {@code window} of samples also raises a {@link Alert.Kind#PREDICTED}
 * alert when the trend will cross the threshold within the horizon.
 *
 * @param name        unique rule name, e.g. {@code high_cpu}
 * @param metric      the signal evaluated, e.g. {@code cpu_percent} (see {@link AlertMonitor})
 * @param above       {@code true}: fires above the threshold; {@code false}: below
 * @param threshold   the threshold, in the signal's unit
 * @param forDuration how long the condition must hold before firing ({@code 0} fires at once)
 * @param severity    the alert's severity
 * @param predict     how far ahead to predict a crossing; {@link Duration#ZERO} for no prediction
 * @param window      how much history the trend is fitted on
 */
public record AlertRule(String name, String metric, boolean above, double threshold, Duration forDuration,
                        Severity severity, Duration predict, Duration window) {

    /** Default trend window. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);

    /** Checks the values. */
    public AlertRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(forDuration, "forDuration");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(predict, "predict");
        Objects.requireNonNull(window, "window");
        if (name.isBlank() || metric.isBlank()) {
            throw new IllegalArgumentException("alert rule name and metric must not be blank");
        }
        if (Double.isNaN(threshold) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("alert rule " + name + ": threshold must be a finite number");
        }
        if (forDuration.isNegative() || predict.isNegative() || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("alert rule " + name + ": for and predict must be >= 0, window > 0");
        }
    }

    /**
     * @param name rule name @param metric signal @param threshold fires above this
     * @param forDuration hold time @param severity severity
     * @return a rule firing above the threshold, without prediction
     */
    public static AlertRule above(String name, String metric, double threshold, Duration forDuration, Severity severity) {
        return new AlertRule(name, metric, true, threshold, forDuration, severity, Duration.ZERO, DEFAULT_WINDOW);
    }

    /**
     * @param name rule name @param metric signal @param threshold fires below this
     * @param forDuration hold time @param severity severity
     * @return a rule firing below the threshold, without prediction
     */
    public static AlertRule below(String name, String metric, double threshold, Duration forDuration, Severity severity) {
        return new AlertRule(name, metric, false, threshold, forDuration, severity, Duration.ZERO, DEFAULT_WINDOW);
    }

    /**
     * @param horizon how far ahead to predict a crossing
     * @param trendWindow the history to fit
     * @return this rule with trend prediction
     */
    public AlertRule withPrediction(Duration horizon, Duration trendWindow) {
        return new AlertRule(name, metric, above, threshold, forDuration, severity, horizon, trendWindow);
    }

    /** @param value a sample @return whether it breaches the threshold */
    public boolean breached(double value) {
        return above ? value > threshold : value < threshold;
    }
}
