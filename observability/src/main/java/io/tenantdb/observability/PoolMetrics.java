package io.tenantdb.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.PoolMetricsSource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * Publishes per-engine pool gauges ({@value MetricNames#POOL_ACQUIRED}, {@value MetricNames#POOL_IDLE},
 * {@value MetricNames#POOL_PENDING}, {@value MetricNames#POOL_MAX}, {@value MetricNames#POOL_COUNT})
 * for every engine implementing {@link PoolMetricsSource}, summed over the engine's open pools (one
 * {@code engine} tag: per-tenant pools would make the cardinality unbounded).
 */
public final class PoolMetrics implements MeterBinder {

    private final Supplier<? extends Collection<Engine>> engines;

    private PoolMetrics(Supplier<? extends Collection<Engine>> engines) {
        this.engines = engines;
    }

    /** @param db the façade @return a binder for its engines */
    public static PoolMetrics of(TenantDb db) {
        Objects.requireNonNull(db, "db");
        return new PoolMetrics(() -> {
            List<Engine> list = new ArrayList<>();
            for (DatabaseType t : db.engineTypes()) {
                list.add(db.engine(t));
            }
            return list;
        });
    }

    /** @param engines the engines @return a binder for them */
    public static PoolMetrics of(Supplier<? extends Collection<Engine>> engines) {
        return new PoolMetrics(Objects.requireNonNull(engines, "engines"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Engine engine : engines.get()) {
            if (engine instanceof PoolMetricsSource source) {
                String id = engine.type().id();
                gauge(registry, MetricNames.POOL_ACQUIRED, "connections handed out", id, source, PoolMetricsSource.PoolStats::acquired);
                gauge(registry, MetricNames.POOL_IDLE, "idle connections", id, source, PoolMetricsSource.PoolStats::idle);
                gauge(registry, MetricNames.POOL_PENDING, "callers waiting for a connection", id, source, PoolMetricsSource.PoolStats::pending);
                gauge(registry, MetricNames.POOL_MAX, "summed maximum pool sizes", id, source, PoolMetricsSource.PoolStats::max);
                Gauge.builder(MetricNames.POOL_COUNT, source, s -> s.poolStats().size()).description("pools open")
                        .tag("engine", id).register(registry);
            }
        }
    }

    private static void gauge(MeterRegistry registry, String name, String description, String engine,
                              PoolMetricsSource source, ToIntFunction<PoolMetricsSource.PoolStats> field) {
        Gauge.builder(name, source, s -> s.poolStats().stream().mapToInt(field).sum())
                .description(description).tag("engine", engine).register(registry);
    }
}
