package io.tenantdb.clickhouse;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cross-tenant contract beyond the TCK, under each strategy: injection through binds, SQL that
 * names another tenant's storage, ClickHouse table functions, row-level mutations and inserts
 * carrying another tenant's id. What tenant A wrote, tenant B can neither read, count, change nor
 * delete.
 */
class ClickHouseCrossTenantIT {

    static final TenantId A = TenantId.of("chx_a");
    static final TenantId B = TenantId.of("chx_b");
    static final Map<IsolationStrategy, TenantDb> DBS = new EnumMap<>(IsolationStrategy.class);
    static final Map<IsolationStrategy, String> BASE = Map.of(IsolationStrategy.DATABASE_PER_TENANT, "default",
            IsolationStrategy.SCHEMA_PER_TENANT, "tdbit_xsc", IsolationStrategy.ROW_LEVEL_SECURITY, "tdbit_xrl");

    @BeforeAll
    static void start() {
        for (IsolationStrategy s : IsolationStrategy.values()) {
            TenantDb db = ClickHouseIts.tenantDb(s, BASE.get(s));
            DBS.put(s, db);
            ClickHouseIts.provision(db, A, B);
        }
    }

    @AfterAll
    static void stop() {
        DBS.values().forEach(db -> {
            db.deprovision(A).then(db.deprovision(B)).block(Duration.ofSeconds(120));
            db.close();
        });
        ClickHouseIts.admin("DROP DATABASE IF EXISTS tdbit_xsc");
        ClickHouseIts.admin("DROP DATABASE IF EXISTS tdbit_xrl");
    }

    private static ClickHouseSession sql(IsolationStrategy s) {
        return ClickHouseIts.session(DBS.get(s));
    }

    private static <T> T as(TenantId t, Mono<T> mono) {
        return mono.contextWrite(TenantContext.of(t)).block(Duration.ofSeconds(60));
    }

    private static List<String> names(IsolationStrategy s, TenantId t) {
        return sql(s).query(Statement.of("SELECT name FROM {table:tracks} ORDER BY id"), r -> r.get("name", String.class))
                .contextWrite(TenantContext.of(t)).collectList().block(Duration.ofSeconds(30));
    }

    private static void reset(IsolationStrategy s) {
        String def = s == IsolationStrategy.ROW_LEVEL_SECURITY ? ClickHouseIts.SHARED_TRACKS : ClickHouseIts.TRACKS;
        for (TenantId t : List.of(A, B)) {
            as(t, sql(s).createTable("tracks", def).then(sql(s).truncate("tracks")));
        }
        as(A, sql(s).insert("tracks", Flux.range(1, 3).map(i -> Map.of("id", i, "name", "a" + i, "plays", i))));
    }

    /** The physical SQL names of tenant A's tracks table, as an attacker would write them. */
    private static List<String> physicalNamesOfA(IsolationStrategy s) {
        return switch (s) {
            case DATABASE_PER_TENANT -> List.of("tdbit_chx_a.tracks", "`tdbit_chx_a`.`tracks`", "tdbit_chx_a . tracks");
            case SCHEMA_PER_TENANT -> List.of("tdbit_xsc.`tdbit_chx_a_$tracks`", "`tdbit_chx_a_$tracks`");
            case ROW_LEVEL_SECURITY -> List.of("tdbit_xrl.tracks", "`tdbit_xrl`.tracks");
        };
    }

