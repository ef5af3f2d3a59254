package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;

import java.util.List;
import java.util.Objects;

/**
 * Optional: an {@link Engine} that keeps connection pools may also implement this interface so
 * the observability module can publish pool gauges (acquired, idle, pending, maximum) without
 * knowing the engine's pool library. Engines that do not implement it simply get no pool gauges.
 *
 * <p>{@link #poolStats()} is called from a metrics scrape: it must be cheap, must not block and must
 * not open connections.
 */
public interface PoolMetricsSource {

    /** @return one snapshot per pool open right now (empty when none is open) */
    List<PoolStats> poolStats();

    /**
     * One pool, as seen right now.
     *
     * @param engine   the engine owning the pool
     * @param pool     a low-cardinality pool name, e.g. the node {@code 127.0.0.1:5432} or
     *                 {@code shared}; never a secret
     * @param acquired connections handed out
     * @param idle     connections open and free
     * @param pending  callers waiting for a connection
     * @param max      the pool's maximum size
     */
    record PoolStats(DatabaseType engine, String pool, int acquired, int idle, int pending, int max) {

        /** Checks the values. */
        public PoolStats {
            Objects.requireNonNull(engine, "engine");
            Objects.requireNonNull(pool, "pool");
            if (acquired < 0 || idle < 0 || pending < 0 || max < 0) {
                throw new IllegalArgumentException("pool counts must be >= 0");
            }
        }
    }
}
