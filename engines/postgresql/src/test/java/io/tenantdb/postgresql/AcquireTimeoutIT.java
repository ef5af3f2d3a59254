package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.exception.OperationTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.Map;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code pool.acquire_timeout} (enforced by tenantdb's deadline sweep, not r2dbc-pool): an operation
 * that cannot get a connection in time fails with a timeout that names the setting, and the pool
 * keeps working once the connection is back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AcquireTimeoutIT {

    private final String run = PgIt.unique();
    private final TenantId tenant = TenantId.of("wait");
    /** Provisions with a roomy pool (provisioning may hold more than one connection). */
    private TenantDb admin;
    /** One connection, 300 ms to get it. */
    private TenantDb db;

    @BeforeAll
    void start() {
        admin = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, run, PgIt.pool(4),
                        Map.of()))
                .build();
        PgIt.block(admin.provision(tenant));
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, run,
                        new PoolConfig(0, 1, Duration.ofMinutes(5), Duration.ofMillis(300), null), Map.of()))
                .build();
    }

    @AfterAll
    void stop() {
        PgIt.block(db.closeAsync());
        PgIt.block(admin.deprovision(tenant));
        PgIt.block(admin.closeAsync());
    }

    @Test
    void anOperationThatGetsNoConnectionInTimeFailsNamingTheSettingAndThePoolRecovers() {
        PostgresSession pg = db.session(DatabaseType.POSTGRESQL, PostgresSession.class);
        // the pool's only connection is busy for 1.5 s; the second operation may wait 300 ms
        Mono<Void> hold = pg.query("SELECT pg_sleep(1.5)").then().contextWrite(TenantContext.of(tenant));
        Mono<String> waiting = pg.query("SELECT 'ran'").map(r -> r.get(0, String.class)).next()
                .delaySubscription(Duration.ofMillis(200)).contextWrite(TenantContext.of(tenant));
        StepVerifier.create(Flux.merge(hold.then(Mono.<String>empty()), waiting))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(OperationTimeoutException.class)
                        .hasMessageContaining("acquire_timeout").hasMessageContaining("tenant=wait"))
                .verify(STEP);
        // the held connection comes back and serves the next operation
        StepVerifier.create(Flux.interval(Duration.ofMillis(100)).onBackpressureDrop()
                        .concatMap(i -> pg.query("SELECT 'ran'").map(r -> r.get(0, String.class)).next()
                                .contextWrite(TenantContext.of(tenant)).onErrorResume(OperationTimeoutException.class,
                                        x -> Mono.empty()))
                        .next())
                .expectNext("ran").verifyComplete();
        assertThat(as(tenant, pg.poolMetrics()).acquiredSize()).isZero();
    }

    @Test
    void cancellingAnOperationThatWaitsForAConnectionLeavesNothingAcquiredOrWaiting() {
        PostgresSession pg = db.session(DatabaseType.POSTGRESQL, PostgresSession.class);
        Mono<Void> hold = pg.query("SELECT pg_sleep(0.6)").then().contextWrite(TenantContext.of(tenant));
        // five operations wait for the only connection and are cancelled while they wait
        Flux<String> waiting = Flux.range(0, 5).flatMap(i -> pg.query("SELECT 'ran'").map(r -> r.get(0, String.class))
                .next().contextWrite(TenantContext.of(tenant)));
        StepVerifier.create(Flux.merge(hold.then(Mono.<String>empty()),
                        waiting.delaySubscription(Duration.ofMillis(100)).take(Duration.ofMillis(150))))
                .verifyComplete();
        // the connection comes back once, and the next operations get it at once
        StepVerifier.create(Flux.range(0, 3).concatMap(i -> pg.query("SELECT 'ran'").map(r -> r.get(0, String.class))
                        .next().contextWrite(TenantContext.of(tenant))))
                .expectNext("ran", "ran", "ran").verifyComplete();
        assertThat(as(tenant, pg.poolMetrics()).acquiredSize()).isZero();
        assertThat(as(tenant, pg.poolMetrics()).pendingAcquireSize()).isZero();
    }
}
