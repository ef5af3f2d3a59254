package io.tenantdb.benchmarks.cases;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tenantdb.benchmarks.BenchCase;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Side;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.KeyValueSession;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.observability.CacheCodec;
import io.tenantdb.observability.MetricsOperator;
import io.tenantdb.observability.TenantCache;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The observability module's costs and gains, 64 in flight on each side:
 * <ul>
 *   <li>{@code metrics_overhead_pg}: the PostgreSQL point select {@code SELECT id, title FROM {schema}.tracks
 *       WHERE id = $1} (schema strategy, schema-qualified so no binding transaction dominates) through a
 *       TenantDb with observability's {@code MetricsOperator} on a {@code PrometheusMeterRegistry} (what a
 *       deployment scrapes: histogram buckets, per-engine percentiles, top-N tenant tags) ÷ the same through
 *       a TenantDb with no operator at all. Same server, table, tenant and pool size (10 each).</li>
 *   <li>{@code cache_read}: a {@code TenantCache} read (L1 Caffeine, L2 the Redis engine; 1,000 keys, all
 *       L1 hits after the warm-up) ÷ the uncached read of the same value: a Redis {@code GET} through the
 *       same TenantDb (key-prefix strategy), the cache's own loader.</li>
 * </ul>
 */
final class ObservabilityCases implements BenchCase {

    private static final TenantId TENANT = TenantId.of("bench_obs");
    private static final String SELECT = "SELECT id, title FROM {schema}.tracks WHERE id = $1";
    private static final int KEYS = 1_000;

    @Override
    public List<String> ids() {
        return List.of("metrics_overhead_pg", "cache_read");
    }

    @Override
    public void run(Bench bench) {
        Function<Context, Context> ctx = TenantContext.of(TENANT);
        if (bench.selected("metrics_overhead_pg")) {
            metricsOverhead(bench, ctx);
        }
        if (bench.selected("cache_read")) {
            cacheRead(bench, ctx);
        }
    }

    private static Side select(String name, SqlSession sql, Function<Context, Context> ctx) {
        return Side.of(name, () -> sql.query(SELECT, PgCases.next()).map(r -> r.get(1, String.class)).last().contextWrite(ctx));
    }

    private void metricsOverhead(Bench bench, Function<Context, Context> ctx) {
        ServerEndpoint s = TestServers.postgresql();
        MetricsOperator metrics = MetricsOperator.builder(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).build();
        TenantDb with = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(Pg.config(s, IsolationStrategy.SCHEMA_PER_TENANT, Common.POOL)).operator(metrics).build();
        TenantDb without = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(Pg.config(s, IsolationStrategy.SCHEMA_PER_TENANT, Common.POOL)).build();
        try {
            SqlSession on = with.sql(DatabaseType.POSTGRESQL);
            with.provision(TENANT).then(without.provision(TENANT)).block(Common.WAIT);
            on.execute("CREATE TABLE IF NOT EXISTS tracks (id bigint PRIMARY KEY, title text NOT NULL)")
                    .then(on.execute("INSERT INTO tracks SELECT g, 'track ' || g FROM generate_series(1, " + Pg.ROWS
                            + ") g ON CONFLICT DO NOTHING"))
                    .contextWrite(ctx).block(Common.WAIT);
            bench.compare("metrics_overhead_pg", select("tenantdb schema {schema}.tracks + MetricsOperator (Prometheus registry)", on, ctx),
                    select("the same, no operator", without.sql(DatabaseType.POSTGRESQL), ctx), Common.IN_FLIGHT, "ops");
        } finally {
            with.deprovision(TENANT).onErrorResume(e -> Mono.empty()).block(Common.WAIT);
            with.close();
            without.close();
        }
    }

    private void cacheRead(Bench bench, Function<Context, Context> ctx) {
        ServerEndpoint s = TestServers.redis();
        TenantDb db = Common.tenantDb(DatabaseType.REDIS, Common.config(DatabaseType.REDIS, s, null, IsolationStrategy.SCHEMA_PER_TENANT)).build();
        KeyValueSession kv = db.keyValue(DatabaseType.REDIS);
        try (TenantCache<String> cache = TenantCache.builder("bench_titles", CacheCodec.string())
                .maximumSize(10 * KEYS).ttl(Duration.ofMinutes(30)).l2(kv, Duration.ofMinutes(30)).build()) {
            Flux.range(0, KEYS).concatMap(i -> kv.set("track:" + i, "track title " + i)).contextWrite(ctx).blockLast(Common.WAIT);
            Function<String, Mono<String>> loader = kv::get;
            bench.compare("cache_read", Side.of("TenantCache get (L1 Caffeine hit; L2 Redis engine)", () ->
                            cache.get("track:" + ThreadLocalRandom.current().nextInt(KEYS), loader).contextWrite(ctx)),
                    Side.of("uncached: Redis GET through tenantdb", () ->
                            kv.get("track:" + ThreadLocalRandom.current().nextInt(KEYS)).contextWrite(ctx)),
                    Common.IN_FLIGHT, "ops");
            cache.invalidateTenant().contextWrite(ctx).block(Common.WAIT);
        } finally {
            db.deprovision(TENANT).onErrorResume(e -> Mono.empty()).block(Common.WAIT);
            db.close();
        }
    }
}
