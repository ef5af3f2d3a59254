package io.tenantdb.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tenantdb.observability.internal.EwmaAnomalyDetector;
import io.tenantdb.observability.internal.LinearTrend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Evaluates alert rules over named signals every evaluation interval and publishes transitions
 * (firing, resolved) as a {@link Flux} of {@link Alert}s, a log line (WARN when firing, INFO when
 * resolved) and a counter {@value MetricNames#ALERTS}.
 *
 * <p>Three kinds of alert:
 * <ul>
 *   <li>threshold: the signal breaches the rule's threshold for the rule's {@code for} duration;</li>
 *   <li>predicted: a least-squares line over the rule's trend window (R² &ge; 0.8, at least 10
 *       samples) crosses the threshold within the rule's prediction horizon; resolves when the trend
 *       goes away or the threshold alert fires;</li>
 *   <li>anomaly: per tenant tag, the interval's mean latency or error rate lies more than
 *       {@code z_threshold} standard deviations above its EWMA mean for
 *       {@value #ANOMALY_INTERVALS} intervals in a row; resolves at the first normal interval.</li>
 * </ul>
 *
 * <p>Built-in signals: {@value MonitoringConfig#CPU_PERCENT} (process CPU, from the
 * {@code OperatingSystemMXBean}), {@value MonitoringConfig#MEMORY_PERCENT} (JVM heap); with
 * {@link Builder#metrics(MetricsOperator)}: {@value MonitoringConfig#LATENCY_P99_MS},
 * {@value MonitoringConfig#CONNECTION_FAILURE_PERCENT} and per-tenant anomaly samples; with
 * {@link Builder#cache(TenantCache)}: {@value MonitoringConfig#CACHE_HIT_RATIO_PERCENT}. A rule whose
 * signal is unknown or has no value yet (NaN) keeps its state.
 */
public final class AlertMonitor implements AutoCloseable {

    /** Rule name of per-tenant latency anomalies. */
    public static final String LATENCY_ANOMALY = "tenant_latency_anomaly";
    /** Rule name of per-tenant error-rate anomalies. */
    public static final String ERROR_RATE_ANOMALY = "tenant_error_rate_anomaly";

    private static final Logger LOG = LoggerFactory.getLogger(AlertMonitor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Anomaly detectors of tenants unseen for this many evaluations are dropped (bounded memory). */
    private static final int FORGET_AFTER = 100;
    /** An anomaly fires after this many anomalous intervals in a row: one noisy interval is not enough. */
    public static final int ANOMALY_INTERVALS = 2;

    private final MonitoringConfig config;
    private final Map<String, DoubleSupplier> signals;
    private final Supplier<Map<String, MetricsOperator.TenantSample>> tenantSamples;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, RuleState> ruleStates = new HashMap<>();
    private final Map<String, TenantState> tenantStates = new HashMap<>();
    private final Map<String, Alert> active = new LinkedHashMap<>();
    private final Set<String> unknownSignals = new HashSet<>();
    private final Map<String, Integer> streaks = new HashMap<>();
    private final Sinks.Many<Alert> sink = Sinks.many().multicast().directBestEffort();
    private final AtomicReference<Disposable> running = new AtomicReference<>();
    private volatile List<Alert> activeView = List.of();
    private long evaluations;

    private AlertMonitor(Builder b) {
        this.config = b.config;
        this.signals = Map.copyOf(b.signals);
        this.tenantSamples = b.tenantSamples;
        this.registry = b.registry;
        this.clock = b.clock;
        for (AlertRule rule : config.rules()) {
            ruleStates.put(rule.name(), new RuleState(rule));
        }
        if (registry != null) {
            Gauge.builder(MetricNames.ALERTS_ACTIVE, this, m -> m.activeView.size())
                    .description("alerts firing now").register(registry);
        }
    }

    /**
     * @param config rules and settings
     * @return a builder
     */
    public static Builder builder(MonitoringConfig config) {
        return new Builder(config);
    }

    /** @return firing and resolved transitions as they happen (hot; late subscribers see later ones only) */
    public Flux<Alert> alerts() {
        return sink.asFlux();
    }

    /** @return the alerts firing now (their firing transition) */
    public List<Alert> active() {
        return activeView;
    }

    /** @return {@link #active()} as a JSON array */
    public String activeJson() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Alert a : activeView) {
            list.add(a.toMap());
        }
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write alerts JSON", e);
        }
    }

    /**
     * Evaluates every rule now.
     *
     * @return the transitions this evaluation caused
     */
    public List<Alert> evaluate() {
        return evaluate(clock.instant());
    }

    /**
     * Evaluates every rule as of {@code now} (tests drive synthetic time through here).
     *
     * @param now the evaluation time
     * @return the transitions this evaluation caused
     */
    public synchronized List<Alert> evaluate(Instant now) {
        evaluations++;
        List<Alert> out = new ArrayList<>();
        Map<String, Double> values = new HashMap<>();
        for (RuleState st : ruleStates.values()) {
            double v = values.computeIfAbsent(st.rule.metric(), this::read);
            if (!Double.isNaN(v)) {
                evaluateRule(st, v, now, out);
            }
        }
        if (config.anomaly().enabled() && tenantSamples != null) {
            evaluateAnomalies(tenantSamples.get(), now, out);
        }
        if (!out.isEmpty()) {
            activeView = List.copyOf(active.values());
            out.forEach(this::announce);
        }
        return out;
    }

    private double read(String signal) {
        DoubleSupplier s = signals.get(signal);
        if (s == null) {
            if (unknownSignals.add(signal)) {
                LOG.warn("alert rules use signal '{}' which nothing provides: known signals are {}", signal,
                        new java.util.TreeSet<>(signals.keySet()));
            }
            return Double.NaN;
        }
        try {
            return s.getAsDouble();
        } catch (RuntimeException e) {
            LOG.warn("signal '{}' failed: {}", signal, e.toString());
            return Double.NaN;
        }
    }

    private void evaluateRule(RuleState st, double v, Instant now, List<Alert> out) {
        AlertRule rule = st.rule;
        boolean breached = rule.breached(v);
        if (breached) {
            if (st.pendingSince == null) {
                st.pendingSince = now;
            }
            if (!st.firing && !now.isBefore(st.pendingSince.plus(rule.forDuration()))) {
                st.firing = true;
                String msg = rule.name() + ": " + rule.metric() + " is " + fmt(v) + (rule.above() ? " > " : " < ")
                        + fmt(rule.threshold()) + " for " + rule.forDuration().toSeconds() + "s";
                fire(new Alert(rule.name(), Alert.Kind.THRESHOLD, Alert.State.FIRING, rule.severity(), rule.metric(), null,
                        v, rule.threshold(), st.pendingSince, now, null, msg), out);
            }
        } else {
            st.pendingSince = null;
            if (st.firing) {
                st.firing = false;
                resolve(key(rule.name(), Alert.Kind.THRESHOLD, null), v, now,
                        rule.name() + ": " + rule.metric() + " back to " + fmt(v), out);
            }
        }
        if (rule.predict().isZero()) {
            return;
        }
        st.trend.add(now, v);
        Instant crossing = breached || st.firing ? null
                : st.trend.predictCrossing(now, rule.threshold(), rule.above(), rule.predict());
        String pkey = key(rule.name(), Alert.Kind.PREDICTED, null);
        if (crossing != null && !active.containsKey(pkey)) {
            String msg = rule.name() + ": " + rule.metric() + " (now " + fmt(v) + ") is predicted to cross "
                    + fmt(rule.threshold()) + " at " + crossing + ", in " + Duration.between(now, crossing).toSeconds() + "s";
            fire(new Alert(rule.name(), Alert.Kind.PREDICTED, Alert.State.FIRING, rule.severity(), rule.metric(), null,
                    v, rule.threshold(), now, now, crossing, msg), out);
        } else if (crossing == null && active.containsKey(pkey) && !(breached && !st.firing)) {
            resolve(pkey, v, now, rule.name() + ": " + rule.metric() + " no longer predicted to cross "
                    + fmt(rule.threshold()) + (st.firing ? " (it has crossed: threshold alert firing)" : ""), out);
        }
    }

    private void evaluateAnomalies(Map<String, MetricsOperator.TenantSample> samples, Instant now, List<Alert> out) {
        MonitoringConfig.Anomaly cfg = config.anomaly();
        for (Map.Entry<String, MetricsOperator.TenantSample> e : samples.entrySet()) {
            MetricsOperator.TenantSample s = e.getValue();
            if (s.operations() < cfg.minOperations()) {
                continue;
            }
            TenantState ts = tenantStates.computeIfAbsent(e.getKey(), t -> new TenantState(cfg));
            ts.lastSeen = evaluations;
            anomaly(LATENCY_ANOMALY, "tenant_latency_ms", e.getKey(), ts.latency, s.meanLatencyMs(), now, out);
            anomaly(ERROR_RATE_ANOMALY, "tenant_error_rate", e.getKey(), ts.errors, s.errorRate(), now, out);
        }
        Iterator<Map.Entry<String, TenantState>> it = tenantStates.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, TenantState> e = it.next();
            if (evaluations - e.getValue().lastSeen > FORGET_AFTER) {
                it.remove();
                streaks.keySet().removeIf(k -> k.endsWith("/" + e.getKey()));
            }
        }
    }

    private void anomaly(String rule, String metric, String tenant, EwmaAnomalyDetector detector, double value,
                         Instant now, List<Alert> out) {
        double mean = detector.mean();
        double z = detector.score(value);
        String k = key(rule, Alert.Kind.ANOMALY, tenant);
        double threshold = config.anomaly().zThreshold();
        int streak = z > threshold ? streaks.merge(k, 1, Integer::sum) : 0;
        if (streak == 0) {
            streaks.remove(k);
        }
        if (streak >= ANOMALY_INTERVALS && !active.containsKey(k)) {
            fire(new Alert(rule, Alert.Kind.ANOMALY, Alert.State.FIRING, config.anomaly().severity(), metric, tenant, value,
                    threshold, now, now, null, "tenant " + tenant + ": " + metric + " " + fmt(value) + " is "
                    + fmt(z) + " standard deviations above its usual " + fmt(mean)), out);
        } else if (z <= threshold && active.containsKey(k)) {
            resolve(k, value, now, "tenant " + tenant + ": " + metric + " back to " + fmt(value), out);
        }
    }

    private static String key(String rule, Alert.Kind kind, String tenant) {
        return rule + "/" + kind + (tenant == null ? "" : "/" + tenant);
    }

    private void fire(Alert alert, List<Alert> out) {
        active.put(key(alert.rule(), alert.kind(), alert.tenant()), alert);
        out.add(alert);
    }

    private void resolve(String key, double value, Instant now, String message, List<Alert> out) {
        Alert firing = active.remove(key);
        if (firing != null) {
            out.add(new Alert(firing.rule(), firing.kind(), Alert.State.RESOLVED, firing.severity(), firing.metric(),
                    firing.tenant(), value, firing.threshold(), firing.since(), now, firing.predictedAt(), message));
        }
    }

    private void announce(Alert a) {
        if (a.state() == Alert.State.FIRING) {
            LOG.warn("alert firing [{} {}]: {}", a.severity(), a.kind(), a.message());
        } else {
            LOG.info("alert resolved [{} {}]: {}", a.severity(), a.kind(), a.message());
        }
        if (registry != null) {
            Counter.builder(MetricNames.ALERTS).description("alert transitions")
                    .tag("rule", a.rule()).tag("kind", a.kind().name().toLowerCase(Locale.ROOT))
                    .tag("severity", a.severity().name().toLowerCase(Locale.ROOT))
                    .tag("state", a.state().name().toLowerCase(Locale.ROOT))
                    .register(registry).increment();
        }
        sink.tryEmitNext(a);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * Evaluates every evaluation interval in the background (on {@code boundedElastic}: JVM
     * signals may read files). Idempotent.
     *
     * @return this
     */
    public AlertMonitor start() {
        if (running.get() == null) {
            Duration every = config.evaluationInterval();
            Disposable d = Flux.interval(every, every)
                    .onBackpressureDrop()
                    .publishOn(Schedulers.boundedElastic(), 1)
                    .subscribe(i -> {
                        try {
                            evaluate();
                        } catch (RuntimeException e) {
                            LOG.error("alert evaluation failed", e);
                        }
                    });
            if (!running.compareAndSet(null, d)) {
                d.dispose();
            }
        }
        return this;
    }

    /** Stops background evaluation. */
    @Override
    public void close() {
        Disposable d = running.getAndSet(null);
        if (d != null) {
            d.dispose();
        }
    }

    private static final class RuleState {
        final AlertRule rule;
        final LinearTrend trend;
        Instant pendingSince;
        boolean firing;

        RuleState(AlertRule rule) {
            this.rule = rule;
            this.trend = new LinearTrend(rule.window(), 10_000);
        }
    }

    private static final class TenantState {
        final EwmaAnomalyDetector latency;
        final EwmaAnomalyDetector errors;
        long lastSeen;

        TenantState(MonitoringConfig.Anomaly cfg) {
            latency = new EwmaAnomalyDetector(cfg.alpha(), cfg.warmup(), 1.0, 0.1);
            errors = new EwmaAnomalyDetector(cfg.alpha(), cfg.warmup(), 0.02, 0.1);
        }
    }

    /** A signal computed from two growing counters: percent of the numerator's growth over the denominator's since the last read. */
    private static final class RatioSignal implements DoubleSupplier {
        private final LongSupplier numerator;
        private final LongSupplier denominator;
        private final double idle;
        private long lastN;
        private long lastD;

        RatioSignal(LongSupplier numerator, LongSupplier denominator, double idle) {
            this.numerator = numerator;
            this.denominator = denominator;
            this.idle = idle;
            this.lastN = numerator.getAsLong();
            this.lastD = denominator.getAsLong();
        }

        @Override
        public synchronized double getAsDouble() {
            long n = numerator.getAsLong();
            long d = denominator.getAsLong();
            long dn = n - lastN;
            long dd = d - lastD;
            lastN = n;
            lastD = d;
            return dd <= 0 ? idle : 100.0 * dn / dd;
        }
    }

    /** Builds an {@link AlertMonitor}. */
    public static final class Builder {
        private final MonitoringConfig config;
        private final Map<String, DoubleSupplier> signals = new HashMap<>();
        private Supplier<Map<String, MetricsOperator.TenantSample>> tenantSamples;
        private MeterRegistry registry;
        private Clock clock = Clock.systemUTC();
        private final List<TenantCache<?>> caches = new ArrayList<>();

        private Builder(MonitoringConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            signals.put(MonitoringConfig.CPU_PERCENT, Builder::processCpuPercent);
            signals.put(MonitoringConfig.MEMORY_PERCENT, Builder::heapPercent);
        }

        private static double processCpuPercent() {
            java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
            if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
                double load = sun.getProcessCpuLoad();
                return load < 0 ? Double.NaN : load * 100;
            }
            return Double.NaN;
        }

        private static double heapPercent() {
            MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
            return max <= 0 ? Double.NaN : 100.0 * heap.getUsed() / max;
        }

        /**
         * Adds or replaces a signal.
         *
         * @param name  the name rules refer to
         * @param value reads the current value, in the unit rules use; NaN when unknown. Called on
         *              a {@code boundedElastic} thread; must be quick.
         * @return this
         */
        public Builder signal(String name, DoubleSupplier value) {
            signals.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds a signal: the growth of {@code numerator} as a percentage of the growth of
         * {@code denominator} since the previous evaluation.
         *
         * @param name        the name rules refer to
         * @param numerator   a growing count, e.g. failures
         * @param denominator a growing count, e.g. attempts
         * @param idle        the value when the denominator did not grow (NaN keeps rules as they are)
         * @return this
         */
        public Builder ratioSignal(String name, LongSupplier numerator, LongSupplier denominator, double idle) {
            return signal(name, new RatioSignal(numerator, denominator, idle));
        }

        /**
         * Takes latency, connection-failure and per-tenant signals from the metrics operator.
         *
         * @param metrics the operator registered on the façade
         * @return this
         */
        public Builder metrics(MetricsOperator metrics) {
            signal(MonitoringConfig.LATENCY_P99_MS, metrics::latencyP99Millis);
            ratioSignal(MonitoringConfig.CONNECTION_FAILURE_PERCENT, metrics::connectionFailureCount, metrics::operationCount, 0);
            this.tenantSamples = metrics::drainTenantSamples;
            return this;
        }

        /**
         * Counts this cache in the {@value MonitoringConfig#CACHE_HIT_RATIO_PERCENT} signal (hits at
         * any level per request, over every cache added).
         *
         * @param cache a cache
         * @return this
         */
        public Builder cache(TenantCache<?> cache) {
            caches.add(Objects.requireNonNull(cache, "cache"));
            List<TenantCache<?>> all = List.copyOf(caches);
            return ratioSignal(MonitoringConfig.CACHE_HIT_RATIO_PERCENT,
                    () -> all.stream().mapToLong(TenantCache::hitCount).sum(),
                    () -> all.stream().mapToLong(TenantCache::requestCount).sum(), Double.NaN);
        }

        /**
         * @param samples per-tenant-tag figures of the last interval, for anomaly detection (instead
         *                of the metrics operator's)
         * @return this
         */
        public Builder tenantSamples(Supplier<Map<String, MetricsOperator.TenantSample>> samples) {
            this.tenantSamples = samples;
            return this;
        }

        /** @param registry where the alert counter and active-alerts gauge go @return this */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** @param clock the clock of periodic evaluation (tests) @return this */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the monitor (not started) */
        public AlertMonitor build() {
            return new AlertMonitor(this);
        }
    }
}
