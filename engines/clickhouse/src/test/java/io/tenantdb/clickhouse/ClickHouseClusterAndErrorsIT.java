package io.tenantdb.clickhouse;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.session.Statement;
import io.tenantdb.core.spi.Health;
import io.tenantdb.testkit.ServerEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Failover over a node list, health, and the mapping of server and transport errors. */
class ClickHouseClusterAndErrorsIT {

    static final TenantId T = TenantId.of("chce_a");
    static NodeAddress dead;
    static NodeAddress live;
    static TenantDb db;

    @BeforeAll
    static void start() throws IOException {
        ServerEndpoint server = ClickHouseIts.server();
        live = NodeAddress.of(server.host(), server.port());
        try (ServerSocket socket = new ServerSocket(0)) {
            dead = NodeAddress.of("127.0.0.1", socket.getLocalPort()); // closed again: connections are refused
        }
        db = ClickHouseIts.tenantDb(IsolationStrategy.DATABASE_PER_TENANT, "default", dead, live);
        ClickHouseIts.provision(db, T);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.deprovision(T).block(Duration.ofSeconds(60));
            db.close();
        }
    }

    @Test
    void aRefusedNodeIsSkippedForTheNextOne() {
        ClickHouseSession s = ClickHouseIts.session(db);
        for (int i = 0; i < 6; i++) { // round-robin starts on each node in turn
            assertThat(s.serverVersion().contextWrite(TenantContext.of(T)).block(Duration.ofSeconds(20))).startsWith("1");
        }
    }

    @Test
    void healthReportsEachNode() {
        List<Health> health = db.health().collectList().block(Duration.ofSeconds(20));
        assertThat(health).hasSize(2);
        Health up = health.stream().filter(h -> h.node().equals(live.toString())).findFirst().orElseThrow();
        Health down = health.stream().filter(h -> h.node().equals(dead.toString())).findFirst().orElseThrow();
        assertThat(up.status()).isEqualTo(Health.Status.UP);
        assertThat(up.detail()).startsWith("ClickHouse 1");
        assertThat(down.status()).isEqualTo(Health.Status.DOWN);
        assertThat(up.engine()).isEqualTo(DatabaseType.CLICKHOUSE);
    }

    @Test
    void noReachableNodeIsEngineUnavailable() {
        try (TenantDb onlyDead = ClickHouseIts.tenantDb(IsolationStrategy.DATABASE_PER_TENANT, "default", dead)) {
            StepVerifier.create(onlyDead.sql(DatabaseType.CLICKHOUSE).query("SELECT 1").contextWrite(TenantContext.of(T)))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(EngineUnavailableException.class).hasMessageContaining("chce_a")
                                .hasMessageContaining("clickhouse");
                        assertThat(((TenantDbException) e).isTransient()).isTrue();
                    })
                    .verify(Duration.ofSeconds(20));
        }
    }

    @Test
    void serverErrorsAreMappedWithTenantAndEngine() {
        ClickHouseSession s = ClickHouseIts.session(db);
        StepVerifier.create(s.query("SELECT FROM WHERE").contextWrite(TenantContext.of(T)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DataAccessException.class)
                        .hasMessageContaining("[tenant=chce_a engine=clickhouse]").hasMessageContaining("Code: 62"))
                .verify(Duration.ofSeconds(20));
        StepVerifier.create(s.query("SELECT * FROM {table:nowhere}").contextWrite(TenantContext.of(T)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NotProvisionedException.class)
                        .hasMessageContaining("Code: 60").hasMessageContaining("createTable"))
                .verify(Duration.ofSeconds(20));
        StepVerifier.create(s.query("SELECT 1").contextWrite(TenantContext.of("chce_never_provisioned")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NotProvisionedException.class)
                        .hasMessageContaining("chce_never_provisioned").hasMessageContaining("Code: 81"))
                .verify(Duration.ofSeconds(20));
    }

    @Test
    void anErrorInTheMiddleOfAStreamedResultIsAnError() {
        AtomicLong rows = new AtomicLong();
        StepVerifier.create(ClickHouseIts.session(db).withSettings(QuerySettings.NONE.setting("max_block_size", "1000"))
                        .query(Statement.of("SELECT throwIf(number = 1000000) AS x FROM numbers(3000000)"), r -> rows.incrementAndGet())
                        .contextWrite(TenantContext.of(T)))
                .thenConsumeWhile(x -> true)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DataAccessException.class).hasMessageContaining("Code: 395"))
                .verify(Duration.ofSeconds(60));
        assertThat(rows.get()).as("rows streamed before the error").isPositive().isLessThan(3_000_000);
    }
}
