package io.tenantdb.postgresql;

import io.r2dbc.pool.PoolMetrics;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.spi.PoolMetricsSource;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.spi.Health;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/** Pools: per tenant database, warm-up, the bound on pools, health. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PoolsIT {

    private final String run = PgIt.unique();
    private final List<TenantId> tenants = List.of(TenantId.of("one"), TenantId.of("two"), TenantId.of("three"));
    private TenantDb db;

    @BeforeAll
    void start() {
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.DATABASE_PER_TENANT, run,
                        new PoolConfig(2, 3, Duration.ofMinutes(5), Duration.ofSeconds(20), "SELECT 1"),
                        Map.of("max_pools", 2)))
                .build();
        Flux.fromIterable(tenants).concatMap(db::provision).blockLast(PgIt.WAIT);
    }

    @AfterAll
    void stop() {
        Flux.fromIterable(tenants).concatMap(db::deprovision).blockLast(PgIt.WAIT);
        PgIt.block(db.closeAsync());
    }

    private PostgresSession pg() {
        return db.session(DatabaseType.POSTGRESQL, PostgresSession.class);
    }

    @Test
    void warmupOpensTheInitialConnectionsOfTheTenantsOwnPool() {
        TenantId t = tenants.get(0);
        as(t, pg().warmup());
        PoolMetrics m = as(t, pg().poolMetrics());
        assertThat(m.allocatedSize()).isEqualTo(2);
        assertThat(m.getMaxAllocatedSize()).isEqualTo(3);
    }

    @Test
    void poolStatsReportEveryOpenPoolForGauges() {
        TenantId t = tenants.get(0);
        as(t, pg().warmup());
        PoolMetricsSource source = (PoolMetricsSource) db.engine(DatabaseType.POSTGRESQL);
        List<PoolMetricsSource.PoolStats> stats = source.poolStats();
        assertThat(stats).anySatisfy(s -> {
            assertThat(s.engine()).isEqualTo(DatabaseType.POSTGRESQL);
            assertThat(s.pool()).matches("[^/]+:\\d+/.*one.*");
            assertThat(s.max()).isEqualTo(3);
            assertThat(s.acquired()).isZero();
            assertThat(s.idle()).isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    void moreDatabasesThanMaxPoolsAreServedByClosingIdlePools() {
        for (int round = 0; round < 2; round++) {
            for (TenantId t : tenants) {
                assertThat(as(t, pg().query("SELECT current_database()").map(r -> r.get(0, String.class)).next()))
                        .isEqualTo(run + "_" + t);
            }
        }
    }

    @Test
    void whenEveryPoolIsBusyANewDatabaseIsRefusedTransiently() {
        // hold a connection of two tenants' pools (max_pools = 2) while a third asks
        Flux<Long> hold0 = pg().query("SELECT pg_sleep(2)").map(r -> 0L).contextWrite(TenantContext.of(tenants.get(0)));
        Flux<Long> hold1 = pg().query("SELECT pg_sleep(2)").map(r -> 1L).contextWrite(TenantContext.of(tenants.get(1)));
        Flux<String> third = Flux.defer(() -> pg().query("SELECT 1").map(r -> "ran"))
                .delaySubscription(Duration.ofMillis(700)).contextWrite(TenantContext.of(tenants.get(2)));
        StepVerifier.create(Flux.merge(hold0.then(), hold1.then(), third))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(EngineUnavailableException.class)
                        .hasMessageContaining("max_pools"))
                .verify(STEP);
    }

    @Test
    void healthReportsSelectOneLatencyPerNode() {
        List<Health> h = db.health().collectList().block(PgIt.WAIT);
        assertThat(h).hasSize(1);
        assertThat(h.get(0).status()).isEqualTo(Health.Status.UP);
        assertThat(h.get(0).node()).isEqualTo(PgIt.server().address());
        assertThat(h.get(0).latency()).isPositive();
    }
}
