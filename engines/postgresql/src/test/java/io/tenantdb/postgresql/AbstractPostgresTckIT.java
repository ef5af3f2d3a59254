package io.tenantdb.postgresql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.DataIntegrityException;
import io.tenantdb.core.session.Row;
import io.tenantdb.core.session.Statement;
import io.tenantdb.core.session.TransactionOptions;
import io.tenantdb.testkit.tck.SqlSessionTck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SQL TCK plus PostgreSQL-specific checks, run once per isolation strategy by the subclasses,
 * on the real server. Each class uses its own run id in every database, schema and role name.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractPostgresTckIT implements SqlSessionTck {

    protected final String run = PgIt.unique();
    protected final TenantId alpha = TenantId.of("alpha");
    protected final TenantId beta = TenantId.of("beta");
    protected TenantDb db;

    /** @return the TenantDb for this strategy, tenants not yet provisioned */
    protected abstract TenantDb build();

    /** Creates shared objects before the TenantDb (RLS tables, roles). */
    protected void beforeBuild() {
    }

    /** Removes whatever {@link #beforeBuild()} created. */
    protected void afterClose() {
    }

    @BeforeAll
    void start() {
        beforeBuild();
        db = build();
        PgIt.block(db.provision(alpha));
        PgIt.block(db.provision(beta));
    }

    @AfterAll
    void stop() {
        if (db != null) {
            try {
                PgIt.block(db.deprovision(alpha));
                PgIt.block(db.deprovision(beta));
            } finally {
                PgIt.block(db.closeAsync());
                afterClose();
            }
        }
    }

    @Override
    public TenantDb tenantDb() {
        return db;
    }

    @Override
    public DatabaseType engine() {
        return DatabaseType.POSTGRESQL;
    }

    @Override
    public TenantId tenantA() {
        return alpha;
    }

    @Override
    public TenantId tenantB() {
        return beta;
    }

    /** The DDL of the logical table in a tenant's own schema or database. */
    protected String createTracksSql() {
        return "CREATE TABLE IF NOT EXISTS {schema}.tracks (id bigint PRIMARY KEY, name text, plays bigint)";
    }

    @Override
    public Mono<Void> resetTracks(TenantId tenant) {
        return sql().execute(createTracksSql())
                .then(sql().execute("DELETE FROM {schema}.tracks"))
                .then();
    }

    protected PostgresSession pg() {
        return db.session(DatabaseType.POSTGRESQL, PostgresSession.class);
    }

    // ------------------------------------------------------------------ PostgreSQL specifics

    @Test
    void typedValuesRoundTripInDetachedAndLiveRows() throws Exception {
        JsonNode json = new ObjectMapper().readTree("{\"genre\":\"jazz\",\"bpm\":[120,121]}");
        UUID uuid = UUID.randomUUID();
        byte[] bytes = "cover".getBytes(StandardCharsets.UTF_8);
        OffsetDateTime at = OffsetDateTime.of(2026, 11, 25, 19, 0, 0, 0, ZoneOffset.UTC);
        Statement st = Statement.of("SELECT $1::jsonb AS j, $2::uuid AS u, $3::bytea AS b, $4::numeric AS n, "
                        + "$5::timestamptz AS t, $6::int[] AS a, $7::date AS d, $8::text AS missing",
                json, uuid, bytes, new BigDecimal("12.50"), at, new Integer[]{1, 2, 3}, LocalDate.of(2026, 1, 2))
                .bindNull(7, String.class);
        Row row = all(alpha, pg().query(st)).get(0);
        assertThat(row.get("j")).isEqualTo(json);
        assertThat(row.get("u")).isEqualTo(uuid);
        assertThat((byte[]) row.get("b")).isEqualTo(bytes);
        assertThat(row.get("n", BigDecimal.class)).isEqualByComparingTo("12.50");
        assertThat(row.get("t", OffsetDateTime.class).toInstant()).isEqualTo(at.toInstant());
        assertThat(row.get("t", java.time.Instant.class)).isEqualTo(at.toInstant());
        assertThat((Integer[]) row.get("a")).containsExactly(1, 2, 3);
        assertThat(row.get("d", LocalDate.class)).isEqualTo(LocalDate.of(2026, 1, 2));
        assertThat(row.get("missing")).isNull();
        assertThat(row.columnNames()).containsExactly("j", "u", "b", "n", "t", "a", "d", "missing");

        List<String> live = all(alpha, pg().query(st, r -> r.get("j", JsonNode.class).get("genre").asText()
                + "|" + r.get("u", UUID.class) + "|" + new String(r.get("b", byte[].class), StandardCharsets.UTF_8)
                + "|" + r.get(3, BigDecimal.class).toPlainString()));
        assertThat(live).containsExactly("jazz|" + uuid + "|cover|12.50");
    }

    @Test
    void namedParametersAreBound() {
        Statement st = Statement.of("SELECT :a::int + :b::int AS s, :a::int AS a").bind("a", 2).bind("b", 40);
        assertThat(all(alpha, pg().query(st, r -> r.get("s", Integer.class)))).containsExactly(42);
    }

    @Test
    void duplicateKeyIsADataIntegrityError() {
        insertTracks(alpha, 1, 1, "a");
        StepVerifier.create(pg().execute(Statement.of(insertSql(), 1, "dup", 1L)).contextWrite(TenantContext.of(alpha)))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(DataIntegrityException.class);
                    assertThat(e.getMessage()).contains("alpha").contains("23505");
                })
                .verify(STEP);
    }

    @Test
    void readOnlyTransactionRefusesWritesAndIsolationLevelIsApplied() {
        StepVerifier.create(pg().inTransaction(TransactionOptions.READ_ONLY,
                                tx -> tx.execute(Statement.of(insertSql(), 1, "x", 1L)))
                        .contextWrite(TenantContext.of(alpha)))
                .expectError(DataAccessException.class)
                .verify(STEP);
        TransactionOptions serializable = new TransactionOptions(TransactionOptions.IsolationLevel.SERIALIZABLE, false);
        List<String> level = all(alpha, pg().inTransaction(serializable,
                tx -> tx.query(Statement.of("SHOW transaction_isolation"), r -> r.get(0, String.class))));
        assertThat(level).containsExactly("serializable");
        assertThat(count(alpha)).isZero();
    }

    @Test
    void cancelInsideATransactionRollsBack() {
        List<Long> first = all(alpha, pg().inTransaction(tx -> tx.execute(Statement.of(insertSql(), 1, "gone", 1L))
                        .thenMany(tx.query(Statement.of(seriesSql(100_000)), r -> r.get(0, Long.class))))
                .take(1));
        assertThat(first).hasSize(1);
        assertThat(count(alpha)).isZero();
    }

    @Test
    void insertReturningTakenWithNextIsCommitted() {
        List<Long> ids = all(alpha, pg().query(Statement.of("INSERT INTO " + tracks() + " (id, name, plays) VALUES "
                + "($1, 'r', 1), ($2, 'r', 2) RETURNING id", 10, 11), r -> r.get("id", Long.class)).take(1));
        assertThat(ids).hasSize(1);
        // the cancel completes the operation's transaction after take(1) has returned: wait for it
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
        while (count(alpha) != 2 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
        }
        assertThat(count(alpha)).isEqualTo(2);
    }

    @Test
    void batchRunsInOneTransaction() {
        List<Long> counts = all(alpha, pg().batch(List.of(Statement.of(insertSql(), 1, "a", 1L),
                Statement.of(insertSql(), 2, "b", 2L), Statement.of("UPDATE " + tracks() + " SET plays = plays + 1"))));
        assertThat(counts).containsExactly(1L, 1L, 2L);
        StepVerifier.create(pg().batch(List.of(Statement.of(insertSql(), 3, "c", 3L), Statement.of(insertSql(), 1, "dup", 1L)))
                        .contextWrite(TenantContext.of(alpha)))
                .expectNext(1L)
                .expectError(DataIntegrityException.class)
                .verify(STEP);
        assertThat(names(alpha)).containsExactly("a", "b");
    }

    @Test
    void nativeConnectionIsTenantScoped() {
        insertTracks(alpha, 1, 3, "a");
        insertTracks(beta, 1, 1, "b");
        // the native connection takes plain SQL: no {schema} rendering, the tenant is bound on it
        List<Long> n = all(beta, pg().withNative(Connection.class, c -> Flux.from(c.createStatement("SELECT count(*) FROM tracks").execute())
                .concatMap(r -> r.map((row, md) -> ((Number) row.get(0)).longValue()))));
        assertThat(n).containsExactly(1L);
    }

    @Test
    void cancelAfterTenRowsOfALargeStreamReturnsTheConnectionToThePool() {
        List<Long> ten = all(alpha, pg().query(Statement.of(seriesSql(1_000_000)), r -> r.get(0, Long.class)).take(10));
        assertThat(ten).hasSize(10);
        Mono<Integer> acquired = pg().poolMetrics().map(m -> m.acquiredSize()).contextWrite(TenantContext.of(alpha));
        StepVerifier.create(Flux.interval(Duration.ofMillis(50)).onBackpressureDrop().concatMap(i -> acquired).filter(a -> a == 0).next())
                .expectNext(0)
                .verifyComplete();
        assertThat(as(alpha, pg().poolMetrics()).idleSize()).isGreaterThanOrEqualTo(1);
    }
}
