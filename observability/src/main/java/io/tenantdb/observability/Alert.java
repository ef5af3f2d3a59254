package io.tenantdb.observability;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One alert transition: it started firing, or it resolved.
 *
 * @param rule        the rule's name (for anomalies {@code tenant_latency_anomaly} or {@code tenant_error_rate_anomaly})
 * @param kind        threshold, predicted crossing or anomaly
 * @param state       firing or resolved
 * @param severity    the severity
 * @param metric      the signal
 * @param tenant      the tenant tag for per-tenant alerts, else {@code null}
 * @param value       the signal's value at this transition
 * @param threshold   the threshold (for anomalies: the z-score threshold)
 * @param since       when the alert started firing
 * @param at          when this transition happened
 * @param predictedAt for predicted alerts, when the threshold is expected to be crossed, else {@code null}
 * @param message     the alert in words
 */
public record Alert(String rule, Kind kind, State state, Severity severity, String metric, String tenant, double value,
                    double threshold, Instant since, Instant at, Instant predictedAt, String message) {

    /** Checks the values. */
    public Alert {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(message, "message");
    }

    /** What raised an alert. */
    public enum Kind {
        /** The signal crossed its threshold for the rule's duration. */
        THRESHOLD,
        /** The trend of the signal will cross its threshold soon. */
        PREDICTED,
        /** A tenant's latency or error rate departs from its usual level. */
        ANOMALY
    }

    /** Firing or resolved. */
    public enum State {
        /** The condition holds. */
        FIRING,
        /** The condition no longer holds. */
        RESOLVED
    }

    /** @return the alert as a JSON-ready map (insertion-ordered) */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", rule);
        m.put("kind", kind.name());
        m.put("state", state.name());
        m.put("severity", severity.name());
        m.put("metric", metric);
        if (tenant != null) {
            m.put("tenant", tenant);
        }
        m.put("value", Double.isFinite(value) ? value : null);
        m.put("threshold", threshold);
        m.put("since", since.toString());
        m.put("at", at.toString());
        if (predictedAt != null) {
            m.put("predictedAt", predictedAt.toString());
        }
        m.put("message", message);
        return m;
    }
}
