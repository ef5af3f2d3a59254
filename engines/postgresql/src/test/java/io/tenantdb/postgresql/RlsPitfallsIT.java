package io.tenantdb.postgresql;

import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.InvalidTenantException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;
import io.tenantdb.core.session.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ways row-level security goes wrong in practice, each shown not to happen. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RlsPitfallsIT {

    private final String run = PgIt.unique();
    private final String schema = run + "_rls";
    private final String role = run + "_app";
    private final TenantId alpha = TenantId.of("alpha");
    private final TenantId beta = TenantId.of("beta");
    private TenantDb db;
    private TenantDb single;

    @BeforeAll
    void setUp() {
        RowLevelSecurityIT.createSharedTracks(schema, role);
        db = rls(role, schema, 2);
        single = rls(role, schema, 1);
    }

    @AfterAll
    void tearDown() {
        if (db != null) {
            PgIt.block(db.closeAsync());
        }
        if (single != null) {
            PgIt.block(single.closeAsync());
        }
        RowLevelSecurityIT.dropShared(schema, role);
    }

    @BeforeEach
    void empty() {
        PgIt.exec("DELETE FROM \"" + schema + "\".tracks");
    }

    private TenantDb rls(String user, String tablesSchema, int poolSize) {
        return TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.ROW_LEVEL_SECURITY, run,
                        PgIt.pool(poolSize), Map.of("rls_role", user, "rls_schema", tablesSchema)))
                .build();
    }

    private static PostgresSession pg(TenantDb db) {
        return db.session(DatabaseType.POSTGRESQL, PostgresSession.class);
    }

    private void insert(TenantDb db, TenantId tenant, int id) {
        as(tenant, pg(db).execute("INSERT INTO tracks (id, name, plays) VALUES ($1, $2, 0)", id, tenant.value() + id));
    }

    private List<String> tenantsSeen(TenantDb db, TenantId tenant) {
        return all(tenant, pg(db).query(Statement.of("SELECT tenant_id FROM tracks"), r -> r.get(0, String.class)));
    }

    /** A raw connection as the given role, outside tenantdb. */
    private <T> List<T> raw(String user, java.util.function.Function<Connection, Flux<T>> work) {
        return Flux.usingWhen(PgIt.factory(user, PgIt.server().database()).create(), work, Connection::close)
                .collectList().block(PgIt.WAIT);
    }

    private static Flux<Long> count(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.map((row, md) -> ((Number) row.get(0)).longValue()));
    }

    @Test
    void anUnboundConnectionOfTheAppRoleSeesZeroRows() {
        insert(db, alpha, 1);
        insert(db, beta, 1);
        assertThat(raw(role, c -> count(c, "SELECT count(*) FROM \"" + schema + "\".tracks"))).containsExactly(0L);
    }

    @Test
    void forceMattersForTheOwnerAndTheEngineRefusesTheOwnerEitherWay() {
        String ownSchema = run + "_own";
        String owner = run + "_owner";
        PgIt.exec("CREATE ROLE \"" + owner + "\" LOGIN NOSUPERUSER NOBYPASSRLS",
                "CREATE SCHEMA \"" + ownSchema + "\" AUTHORIZATION \"" + owner + "\"",
                "CREATE TABLE \"" + ownSchema + "\".tracks (tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true), "
                        + "id bigint, name text, plays bigint, PRIMARY KEY (tenant_id, id))",
                "ALTER TABLE \"" + ownSchema + "\".tracks OWNER TO \"" + owner + "\"",
                "INSERT INTO \"" + ownSchema + "\".tracks VALUES ('alpha', 1, 'a', 0), ('beta', 1, 'b', 0)");
        try {
            PgIt.admin(c -> PostgresRls.enableFor(c, ownSchema + ".tracks", null).flux());
            String asAlpha = "SELECT count(*) FROM (SELECT set_config('app.tenant_id', 'alpha', false)) s, \""
                    + ownSchema + "\".tracks";
            // FORCE on: even the owner sees only the bound tenant's rows
            assertThat(raw(owner, c -> count(c, asAlpha))).containsExactly(1L);
            // FORCE off: the owner bypasses the policy and sees every tenant
            PgIt.exec("ALTER TABLE \"" + ownSchema + "\".tracks NO FORCE ROW LEVEL SECURITY");
            assertThat(raw(owner, c -> count(c, asAlpha))).containsExactly(2L);

            TenantDb asOwner = rls(owner, ownSchema, 1);
            try {
                StepVerifier.create(pg(asOwner).query("SELECT * FROM tracks").contextWrite(TenantContext.of(alpha)))
                        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                                .hasMessageContaining("owns").hasMessageContaining("FORCE ROW LEVEL SECURITY")
                                .hasMessageContaining("rls_role"))
                        .verify(STEP);
                PgIt.exec("ALTER TABLE \"" + ownSchema + "\".tracks FORCE ROW LEVEL SECURITY");
                StepVerifier.create(pg(asOwner).query("SELECT * FROM tracks").contextWrite(TenantContext.of(alpha)))
                        .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                                .hasMessageContaining("owns"))
                        .verify(STEP);
            } finally {
                PgIt.block(asOwner.closeAsync());
            }
        } finally {
            PgIt.exec("DROP SCHEMA \"" + ownSchema + "\" CASCADE", "DROP ROLE \"" + owner + "\"");
        }
    }

    @Test
    void aSuperuserOrBypassRlsRoleOrATableWithoutForceIsRefused() {
        TenantDb asSuper = rls(PgIt.server().user(), schema, 1);
        try {
            StepVerifier.create(pg(asSuper).query("SELECT * FROM tracks").contextWrite(TenantContext.of(alpha)))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                            .hasMessageContaining("superuser"))
                    .verify(STEP);
        } finally {
            PgIt.block(asSuper.closeAsync());
        }
        String bypass = run + "_bypass";
        PgIt.exec("CREATE ROLE \"" + bypass + "\" LOGIN BYPASSRLS", "GRANT USAGE ON SCHEMA \"" + schema + "\" TO \"" + bypass + "\"");
        TenantDb asBypass = rls(bypass, schema, 1);
        try {
            StepVerifier.create(pg(asBypass).query("SELECT * FROM tracks").contextWrite(TenantContext.of(alpha)))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                            .hasMessageContaining("BYPASSRLS").hasMessageContaining("NOBYPASSRLS"))
                    .verify(STEP);
        } finally {
            PgIt.block(asBypass.closeAsync());
            PgIt.exec("DROP OWNED BY \"" + bypass + "\"", "DROP ROLE \"" + bypass + "\"");
        }
        String noForce = run + "_noforce";
        PgIt.exec("CREATE SCHEMA \"" + noForce + "\"", "CREATE TABLE \"" + noForce + "\".plays (tenant_id text, n int)",
                "ALTER TABLE \"" + noForce + "\".plays ENABLE ROW LEVEL SECURITY",
                "GRANT USAGE ON SCHEMA \"" + noForce + "\" TO \"" + role + "\"");
        TenantDb weak = rls(role, noForce, 1);
        try {
            StepVerifier.create(pg(weak).query("SELECT * FROM plays").contextWrite(TenantContext.of(alpha)))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                            .hasMessageContaining(noForce + ".plays").hasMessageContaining("FORCE ROW LEVEL SECURITY"))
                    .verify(STEP);
        } finally {
            PgIt.block(weak.closeAsync());
            PgIt.exec("DROP SCHEMA \"" + noForce + "\" CASCADE");
        }
    }

    @Test
    void aPoolOfOneAlternatingTenantsNeverCarriesTheBindingOver() {
        PostgresSession s = pg(single);
        insert(single, alpha, 1);
        assertThat(tenantsSeen(single, beta)).isEmpty();
        // rollback
        StepVerifier.create(s.inTransaction(tx -> tx.execute("INSERT INTO tracks (id, name, plays) VALUES (2, 'x', 0)")
                        .then(Mono.error(new IllegalStateException("rollback please")))).contextWrite(TenantContext.of(alpha)))
                .expectErrorMessage("rollback please").verify(STEP);
        assertThat(tenantsSeen(single, beta)).isEmpty();
        assertThat(all(beta, s.query(Statement.of("SELECT current_setting('app.tenant_id', true)"), r -> r.get(0, String.class))))
                .containsExactly("beta");
        // cancel in the middle of a stream
        assertThat(all(alpha, s.query(Statement.of("SELECT tenant_id FROM tracks, generate_series(1, 100000)"),
                r -> r.get(0, String.class)).take(5))).containsOnly("alpha");
        assertThat(tenantsSeen(single, beta)).isEmpty();
        // error
        StepVerifier.create(s.query("SELECT 1/0 FROM tracks").contextWrite(TenantContext.of(alpha)))
                .expectError().verify(STEP);
        assertThat(tenantsSeen(single, beta)).isEmpty();
        insert(single, beta, 1);
        assertThat(tenantsSeen(single, beta)).containsExactly("beta");
        assertThat(tenantsSeen(single, alpha)).containsExactly("alpha");
        // after everything, the one physical connection is unbound outside an operation
        assertThat(all(beta, s.withNative(Connection.class, c -> Mono.from(c.commitTransaction())
                .thenMany(Flux.from(c.createStatement("SELECT count(*) FROM \"" + schema + "\".tracks").execute())
                        .concatMap(r -> r.map((row, md) -> ((Number) row.get(0)).longValue())))))).containsExactly(0L);
    }

    private String boundOn(TenantDb db, TenantId tenant) {
        return all(tenant, pg(db).query(Statement.of("SELECT current_setting('app.tenant_id', true)"),
                r -> r.get(0, String.class))).get(0);
    }

    private int backendPid(TenantDb db, TenantId tenant) {
        return all(tenant, pg(db).query(Statement.of("SELECT pg_backend_pid()"), r -> r.get(0, Integer.class))).get(0);
    }

    @Test
    void aStreamCancelledMidwayOnAPoolOfOneIsReboundBeforeTheNextTenant() {
        PostgresSession s = pg(single);
        insert(single, alpha, 1);
        insert(single, beta, 1);
        for (int round = 0; round < 5; round++) {
            // cancelled while rows are still coming: the connection goes back with alpha's binding forgotten
            assertThat(all(alpha, s.query(Statement.of("SELECT tenant_id FROM tracks, generate_series(1, 200000)"),
                    r -> r.get(0, String.class)).take(3))).containsOnly("alpha");
            assertThat(tenantsSeen(single, beta)).containsExactly("beta");
            assertThat(all(alpha, s.query(Statement.of("SELECT tenant_id FROM tracks, generate_series(1, 200000)"),
                    r -> r.get(0, String.class)).next().flux())).containsOnly("alpha");
            assertThat(boundOn(single, beta)).isEqualTo("beta");
        }
    }

    @Test
    void anErrorAfterBindingThenAnotherTenantSeesOnlyItsRows() {
        PostgresSession s = pg(single);
        insert(single, alpha, 1);
        insert(single, beta, 1);
        for (int round = 0; round < 5; round++) {
            StepVerifier.create(s.query("SELECT tenant_id, 1/0 FROM tracks").contextWrite(TenantContext.of(alpha)))
                    .expectError().verify(STEP);
            assertThat(tenantsSeen(single, beta)).containsExactly("beta");
            // an error inside an explicit transaction, after the binding and some work
            StepVerifier.create(s.inTransaction(tx -> tx.query(Statement.of("SELECT tenant_id FROM tracks"), r -> r.get(0, String.class))
                            .thenMany(tx.query("SELECT 1/0"))).contextWrite(TenantContext.of(beta)))
                    .expectError().verify(STEP);
            assertThat(tenantsSeen(single, alpha)).containsExactly("alpha");
        }
    }

    @Test
    void userSqlThatChangesTheBindingIsNotTrusted() {
        PostgresSession s = pg(single);
        insert(single, alpha, 1);
        insert(single, beta, 1);
        // the statement itself moves the session to beta: the engine must not keep believing it is alpha's
        assertThat(all(alpha, s.query(Statement.of("SELECT set_config('app.tenant_id', 'beta', false)"),
                r -> r.get(0, String.class)))).containsExactly("beta");
        assertThat(tenantsSeen(single, alpha)).containsExactly("alpha");
        as(alpha, s.execute("SET app.tenant_id = 'beta'"));
        assertThat(tenantsSeen(single, alpha)).containsExactly("alpha");
        as(alpha, s.execute("RESET ALL"));
        assertThat(tenantsSeen(single, alpha)).containsExactly("alpha");
        // withNative may change anything, even at session level
        all(alpha, s.withNative(Connection.class, c -> Mono.from(c.commitTransaction())
                .thenMany(Flux.from(c.createStatement("SELECT set_config('app.tenant_id', 'beta', false)").execute())
                        .concatMap(r -> r.map((row, md) -> row.get(0, String.class))))));
        assertThat(tenantsSeen(single, alpha)).containsExactly("alpha");
    }

    @Test
    void aConnectionWhoseBindingFailedIsDiscarded() {
        insert(single, alpha, 1);
        insert(single, beta, 1);
        int pid = backendPid(single, alpha);
        // the server ends the pooled connection between operations: beta's binding statement fails on it,
        // unless the pool noticed first and opened another connection
        PgIt.exec("SELECT pg_terminate_backend(" + pid + ")");
        List<String> seen = pg(single).query(Statement.of("SELECT tenant_id FROM tracks"), r -> r.get(0, String.class))
                .onErrorResume(TenantDbException.class, e -> Flux.just("failed"))
                .collectList().contextWrite(TenantContext.of(beta)).block(PgIt.WAIT);
        assertThat(seen).isSubsetOf("beta", "failed").isNotEmpty();
        // the next operation runs on a new connection, bound afresh
        assertThat(tenantsSeen(single, beta)).containsExactly("beta");
        assertThat(backendPid(single, beta)).isNotEqualTo(pid);
        assertThat(tenantsSeen(single, alpha)).containsExactly("alpha");
    }

    @Test
    void aConnectionLeftInsideATransactionIsNotReboundButDiscarded() {
        PostgresSession s = pg(single);
        insert(single, alpha, 1);
        insert(single, beta, 1);
        int pid = backendPid(single, alpha);
        // raw BEGIN through execute: the connection goes back to the pool inside a transaction block, where a
        // session-level binding would be undone by a later rollback
        as(alpha, s.execute("BEGIN"));
        StepVerifier.create(s.query("SELECT tenant_id FROM tracks").contextWrite(TenantContext.of(beta)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TransientDataAccessException.class)
                        .hasMessageContaining("left inside a transaction block").hasMessageContaining("inTransaction"))
                .verify(STEP);
        assertThat(tenantsSeen(single, beta)).containsExactly("beta");
        assertThat(backendPid(single, beta)).isNotEqualTo(pid);
        assertThat(tenantsSeen(single, alpha)).containsExactly("alpha");
    }

    @Test
    void injectionAsTenantValueHasNoEffect() {
        insert(db, alpha, 1);
        insert(db, beta, 1);
        assertThatThrownBy(() -> TenantContext.of("alpha' OR '1'='1")).isInstanceOf(InvalidTenantException.class);
        assertThatThrownBy(() -> TenantContext.of("alpha; RESET app.tenant_id")).isInstanceOf(InvalidTenantException.class);
        // a hostile value through the same bind path the engine uses for set_config is only data
        String hostile = "x' OR tenant_id <> '";
        List<Long> n = all(alpha, pg(db).inTransaction(tx -> tx.query(Statement.of(
                        "SELECT set_config('app.tenant_id', $1, true)", hostile))
                .thenMany(tx.query(Statement.of("SELECT count(*) FROM tracks"), r -> r.get(0, Long.class)))));
        assertThat(n).containsExactly(0L);
        assertThat(tenantsSeen(db, alpha)).containsExactly("alpha");
    }

    @Test
    void withCheckRefusesARowForAnotherTenant() {
        StepVerifier.create(pg(db).execute("INSERT INTO tracks (tenant_id, id, name, plays) VALUES ('beta', 9, 'smuggled', 0)")
                        .contextWrite(TenantContext.of(alpha)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                        .hasMessageContaining("row-level security"))
                .verify(STEP);
        insert(db, alpha, 1);
        StepVerifier.create(pg(db).execute("UPDATE tracks SET tenant_id = 'beta'").contextWrite(TenantContext.of(alpha)))
                .expectError(IsolationViolationException.class).verify(STEP);
        assertThat(tenantsSeen(db, beta)).isEmpty();
    }

    @Test
    void theAppRoleCannotTruncate() {
        insert(db, beta, 1);
        StepVerifier.create(pg(db).execute("TRUNCATE tracks").contextWrite(TenantContext.of(alpha)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DataAccessException.class)
                        .hasMessageContaining("permission denied"))
                .verify(STEP);
        assertThat(tenantsSeen(db, beta)).containsExactly("beta");
    }

    @Test
    void aThousandInterleavedOperationsOnTwoConnectionsNeverCrossTenants() {
        TenantId[] tenants = {alpha, beta, TenantId.of("gamma")};
        AtomicInteger ids = new AtomicInteger();
        ConcurrentLinkedQueue<String> crossed = new ConcurrentLinkedQueue<>();
        PostgresSession s = pg(db);
        Flux.range(0, 1000).flatMap(i -> {
            TenantId t = tenants[ThreadLocalRandom.current().nextInt(tenants.length)];
            Flux<String> op;
            switch (i % 7) {
                case 0:
                    op = s.execute("INSERT INTO tracks (id, name, plays) VALUES ($1, $2, 0)", ids.incrementAndGet(), t.value())
                            .thenMany(Flux.empty());
                    break;
                case 1:
                    op = s.inTransaction(tx -> tx.query(Statement.of("SELECT tenant_id FROM tracks"), r -> r.get(0, String.class)));
                    break;
                case 2:
                    op = s.query(Statement.of("SELECT tenant_id FROM tracks"), r -> r.get(0, String.class)).take(3);
                    break;
                case 3:
                    op = s.query(Statement.of("SELECT current_setting('app.tenant_id', true)"), r -> r.get(0, String.class));
                    break;
                case 4:
                    // cancelled mid-stream
                    op = s.query(Statement.of("SELECT tenant_id FROM tracks, generate_series(1, 1000)"), r -> r.get(0, String.class))
                            .take(2);
                    break;
                case 5:
                    // an error after the binding
                    op = s.query(Statement.of("SELECT tenant_id || (1/0)::text FROM tracks"), r -> r.get(0, String.class))
                            .onErrorResume(e -> Flux.empty());
                    break;
                default:
                    op = s.withNative(Connection.class, c -> Flux.from(c.createStatement("SELECT tenant_id FROM tracks").execute())
                            .concatMap(r -> r.map((row, md) -> row.get(0, String.class))));
            }
            return op.filter(seen -> !seen.equals(t.value())).doOnNext(seen -> crossed.add(t + " saw " + seen))
                    .contextWrite(TenantContext.of(t));
        }, 16).blockLast(PgIt.WAIT);
        assertThat(crossed).isEmpty();
        assertThat(PgIt.queryLong("SELECT count(*) FROM \"" + schema + "\".tracks WHERE tenant_id <> name")).isZero();
        assertThat(as(alpha, s.poolMetrics()).allocatedSize()).isLessThanOrEqualTo(2);
    }
}
