package io.tenantdb.benchmarks.cases;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.spi.TargetResolver;
import io.tenantdb.observability.MetricsOperator;
import io.tenantdb.tenancy.ResilienceConfig;
import io.tenantdb.tenancy.ResilienceOperator;
import io.tenantdb.testkit.ServerEndpoint;

/** What every case shares: the same pool size and concurrency on both sides. */
final class Common {

    /**
     * Connections on each side: tenantdb's default pool size. The PostgreSQL server (max_connections 100) is
     * shared with other test runs, so at most three such pools are open at once.
     */
    static final int POOL = 10;
    /** Operations in flight on each side of the point-read cases. */
    static final int IN_FLIGHT = 64;
    static final Duration WAIT = Duration.ofMinutes(2);

    private Common() {
    }

    /**
     * The operators a production TenantDb runs with, of the modules that have landed: observability's metrics
     * operator (on a simple in-memory registry) and the tenancy module's {@link ResilienceOperator} (circuit
     * breaker per node, bulkhead per tenant, retries of transient read errors, per-attempt timeout) with its
     * defaults, except the per-tenant rate limiter raised so it never refuses (its default, 1,000 operations per
     * second per tenant, is a quota, not a cost: it would cap every case). BlockHound is not active here.
     */
    static List<OperationOperator> operators() {
        // BENCH_OPERATORS (a profiling aid, not for published runs): "none", "metrics", "resilience" or "all"
        String only = System.getenv().getOrDefault("BENCH_OPERATORS", "all");
        return switch (only) {
            case "none" -> List.of();
            case "metrics" -> List.of(MetricsOperator.builder(new SimpleMeterRegistry()).build());
            case "resilience" -> List.of(resilience());
            case "all" -> List.of(MetricsOperator.builder(new SimpleMeterRegistry()).build(), resilience());
            default -> throw new IllegalArgumentException("BENCH_OPERATORS must be none, metrics, resilience or all, not "
                    + only);
        };
    }

    /** @return the resilience operator of {@link #operators()} */
    static ResilienceOperator resilience() {
        return ResilienceOperator.builder().engine(DatabaseType.POSTGRESQL, RESILIENCE).engine(DatabaseType.REDIS, RESILIENCE)
                .engine(DatabaseType.MONGODB, RESILIENCE).engine(DatabaseType.ELASTICSEARCH, RESILIENCE)
                .engine(DatabaseType.CLICKHOUSE, RESILIENCE).build();
    }

    private static final ResilienceConfig RESILIENCE = ResilienceConfig.builder().limitPerSecond(10_000_000).build();

    /** @return what {@link #operators()} holds, for the table */
    static String operatorNames() {
        return switch (System.getenv().getOrDefault("BENCH_OPERATORS", "all")) {
            case "none" -> "no operators (BENCH_OPERATORS=none)";
            case "metrics" -> "metrics only (BENCH_OPERATORS=metrics)";
            case "resilience" -> "breaker + bulkhead only (BENCH_OPERATORS=resilience)";
            default -> "metrics + breaker + bulkhead";
        };
    }

    /**
     * @return a TenantDb builder with {@link #operators()} for one engine; the resilience operator guards the
     *         default (first host) resolver, so each operation takes and reports to its node's circuit breaker
     */
    static TenantDb.Builder tenantDb(DatabaseType type, DatabaseConfig config) {
        TenantDb.Builder b = TenantDb.builder().engines(type).engineConfig(config);
        for (OperationOperator op : operators()) {
            b.operator(op);
            if (op instanceof ResilienceOperator r) {
                b.targetResolverFactory(ctx -> r.guard(TargetResolver.firstHost(ctx)));
            }
        }
        return b;
    }

    static DatabaseConfig config(DatabaseType type, ServerEndpoint server, String database, IsolationStrategy strategy) {
        return config(type, server, database, strategy, POOL);
    }

    static DatabaseConfig config(DatabaseType type, ServerEndpoint server, String database, IsolationStrategy strategy,
                                 int pool) {
        return DatabaseConfig.builder(type)
                .connection(new ConnectionConfig(List.of(NodeAddress.of(server.host(), server.port())), database,
                        server.user(), secret(server), TlsConfig.DISABLED, Duration.ofSeconds(10), Map.of()))
                .pool(new PoolConfig(pool, pool, Duration.ofMinutes(30), Duration.ofSeconds(30), null))
                .isolation(new IsolationConfig(strategy, "tenant_{{tenant_id}}_", "none"))
                .build();
    }

    static Secret secret(ServerEndpoint server) {
        return server.password() == null || server.password().isEmpty() ? Secret.NONE : Secret.literal(server.password());
    }
}
