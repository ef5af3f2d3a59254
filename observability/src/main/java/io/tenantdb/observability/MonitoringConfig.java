package io.tenantdb.observability;

import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.ConfigNodes;
import io.tenantdb.core.exception.ConfigException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Settings of health checking, alert rules and anomaly detection: the {@code monitoring} section.
 *
 * <pre>
 * monitoring:
 *   thresholds:                     # core's standard keys: adjust the default rules' thresholds
 *     cpu_percent: 95
 *     memory_percent: 90
 *     p99_latency: 500ms
 *     cache_hit_ratio: 0.8          # a fraction here; the signal is in percent
 *     failed_connections_percent: 5
 *   slow_query_threshold: 1s        # operations at least this slow are logged
 *   top_tenants: 20                 # tenants that keep their own metric tag
 *   evaluation_interval: 10s        # how often alert rules are evaluated
 *   health:
 *     interval: 10s
 *     timeout: 5s
 *   alerts:                         # when present, replaces the default rules (lists replace)
 *     - name: high_cpu
 *       metric: cpu_percent         # cpu_percent, memory_percent, latency_p99_ms,
 *       above: 95                   # cache_hit_ratio_percent, connection_failure_percent, or a custom signal
 *       for: 2m
 *       severity: critical          # info, warning, critical
 *       predict: 15m                # optional: predicted alert when the trend crosses within 15 minutes
 *       window: 10m                 # optional: trend history (default 10m)
 *     - name: low_cache_hit_ratio
 *       metric: cache_hit_ratio_percent
 *       below: 80
 *       for: 5m
 *       severity: warning
 *   anomaly:
 *     enabled: true
 *     z_threshold: 4                # standard deviations above the tenant's usual level
 *     alpha: 0.1                    # EWMA weight of a new interval
 *     warmup: 10                    # intervals learnt before scoring
 *     min_operations: 5             # a tenant's interval with fewer operations is not scored
 *     severity: warning
 * </pre>
 *
 * <p>The defaults ({@link #defaults()}): CPU above 95 % for 2 m (critical, predicted 15 m ahead),
 * JVM heap above 90 % for 2 m (critical, predicted 15 m ahead), p99 latency above 500 ms for 1 m
 * (warning), cache hit ratio below 80 % for 5 m (warning), failed connections above 5 % for 1 m
 * (critical); anomaly detection on, z &gt; 4.
 *
 * <p>{@code thresholds} apply to every rule on the matching signal, whether a default rule or one
 * listed under {@code alerts}.
 *
 * @param evaluationInterval how often rules are evaluated
 * @param healthInterval     how often health is checked
 * @param healthTimeout      time limit of one engine's health check
 * @param slowQueryThreshold operations at least this slow are logged
 * @param topTenants         tenants that keep their own metric tag
 * @param rules              the alert rules (unique names)
 * @param anomaly            the anomaly detection settings
 */
public record MonitoringConfig(Duration evaluationInterval, Duration healthInterval, Duration healthTimeout,
                               Duration slowQueryThreshold, int topTenants, List<AlertRule> rules, Anomaly anomaly) {

    /** Signal: process CPU use, percent of the machine's CPUs. */
    public static final String CPU_PERCENT = "cpu_percent";
    /** Signal: JVM heap used, percent of its maximum. */
    public static final String MEMORY_PERCENT = "memory_percent";
    /** Signal: the highest engine p99 latency over the last minute, milliseconds. */
    public static final String LATENCY_P99_MS = "latency_p99_ms";
    /** Signal: cache hits (any level) per request over the last interval, percent. */
    public static final String CACHE_HIT_RATIO_PERCENT = "cache_hit_ratio_percent";
    /** Signal: operations failing for want of a connection over the last interval, percent. */
    public static final String CONNECTION_FAILURE_PERCENT = "connection_failure_percent";

    /** Checks the values. */
    public MonitoringConfig {
        Objects.requireNonNull(evaluationInterval, "evaluationInterval");
        Objects.requireNonNull(healthInterval, "healthInterval");
        Objects.requireNonNull(healthTimeout, "healthTimeout");
        Objects.requireNonNull(anomaly, "anomaly");
        Objects.requireNonNull(slowQueryThreshold, "slowQueryThreshold");
        if (slowQueryThreshold.isNegative() || topTenants < 0) {
            throw new IllegalArgumentException("slow_query_threshold and top_tenants must be >= 0");
        }
        rules = List.copyOf(rules);
        Set<String> names = new HashSet<>();
        for (AlertRule r : rules) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("alert rule name '" + r.name() + "' is used twice: rule names must be unique");
            }
        }
        if (evaluationInterval.isZero() || evaluationInterval.isNegative()
                || healthInterval.isZero() || healthInterval.isNegative()
                || healthTimeout.isZero() || healthTimeout.isNegative()) {
            throw new IllegalArgumentException("monitoring intervals and timeouts must be > 0");
        }
    }

    /** @return the default rules */
    public static List<AlertRule> defaultRules() {
        Duration horizon = Duration.ofMinutes(15);
        return List.of(
                AlertRule.above("high_cpu", CPU_PERCENT, 95, Duration.ofMinutes(2), Severity.CRITICAL)
                        .withPrediction(horizon, AlertRule.DEFAULT_WINDOW),
                AlertRule.above("high_memory", MEMORY_PERCENT, 90, Duration.ofMinutes(2), Severity.CRITICAL)
                        .withPrediction(horizon, AlertRule.DEFAULT_WINDOW),
                AlertRule.above("high_latency_p99", LATENCY_P99_MS, 500, Duration.ofMinutes(1), Severity.WARNING),
                AlertRule.below("low_cache_hit_ratio", CACHE_HIT_RATIO_PERCENT, 80, Duration.ofMinutes(5), Severity.WARNING),
                AlertRule.above("connection_failures", CONNECTION_FAILURE_PERCENT, 5, Duration.ofMinutes(1), Severity.CRITICAL));
    }

    /** @return the defaults described above */
    public static MonitoringConfig defaults() {
        return new MonitoringConfig(Duration.ofSeconds(10), HealthMonitor.DEFAULT_INTERVAL, HealthMonitor.DEFAULT_TIMEOUT,
                MetricsOperator.DEFAULT_SLOW_THRESHOLD, MetricsOperator.DEFAULT_TOP_TENANTS, defaultRules(), Anomaly.DEFAULT);
    }

    /**
     * @param rules the rules to use instead
     * @return a copy with these rules
     */
    public MonitoringConfig withRules(List<AlertRule> rules) {
        return new MonitoringConfig(evaluationInterval, healthInterval, healthTimeout, slowQueryThreshold, topTenants,
                rules, anomaly);
    }

    /**
     * @param interval the evaluation interval
     * @return a copy with this evaluation interval
     */
    public MonitoringConfig withEvaluationInterval(Duration interval) {
        return new MonitoringConfig(interval, healthInterval, healthTimeout, slowQueryThreshold, topTenants, rules, anomaly);
    }

    /**
     * Reads the {@code monitoring} section; absent keys keep their defaults.
     *
     * @param monitoring the section, e.g. {@code databaseConfig.section("monitoring")}
     * @return the settings
     * @throws ConfigException naming the key that is wrong
     */
    public static MonitoringConfig from(ConfigNode monitoring) {
        MonitoringConfig d = defaults();
        try {
            Duration eval = monitoring.duration("evaluation_interval", d.evaluationInterval());
            ConfigNode health = monitoring.node("health");
            Duration hInterval = health.duration("interval", d.healthInterval());
            Duration hTimeout = health.duration("timeout", d.healthTimeout());
            List<AlertRule> rules = d.rules();
            if (monitoring.has("alerts")) {
                rules = new ArrayList<>();
                for (ConfigNode r : monitoring.nodes("alerts")) {
                    rules.add(rule(r));
                }
            }
            rules = applyThresholds(monitoring.node("thresholds"), rules);
            ConfigNode a = monitoring.node("anomaly");
            Anomaly dA = Anomaly.DEFAULT;
            Anomaly anomaly = new Anomaly(a.bool("enabled", dA.enabled()),
                    number(a, "z_threshold", dA.zThreshold()), number(a, "alpha", dA.alpha()),
                    a.integer("warmup", dA.warmup()), a.integer("min_operations", dA.minOperations()),
                    a.string("severity").map(Severity::parse).orElse(dA.severity()));
            return new MonitoringConfig(eval, hInterval, hTimeout,
                    monitoring.duration("slow_query_threshold", d.slowQueryThreshold()),
                    monitoring.integer("top_tenants", d.topTenants()), rules, anomaly);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(monitoring.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads YAML text holding a top-level {@code monitoring} section (or nothing: defaults).
     *
     * @param yaml the text
     * @return the settings
     * @throws ConfigException when the YAML or a value is wrong
     */
    public static MonitoringConfig fromYaml(String yaml) {
        return from(ConfigNodes.parse("monitoring yaml", yaml).node("monitoring"));
    }

    /** Core's standard {@code thresholds} keys: signal, key, and the factor from the key's unit to the signal's. */
    private static List<AlertRule> applyThresholds(ConfigNode thresholds, List<AlertRule> rules) {
        if (thresholds.keys().isEmpty()) {
            return rules;
        }
        java.util.Map<String, Double> bySignal = new java.util.HashMap<>();
        if (thresholds.has("cpu_percent")) {
            bySignal.put(CPU_PERCENT, number(thresholds, "cpu_percent", Double.NaN));
        }
        if (thresholds.has("memory_percent")) {
            bySignal.put(MEMORY_PERCENT, number(thresholds, "memory_percent", Double.NaN));
        }
        if (thresholds.has("p99_latency")) {
            bySignal.put(LATENCY_P99_MS, (double) thresholds.duration("p99_latency", Duration.ZERO).toMillis());
        }
        if (thresholds.has("cache_hit_ratio")) {
            bySignal.put(CACHE_HIT_RATIO_PERCENT, number(thresholds, "cache_hit_ratio", Double.NaN) * 100);
        }
        if (thresholds.has("failed_connections_percent")) {
            bySignal.put(CONNECTION_FAILURE_PERCENT, number(thresholds, "failed_connections_percent", Double.NaN));
        }
        List<AlertRule> out = new ArrayList<>();
        for (AlertRule r : rules) {
            Double t = bySignal.get(r.metric());
            out.add(t == null ? r : new AlertRule(r.name(), r.metric(), r.above(), t, r.forDuration(), r.severity(),
                    r.predict(), r.window()));
        }
        return out;
    }

    private static AlertRule rule(ConfigNode r) {
        String name = r.string("name").orElseThrow(() -> new ConfigException(r.path() + ".name: every alert rule needs a name"));
        String metric = r.string("metric").orElseThrow(() -> new ConfigException(r.path() + ".metric: alert rule " + name + " needs a metric"));
        boolean hasAbove = r.has("above");
        if (hasAbove == r.has("below")) {
            throw new ConfigException(r.path() + ": alert rule " + name + " needs exactly one of 'above' or 'below'");
        }
        double threshold = number(r, hasAbove ? "above" : "below", Double.NaN);
        return new AlertRule(name, metric, hasAbove, threshold, r.duration("for", Duration.ZERO),
                r.string("severity").map(Severity::parse).orElse(Severity.WARNING),
                r.duration("predict", Duration.ZERO), r.duration("window", AlertRule.DEFAULT_WINDOW));
    }

    private static double number(ConfigNode node, String key, double fallback) {
        if (!node.has(key)) {
            return fallback;
        }
        try {
            return node.number(key, fallback);
        } catch (NumberFormatException e) {
            throw new ConfigException((node.path().isEmpty() ? "" : node.path() + ".") + key
                    + ": expected a number, found '" + node.string(key).orElse("") + "'");
        }
    }

    /**
     * Anomaly detection on each tenant's mean latency and error rate per evaluation interval.
     *
     * @param enabled       whether it runs
     * @param zThreshold    how many standard deviations above the tenant's usual level is an anomaly
     * @param alpha         EWMA weight of a new interval, in (0, 1]
     * @param warmup        intervals learnt before scoring
     * @param minOperations intervals with fewer operations for the tenant are skipped
     * @param severity      the alerts' severity
     */
    public record Anomaly(boolean enabled, double zThreshold, double alpha, int warmup, int minOperations, Severity severity) {

        /** On, z &gt; 4, alpha 0.1, 10 intervals warm-up, at least 5 operations, warning. */
        public static final Anomaly DEFAULT = new Anomaly(true, 4, 0.1, 10, 5, Severity.WARNING);

        /** Checks the values. */
        public Anomaly {
            Objects.requireNonNull(severity, "severity");
            if (!(zThreshold > 0) || !(alpha > 0 && alpha <= 1) || warmup < 1 || minOperations < 1) {
                throw new IllegalArgumentException("anomaly: z_threshold must be > 0, alpha in (0, 1], warmup and min_operations >= 1");
            }
        }
    }
}