    private static void refused(IsolationStrategy s, TenantId t, String sqlText, Class<? extends Throwable> type) {
        StepVerifier.create(sql(s).query(sqlText).contextWrite(TenantContext.of(t)))
                .expectErrorSatisfies(e -> assertThat(e).as(sqlText).isInstanceOf(type).hasMessageContaining(t.value()))
                .verify(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void injectionThroughBindsIsOnlyData(IsolationStrategy s) {
        reset(s);
        List<String> attacks = List.of("' OR 1=1 --", "a1' OR '1'='1", "\\' OR 1=1 --", "x'); ALTER TABLE tracks DELETE WHERE 1; --",
                "a1\0' OR 1=1", "' UNION ALL SELECT name FROM tdbit_chx_a.tracks --");
        for (String attack : attacks) {
            assertThat(sql(s).query(Statement.of("SELECT name FROM {table:tracks} WHERE name = $1", attack), r -> r.get(0, String.class))
                    .contextWrite(TenantContext.of(B)).collectList().block(Duration.ofSeconds(30))).as(attack).isEmpty();
            assertThat(sql(s).query(Statement.of("SELECT count() AS n FROM {table:tracks} WHERE name = :v").bind("v", attack),
                    r -> r.get(0, Long.class)).contextWrite(TenantContext.of(A)).blockLast(Duration.ofSeconds(30))).as(attack).isZero();
        }
        // stored as data, read back as data
        as(B, sql(s).execute("INSERT INTO {table:tracks} (id, name, plays) VALUES ($1, $2, $3)", 9, attacks.get(3), 0));
        assertThat(names(s, B)).containsExactly(attacks.get(3));
        assertThat(names(s, A)).containsExactly("a1", "a2", "a3");
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void sqlNamingAnotherTenantsStorageIsRefusedBeforeTheServer(IsolationStrategy s) {
        reset(s);
        for (String name : physicalNamesOfA(s)) {
            refused(s, B, "SELECT name FROM " + name, IsolationViolationException.class);
            refused(s, B, "SELECT count() FROM {table:tracks} WHERE id IN (SELECT id FROM " + name + ")", IsolationViolationException.class);
        }
        for (String attack : List.of("SELECT * FROM merge('" + BASE.get(s) + "', '.*')", "SELECT * FROM merge(currentDatabase(), '.*')",
                "SELECT * FROM remote('127.0.0.1', 'tdbit_chx_a', 'tracks')", "SELECT query FROM system.processes",
                "SELECT query FROM system.query_log", "SHOW DATABASES", "KILL QUERY WHERE 1")) {
            refused(s, B, attack, IsolationViolationException.class);
        }
        assertThat(names(s, A)).containsExactly("a1", "a2", "a3");
    }

    @ParameterizedTest
    @EnumSource(value = IsolationStrategy.class, names = {"SCHEMA_PER_TENANT", "ROW_LEVEL_SECURITY"})
    void plainTableNamesReachOnlyTheEmptySandbox(IsolationStrategy s) {
        reset(s);
        refused(s, B, "SELECT name FROM tracks", NotProvisionedException.class);
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void mutationsOfBTouchOnlyBsRows(IsolationStrategy s) throws Exception {
        reset(s);
        as(B, sql(s).execute("INSERT INTO {table:tracks} (id, name, plays) VALUES (1, 'b1', 1), (2, 'b2', 2)"));
        as(B, sql(s).execute("ALTER TABLE {table:tracks} UPDATE name = 'hijacked' WHERE 1 = 1"));
        as(B, sql(s).execute("ALTER TABLE {table:tracks} DELETE WHERE id = $1 OR 1 = 1", 2));
        awaitMutations();
        assertThat(names(s, A)).containsExactly("a1", "a2", "a3");
        assertThat(names(s, B)).isEmpty();
    }

    @Test
    void rowLevelInsertsCannotCarryAnotherTenant() {
        IsolationStrategy s = IsolationStrategy.ROW_LEVEL_SECURITY;
        reset(s);
        StepVerifier.create(sql(s).execute("INSERT INTO {table:tracks} (tenant_id, id, name, plays) VALUES ('chx_a', 7, 'forged', 0)")
                        .contextWrite(TenantContext.of(B)))
                .expectError(IsolationViolationException.class).verify(Duration.ofSeconds(10));
        StepVerifier.create(sql(s).insert("tracks", Flux.just(Map.of("tenant_id", "chx_a", "id", 7, "name", "forged", "plays", 0)))
                        .contextWrite(TenantContext.of(B)))
                .expectError(IsolationViolationException.class).verify(Duration.ofSeconds(10));
        // stamped with B when left out
        as(B, sql(s).insert("tracks", Flux.just(Map.of("id", 8, "name", "b8", "plays", 0))));
        assertThat(ClickHouseIts.admin("SELECT tenant_id FROM tdbit_xrl.tracks WHERE id = 8")).containsExactly("chx_b");
        assertThat(names(s, A)).containsExactly("a1", "a2", "a3");
    }

    @ParameterizedTest
    @EnumSource(value = IsolationStrategy.class, names = {"DATABASE_PER_TENANT", "SCHEMA_PER_TENANT"})
    void droppingAndTruncatingTouchOnlyTheOwnTable(IsolationStrategy s) {
        reset(s);
        as(B, sql(s).execute("TRUNCATE TABLE {table:tracks}"));
        as(B, sql(s).dropTable("tracks"));
        as(B, sql(s).execute("DROP TABLE IF EXISTS {table:tracks}"));
        assertThat(names(s, A)).containsExactly("a1", "a2", "a3");
        StepVerifier.create(sql(s).query("SELECT * FROM {table:tracks}").contextWrite(TenantContext.of(B)))
                .expectError(NotProvisionedException.class).verify(Duration.ofSeconds(10));
    }

    @Test
    void sharedTablesCannotBeDroppedByATenantAndThereAreNoTransactions() {
        IsolationStrategy s = IsolationStrategy.ROW_LEVEL_SECURITY;
        reset(s);
        StepVerifier.create(sql(s).dropTable("tracks").contextWrite(TenantContext.of(B)))
                .expectError(UnsupportedFeatureException.class).verify(Duration.ofSeconds(10));
        StepVerifier.create(sql(s).inTransaction(tx -> tx.execute("SELECT 1")).contextWrite(TenantContext.of(B)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnsupportedFeatureException.class)
                        .hasMessageContaining("chx_b").hasMessageContaining("no transactions"))
                .verify(Duration.ofSeconds(10));
        assertThat(names(s, A)).containsExactly("a1", "a2", "a3");
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void deprovisioningOneTenantLeavesTheOther(IsolationStrategy s) {
        TenantId c = TenantId.of("chx_c");
        TenantDb db = DBS.get(s);
        db.provision(c).block(Duration.ofSeconds(30));
        reset(s);
        String def = s == IsolationStrategy.ROW_LEVEL_SECURITY ? ClickHouseIts.SHARED_TRACKS : ClickHouseIts.TRACKS;
        as(c, sql(s).createTable("tracks", def).then(sql(s).insert("tracks", Flux.just(Map.of("id", 1, "name", "c1", "plays", 1)))));
        db.deprovision(c).block(Duration.ofSeconds(120));
        db.deprovision(c).block(Duration.ofSeconds(120)); // idempotent
        assertThat(names(s, A)).containsExactly("a1", "a2", "a3");
        List<Throwable> errors = new ArrayList<>();
        List<String> left = sql(s).query(Statement.of("SELECT name FROM {table:tracks}"), r -> r.get(0, String.class))
                .onErrorResume(e -> {
                    errors.add(e);
                    return Flux.empty();
                })
                .contextWrite(TenantContext.of(c)).collectList().block(Duration.ofSeconds(10));
        assertThat(left).as("rows of the deprovisioned tenant").isEmpty();
        if (s != IsolationStrategy.ROW_LEVEL_SECURITY) {
            // its own tables are gone; under row-level security the shared table stays, without its rows
            assertThat(errors).singleElement().isInstanceOf(NotProvisionedException.class);
        }
    }

    private static void awaitMutations() throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (ClickHouseIts.admin("SELECT count() FROM system.mutations WHERE is_done = 0").equals(List.of("0"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("mutations did not finish");
    }
}
