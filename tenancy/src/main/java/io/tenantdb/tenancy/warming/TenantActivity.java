package io.tenantdb.tenancy.warming;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.core.TenantId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Records each tenant's operation rate per engine as an exponentially weighted moving average, for
 * {@link PoolWarmer}. As an operator (order {@value #ORDER}, outermost) it only counts: the
 * operation passes unchanged, and a count costs one cache lookup (by tenant, no key object) and one
 * {@link LongAdder} increment; the average is folded in when read.
 *
 * <p>Memory is bounded: per engine, a Caffeine cache of at most {@code trackedTenants} tenants, whose
 * size eviction (W-TinyLFU) keeps the most frequently active ones — the top N. The pool warmer's own
 * operations ({@code warmup}, {@code pool_metrics}) are not counted.
 */
public final class TenantActivity implements OperationOperator {

    /** Outermost: counts every operation, also those later refused. */
    public static final int ORDER = 40;

    /** Operation names that are not tenant traffic (the warmer's own). */
    public static final Set<String> IGNORED = Set.of("warmup", "pool_metrics");

    private final Cache<TenantId, Rate>[] byEngine;
    private final double tauNanos;
    private final Function<TenantId, Rate> newRate = t -> new Rate(System.nanoTime());

    /**
     * @param halfLife       the half-life of the average (how fast past traffic stops counting)
     * @param trackedTenants bound on tenants kept per engine
     */
    @SuppressWarnings("unchecked")
    public TenantActivity(Duration halfLife, int trackedTenants) {
        if (halfLife == null || halfLife.isZero() || halfLife.isNegative()) {
            throw new IllegalArgumentException("halfLife must be > 0, got " + halfLife);
        }
        if (trackedTenants < 1) {
            throw new IllegalArgumentException("trackedTenants must be > 0, got " + trackedTenants);
        }
        this.tauNanos = halfLife.toNanos() / Math.log(2);
        this.byEngine = new Cache[DatabaseType.values().length];
        for (int i = 0; i < byEngine.length; i++) {
            byEngine[i] = Caffeine.newBuilder().maximumSize(trackedTenants).build();
        }
    }

    /**
     * @param config an engine's warming settings (half-life, tracked tenants)
     * @return an activity recorder
     */
    public static TenantActivity of(WarmingConfig config) {
        return new TenantActivity(config.halfLife(), config.trackedTenants());
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public <T> Flux<T> apply(OperationInfo operation, Flux<T> source) {
        record(operation);
        return source;
    }

    @Override
    public <T> Mono<T> apply(OperationInfo operation, Mono<T> source) {
        record(operation);
        return source;
    }

    private void record(OperationInfo op) {
        if (!IGNORED.contains(op.name())) {
            byEngine[op.engine().ordinal()].get(op.tenant(), newRate).pending.increment();
        }
    }

    /**
     * @param engine an engine
     * @param tenant a tenant
     * @return its average operation rate on the engine, in operations per second (0 when untracked)
     */
    public double rate(DatabaseType engine, TenantId tenant) {
        Rate r = byEngine[engine.ordinal()].getIfPresent(tenant);
        return r == null ? 0 : r.fold(System.nanoTime(), tauNanos);
    }

    /**
     * @param engine  an engine
     * @param minRate operations per second from which a tenant counts
     * @param limit   at most this many
     * @return the tenants whose average rate is at least {@code minRate}, busiest first
     */
    public List<TenantId> predicted(DatabaseType engine, double minRate, int limit) {
        long now = System.nanoTime();
        List<Map.Entry<TenantId, Double>> hot = new ArrayList<>();
        for (Map.Entry<TenantId, Rate> e : byEngine[engine.ordinal()].asMap().entrySet()) {
            double rate = e.getValue().fold(now, tauNanos);
            if (rate >= minRate) {
                hot.add(Map.entry(e.getKey(), rate));
            }
        }
        hot.sort(Map.Entry.<TenantId, Double>comparingByValue(Comparator.reverseOrder()));
        List<TenantId> out = new ArrayList<>(Math.min(limit, hot.size()));
        for (int i = 0; i < hot.size() && i < limit; i++) {
            out.add(hot.get(i).getKey());
        }
        return out;
    }

    /** @param engine an engine @return tenants tracked on it (after pending evictions) */
    public long tracked(DatabaseType engine) {
        Cache<TenantId, Rate> c = byEngine[engine.ordinal()];
        c.cleanUp();
        return c.estimatedSize();
    }

    /** Operations counted since the last fold, and the average up to it. */
    private static final class Rate {
        final LongAdder pending = new LongAdder();
        private double average;
        private long foldedAt;

        Rate(long now) {
            this.foldedAt = now;
        }

        /**
         * Folds the operations counted since the last fold in, as a constant rate over that span:
         * {@code average = w·average + (1 − w)·count/span}, {@code w = e^(−span/τ)}.
         */
        synchronized double fold(long now, double tau) {
            long span = now - foldedAt;
            if (span <= 0) {
                return average;
            }
            long count = pending.sumThenReset();
            double w = Math.exp(-span / tau);
            average = w * average + (1 - w) * (count / (span / 1e9));
            foldedAt = now;
            return average;
        }
    }
}
