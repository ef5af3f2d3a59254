package io.tenantdb.observability;

import java.util.List;

/**
 * The names of every meter this module registers (Micrometer dotted names; Prometheus shows them
 * with {@code _} and unit/type suffixes, e.g. {@code tenantdb_operation_seconds_bucket}).
 *
 * <p>Tags: {@code engine} (engine id), {@code operation} (low-cardinality operation or statement
 * name), {@code kind} ({@code read}/{@code write}), {@code outcome} ({@code success}, {@code error},
 * {@code cancel}), {@code tenant} (one of the top-N tenants by traffic, else {@code other}).
 */
public final class MetricNames {

    /** Timer per engine, operation, kind, outcome and tenant tag, with a percentile histogram. */
    public static final String OPERATION = "tenantdb.operation";
    /** Timer per engine only: count, total and max of every operation of the engine. */
    public static final String ENGINE_LATENCY = "tenantdb.engine.latency";
    /**
     * Gauge per engine and {@code quantile} (0.5, 0.95, 0.99): the latency at that quantile over the
     * last 30 to 60 seconds, in seconds (drives the latency alert). Prometheus:
     * {@code tenantdb_engine_latency_recent_seconds}.
     */
    public static final String ENGINE_LATENCY_RECENT = "tenantdb.engine.latency.recent";
    /** Counter of failed operations per engine, operation, tenant tag, exception simple name and transient flag. */
    public static final String ERRORS = "tenantdb.operation.errors";
    /** Counter of operations that timed out, per engine, operation and tenant tag. */
    public static final String TIMEOUTS = "tenantdb.operation.timeouts";
    /** Counter of rows/documents/keys/hits streamed by multi-valued operations, per engine, operation and tenant tag. */
    public static final String ITEMS = "tenantdb.operation.items";
    /** Counter of operations slower than the slow-operation threshold, per engine and operation. */
    public static final String SLOW = "tenantdb.operation.slow";
    /** Gauge: how many tenants currently have their own tenant tag. */
    public static final String TRACKED_TENANTS = "tenantdb.tenants.tracked";

    /** Gauge per engine: 1 up, 0.5 degraded, 0 down, as of the last health check. */
    public static final String HEALTH_STATUS = "tenantdb.health.status";

    /** Gauge per engine: connections handed out, summed over the engine's pools. */
    public static final String POOL_ACQUIRED = "tenantdb.pool.acquired";
    /** Gauge per engine: idle connections. */
    public static final String POOL_IDLE = "tenantdb.pool.idle";
    /** Gauge per engine: callers waiting for a connection. */
    public static final String POOL_PENDING = "tenantdb.pool.pending";
    /** Gauge per engine: summed maximum pool sizes. */
    public static final String POOL_MAX = "tenantdb.pool.max";
    /** Gauge per engine: pools open. */
    public static final String POOL_COUNT = "tenantdb.pool.count";

    /** Counter of alert transitions per rule, kind, severity and state ({@code firing}/{@code resolved}). */
    public static final String ALERTS = "tenantdb.alerts";
    /** Gauge: alerts firing now. */
    public static final String ALERTS_ACTIVE = "tenantdb.alerts.active";

    /** Counter of cache requests per cache, level ({@code l1}/{@code l2}) and result ({@code hit}/{@code miss}). */
    public static final String CACHE_REQUESTS = "tenantdb.cache.requests";
    /** Gauge per cache and level: hits / requests since start (NaN before the first request). */
    public static final String CACHE_HIT_RATIO = "tenantdb.cache.hit.ratio";
    /** Counter per cache and result ({@code success}/{@code error}/{@code empty}): loader calls. */
    public static final String CACHE_LOADS = "tenantdb.cache.loads";
    /** Counter per cache and scope ({@code key}/{@code tenant}) and origin ({@code local}/{@code remote}). */
    public static final String CACHE_INVALIDATIONS = "tenantdb.cache.invalidations";
    /** Gauge per cache: L1 entries (estimate). */
    public static final String CACHE_SIZE = "tenantdb.cache.size";

    /** The tenant tag value of every tenant outside the top-N. */
    public static final String OTHER_TENANT = "other";

    /** @return every name above, for checks such as the dashboard test */
    public static List<String> all() {
        return List.of(OPERATION, ENGINE_LATENCY, ENGINE_LATENCY_RECENT, ERRORS, TIMEOUTS, ITEMS, SLOW, TRACKED_TENANTS,
                HEALTH_STATUS, POOL_ACQUIRED, POOL_IDLE, POOL_PENDING, POOL_MAX, POOL_COUNT, ALERTS, ALERTS_ACTIVE,
                CACHE_REQUESTS, CACHE_HIT_RATIO, CACHE_LOADS, CACHE_INVALIDATIONS, CACHE_SIZE);
    }

    private MetricNames() {
    }
}
