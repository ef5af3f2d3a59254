package io.tenantdb.tenancy.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.QuotaExceededException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.tenancy.CircuitOpenException;
import io.tenantdb.tenancy.ResilienceConfig;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One circuit breaker per (engine, node). Nodes come from configuration, so the map is bounded by
 * it. A failure counts against a node only when it is transient (connection lost, timeout,
 * unavailable): a tenant's own non-transient error (not provisioned, bad SQL, constraint) says
 * nothing about the node.
 */
public final class NodeBreakers {

    private record Key(DatabaseType engine, String host, int port) {
    }

    private final Map<Key, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    /** By engine, then by the node as routed: the per-attempt lookup allocates no key. */
    private final Map<NodeAddress, CircuitBreaker>[] byNode = newByNode();
    private final Map<Key, Instant> openedAt = new ConcurrentHashMap<>();
    private final Function<DatabaseType, ResilienceConfig> configs;

    /** @param configs the settings per engine */
    public NodeBreakers(Function<DatabaseType, ResilienceConfig> configs) {
        this.configs = configs;
    }

    /**
     * @param engine the engine
     * @param node   the node
     * @return its breaker, created on first use
     */
    public CircuitBreaker of(DatabaseType engine, NodeAddress node) {
        Map<NodeAddress, CircuitBreaker> front = byNode[engine.ordinal()];
        CircuitBreaker cb = front.get(node);
        if (cb == null) {
            // the same host:port may come with other labels: one breaker per host:port all the same
            Key key = new Key(engine, node.host(), node.port());
            cb = breakers.computeIfAbsent(key, k -> create(k, configs.apply(engine)));
            front.putIfAbsent(node, cb);
        }
        return cb;
    }

    @SuppressWarnings("unchecked")
    private static Map<NodeAddress, CircuitBreaker>[] newByNode() {
        Map<NodeAddress, CircuitBreaker>[] maps = new Map[DatabaseType.values().length];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = new ConcurrentHashMap<>();
        }
        return maps;
    }

    private CircuitBreaker create(Key key, ResilienceConfig rc) {
        int window = rc.slidingWindowSize();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(window)
                .minimumNumberOfCalls(window)
                .failureRateThreshold((float) rc.failureRateThreshold())
                .waitDurationInOpenState(rc.waitDurationInOpenState())
                .permittedNumberOfCallsInHalfOpenState(Math.max(1, Math.min(10, window)))
                .recordException(NodeBreakers::countsAgainstNode)
                .ignoreException(e -> e instanceof TenantDbException t && !t.isTransient())
                .writableStackTraceEnabled(false)
                .build();
        CircuitBreaker cb = CircuitBreaker.of(key.engine().id() + "@" + key.host() + ":" + key.port(), config);
        cb.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                openedAt.put(key, Instant.now());
            }
        });
        return cb;
    }

    static boolean countsAgainstNode(Throwable e) {
        if (e instanceof QuotaExceededException || e instanceof CircuitOpenException) {
            return false;
        }
        return !(e instanceof TenantDbException t) || t.isTransient();
    }

    /**
     * @param engine the engine
     * @param node   the node
     * @param tenant the tenant refused
     * @param cb     its breaker, which refused
     * @return the error saying so
     */
    public CircuitOpenException refused(DatabaseType engine, NodeAddress node, TenantId tenant, CircuitBreaker cb) {
        Instant opened = openedAt.getOrDefault(new Key(engine, node.host(), node.port()), Instant.now());
        Instant halfOpen = opened.plusMillis(cb.getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
        String why = String.format(java.util.Locale.ROOT, "%.0f%% of the last %d calls failed",
                cb.getMetrics().getFailureRate(), cb.getMetrics().getNumberOfBufferedCalls());
        return new CircuitOpenException(tenant, engine, node, halfOpen, why);
    }

    /**
     * @param engine the engine
     * @param node   the node
     * @return whether its circuit currently lets calls through (closed or half-open); unknown nodes are
     */
    public boolean permits(DatabaseType engine, NodeAddress node) {
        CircuitBreaker cb = breakers.get(new Key(engine, node.host(), node.port()));
        return cb == null || cb.getState() != CircuitBreaker.State.OPEN && cb.getState() != CircuitBreaker.State.FORCED_OPEN;
    }
}
