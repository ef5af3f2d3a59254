package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.spi.PoolMetricsSource;
import io.tenantdb.postgresql.PostgresSession;
import io.tenantdb.tenancy.warming.PoolWarmer;
import io.tenantdb.tenancy.warming.TenantActivity;
import io.tenantdb.tenancy.warming.WarmingConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Predictive warming on real PostgreSQL, database per tenant: pools are bounded ({@code max_pools: 2}),
 * so a busy tenant's pool is dropped (least recently used) while other tenants are served. The
 * warmer then opens it again because the tenant's recent traffic (EWMA) predicts use, while a tenant
 * without traffic gets no pool. Reports the first-operation latency of the busy tenant after its pool
 * was dropped, with warming off and on (a figure, not asserted: speed is measured, not tested).
 */
class PoolWarmingIT {

    static final int TRIALS = Integer.getInteger("warming.trials", 3);

    private final String prefix = PgTenancy.unique();
    private final TenantId hot = TenantId.of("hot");
    private final TenantId cold = TenantId.of("cold");
    private final List<TenantId> fillers = IntStream.range(0, 2 * TRIALS).mapToObj(i -> TenantId.of("filler" + i)).toList();
    private final WarmingConfig warming = new WarmingConfig(true, Duration.ofMillis(100), Duration.ofMinutes(1), 0.2, 5, 100);
    private final TenantActivity activity = TenantActivity.of(warming);
    private TenantDb db;
    private PostgresSession pg;
    private PoolMetricsSource pools;
    private PoolWarmer warmer;
    private DatabaseConfig config;

    @BeforeEach
    void setUp() {
        DatabaseConfig base = PgTenancy.config(List.of(PgTenancy.serverNode()), IsolationStrategy.DATABASE_PER_TENANT, prefix, 2);
        config = base.toBuilder()
                .pool(new PoolConfig(1, 2, Duration.ofMinutes(5), Duration.ofSeconds(30), null))
                .root(MapConfigNode.root(Map.of("postgresql", Map.of("application_name", prefix, "max_pools", 2,
                        "connection_budget", 8))))
                .build();
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(config).operator(activity).build();
        pg = db.session(DatabaseType.POSTGRESQL, PostgresSession.class);
        pools = (PoolMetricsSource) db.engine(DatabaseType.POSTGRESQL);
        List<TenantId> all = new ArrayList<>(fillers);
        all.add(hot);
        all.add(cold);
        Flux.fromIterable(all).concatMap(db::provision).blockLast(Duration.ofMinutes(5));
        warmer = PoolWarmer.builder(activity, DatabaseType.POSTGRESQL)
                .warm(t -> pg.warmup().contextWrite(TenantContext.of(t)))
                // from the engine's pool counters: asking the tenant's pool (PostgresSession.poolMetrics) would make it
                // the most recently used one and change which pool max_pools drops next
                .isWarm(t -> Mono.fromSupplier(() -> open(t) > 0))
                .headroom(PoolWarmer.headroom(pools, 8), 1)
                .config(warming)
                .build();
    }

    @AfterEach
    void tearDown() {
        if (warmer != null) {
            warmer.close();
        }
        if (db != null) {
            List<TenantId> all = new ArrayList<>(fillers);
            all.add(hot);
            all.add(cold);
            Flux.fromIterable(all).concatMap(t -> db.deprovision(t).onErrorResume(e -> Mono.empty())).blockLast(Duration.ofMinutes(5));
            db.close();
        }
    }

    private void query(TenantId tenant) {
        pg.query("SELECT 1 AS one").map(r -> r.get("one", Integer.class)).contextWrite(TenantContext.of(tenant))
                .blockLast(PgTenancy.WAIT);
    }

    /** @return the open connections of the tenant's pool (acquired + idle), 0 when it has no pool */
    private int open(TenantId tenant) {
        String db = "/" + config.isolation().nameFor(tenant);
        return pools.poolStats().stream().filter(s -> s.pool().endsWith(db)).mapToInt(s -> s.acquired() + s.idle()).sum();
    }

    private int idle(TenantId tenant) {
        String db = "/" + config.isolation().nameFor(tenant);
        return pools.poolStats().stream().filter(s -> s.pool().endsWith(db)).mapToInt(PoolMetricsSource.PoolStats::idle).sum();
    }

    /** Serves two other tenants once each: with max_pools 2, the busy tenant's pool is dropped. */
    private void pushOut(int trial) {
        query(fillers.get(2 * trial));
        query(fillers.get(2 * trial + 1));
    }

    private long firstQueryMicros() {
        long start = System.nanoTime();
        query(hot);
        return (System.nanoTime() - start) / 1000;
    }

    @Test
    void aTenantWithRecentTrafficGetsItsPoolWarmedAColdTenantDoesNot() throws InterruptedException {
        for (int i = 0; i < 50; i++) {
            query(hot);
        }
        assertThat(idle(hot)).as("served: the pool is open").isPositive();
        long[] off = new long[TRIALS];
        long[] on = new long[TRIALS];
        long[] again = new long[TRIALS];
        // warming off: the first query after the pool was dropped connects
        for (int trial = 0; trial < TRIALS; trial++) {
            pushOut(trial);
            assertThat(open(hot)).as("the busy tenant's pool was dropped").isZero();
            off[trial] = firstQueryMicros();
        }
        assertThat(activity.predicted(DatabaseType.POSTGRESQL, warming.minRate(), 10)).containsExactly(hot);

        warmer.start();
        for (int trial = 0; trial < TRIALS; trial++) {
            long warmedBefore = warmer.warmedCount();
            pushOut(trial);
            // the warmer only warms a cold pool: a new warm-up means the pool was dropped and opened again
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((warmer.warmedCount() == warmedBefore || idle(hot) == 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(warmer.warmedCount()).as("the warmer warmed the dropped pool (trial %d)", trial).isGreaterThan(warmedBefore);
            assertThat(idle(hot)).as("the busy tenant's pool has idle connections (trial %d)", trial).isPositive();
            assertThat(open(cold)).as("no pool for a tenant without traffic").isZero();
            on[trial] = firstQueryMicros();
            again[trial] = firstQueryMicros();
        }
        assertThat(warmer.warmedCount()).isGreaterThanOrEqualTo(TRIALS);
        assertThat(open(cold)).isZero();
        warmer.close();
        assertThat(warmer.isRunning()).isFalse();
        System.out.printf("PoolWarmingIT: first query of a predicted tenant after its pool was dropped (database per tenant, "
                        + "%d trials): warming off median %d us %s, warming on median %d us %s; the query after it "
                        + "(steady state) median %d us %s%n", TRIALS,
                PgTenancy.percentile(off, 50), java.util.Arrays.toString(off), PgTenancy.percentile(on, 50),
                java.util.Arrays.toString(on), PgTenancy.percentile(again, 50), java.util.Arrays.toString(again));
    }
}
