package io.tenantdb.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tenantdb.core.TenantDb;

import java.util.Objects;

/**
 * Everything of this module wired together, for the common case:
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * Observability obs = Observability.builder(registry)
 *     .monitoring(MonitoringConfig.from(config.section("monitoring"))).build();
 * TenantDb db = TenantDb.builder().configDirectory(dir).operator(obs.metrics()).build();
 * obs.attach(db, titlesCache);                               // pools, health, alerts: started
 * ObservabilityServer server = obs.server().host("0.0.0.0").port(9464).start().block();
 * }</pre>
 *
 * <p>The metrics operator exists from the start (the façade needs it when built); health checking,
 * pool gauges and alert evaluation begin at {@link #attach(TenantDb, TenantCache...)}. {@link #close()} stops the
 * periodic work; it does not close the façade or the server.
 */
public final class Observability implements AutoCloseable {

    private final MeterRegistry registry;
    private final MonitoringConfig monitoring;
    private final MetricsOperator metrics;
    private volatile HealthMonitor health;
    private volatile AlertMonitor alerts;

    private Observability(Builder b) {
        this.registry = b.registry;
        this.monitoring = b.monitoring;
        this.metrics = MetricsOperator.builder(registry).monitoring(monitoring).observationRegistry(b.observations).build();
    }

    /**
     * @param registry where every meter goes; a {@link PrometheusMeterRegistry} for {@code /metrics}
     * @return a builder
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /** @return the operator to register on {@link TenantDb.Builder#operator} */
    public MetricsOperator metrics() {
        return metrics;
    }

    /**
     * Binds pool gauges and starts health checking and alert evaluation for {@code db}.
     *
     * @param db     the façade built with {@link #metrics()} as an operator
     * @param caches caches whose hits feed the {@value MonitoringConfig#CACHE_HIT_RATIO_PERCENT} signal
     * @return this
     * @throws IllegalStateException when already attached
     */
    public synchronized Observability attach(TenantDb db, TenantCache<?>... caches) {
        Objects.requireNonNull(db, "db");
        if (health != null) {
            throw new IllegalStateException("already attached to a TenantDb: create one Observability per TenantDb");
        }
        PoolMetrics.of(db).bindTo(registry);
        health = HealthMonitor.builder(db).monitoring(monitoring).meterRegistry(registry).build().start();
        AlertMonitor.Builder a = AlertMonitor.builder(monitoring).metrics(metrics).meterRegistry(registry);
        for (TenantCache<?> cache : caches) {
            a.cache(cache);
        }
        alerts = a.build().start();
        return this;
    }

    private HealthMonitor requireAttached() {
        HealthMonitor h = health;
        if (h == null) {
            throw new IllegalStateException("call attach(db) first");
        }
        return h;
    }

    /** @return the health monitor (after {@link #attach(TenantDb, TenantCache...)}) */
    public HealthMonitor health() {
        return requireAttached();
    }

    /** @return the alert monitor (after {@link #attach(TenantDb, TenantCache...)}) */
    public AlertMonitor alerts() {
        requireAttached();
        return alerts;
    }

    /**
     * @return a server builder with {@code /health} and {@code /alerts} (after {@link #attach(TenantDb, TenantCache...)})
     *     and {@code /metrics} when the registry is a {@link PrometheusMeterRegistry}
     */
    public ObservabilityServer.Builder server() {
        ObservabilityServer.Builder b = ObservabilityServer.builder().health(health).alerts(alerts);
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            b.prometheus(prometheus);
        }
        return b;
    }

    /** Stops health checking and alert evaluation. */
    @Override
    public void close() {
        HealthMonitor h = health;
        if (h != null) {
            h.close();
        }
        AlertMonitor a = alerts;
        if (a != null) {
            a.close();
        }
    }

    /** Builds an {@link Observability}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private MonitoringConfig monitoring = MonitoringConfig.defaults();
        private ObservationRegistry observations = ObservationRegistry.NOOP;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /** @param config the monitoring settings (default {@link MonitoringConfig#defaults()}) @return this */
        public Builder monitoring(MonitoringConfig config) {
            this.monitoring = Objects.requireNonNull(config, "config");
            return this;
        }

        /** @param registry observations for tracing bridges @return this */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observations = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** @return the wiring (metrics operator ready; attach a TenantDb next) */
        public Observability build() {
            return new Observability(this);
        }
    }
}
