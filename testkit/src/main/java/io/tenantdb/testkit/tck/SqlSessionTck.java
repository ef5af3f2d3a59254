package io.tenantdb.testkit.tck;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.MissingTenantException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.session.Row;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.core.session.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static io.tenantdb.testkit.tck.TckSupport.asLong;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link SqlSession} engine and isolation strategy passes: round trips, streaming
 * with back-pressure, cancel releasing the connection, error mapping, transactions, and the
 * cross-tenant contract (what tenant A writes, tenant B can neither read, count, update nor delete).
 *
 * <p>An engine's IT implements this interface once per isolation strategy, supplying a
 * {@link TenantDb} on which {@link #tenantA()} and {@link #tenantB()} are provisioned with that
 * strategy, and the dialect hooks. The logical table is {@code tracks(id, name, plays)} with
 * integer {@code id}, text {@code name} and integer {@code plays}.
 */
public interface SqlSessionTck {

    /** @return a running, provisioned TenantDb */
    TenantDb tenantDb();

    /** @return the engine under test */
    DatabaseType engine();

    /** @return the first tenant, provisioned */
    TenantId tenantA();

    /** @return the second tenant, provisioned */
    TenantId tenantB();

    /**
     * Creates (when needed) and empties the logical tracks table for a tenant. For a shared
     * (row-level) strategy, empties only that tenant's rows.
     *
     * @param tenant the tenant
     * @return completes when the table exists and is empty for the tenant
     */
    Mono<Void> resetTracks(TenantId tenant);

    /** @return how SQL names the logical tracks table (e.g. {@code tracks} or {@code {schema}.tracks}) */
    default String tracks() {
        return "tracks";
    }

    /** @return an insert of (id, name, plays) with binds $1, $2, $3 */
    default String insertSql() {
        return "INSERT INTO " + tracks() + " (id, name, plays) VALUES ($1, $2, $3)";
    }

    /** @return a select of every row of the tenant, ordered by id */
    default String selectAllSql() {
        return "SELECT id, name, plays FROM " + tracks() + " ORDER BY id";
    }

    /** @return a select of one row by id ($1) */
    default String selectByIdSql() {
        return "SELECT id, name, plays FROM " + tracks() + " WHERE id = $1";
    }

    /** @return a count of the tenant's rows, one column */
    default String countSql() {
        return "SELECT count(*) AS n FROM " + tracks();
    }

    /** @return an update of name ($1) by id ($2), or {@code null} when the engine has no row updates */
    default String updateSql() {
        return "UPDATE " + tracks() + " SET name = $1 WHERE id = $2";
    }

    /** @return a delete by id ($1), or {@code null} when the engine has no row deletes */
    default String deleteSql() {
        return "DELETE FROM " + tracks() + " WHERE id = $1";
    }

    /**
     * @param rows how many rows
     * @return a query returning that many rows (column {@code n}) without needing a table
     */
    default String seriesSql(int rows) {
        return "SELECT n FROM generate_series(1, " + rows + ") AS n";
    }

    /** @return whether {@link SqlSession#inTransaction} is supported */
    default boolean supportsTransactions() {
        return true;
    }

    /** @return more than the engine's pool size: operations run after cancels to prove release */
    default int moreThanPoolSize() {
        return 12;
    }

    /** @return the session under test */
    default SqlSession sql() {
        return tenantDb().sql(engine());
    }

    /** Empties the table for both tenants before each test. */
    @BeforeEach
    default void resetBothTenants() {
        as(tenantA(), resetTracks(tenantA()));
        as(tenantB(), resetTracks(tenantB()));
    }

    /**
     * Inserts rows for a tenant.
     *
     * @param tenant the tenant
     * @param from   first id
     * @param to     last id, inclusive
     * @param name   name prefix
     */
    default void insertTracks(TenantId tenant, int from, int to, String name) {
        Flux<Long> inserts = Flux.range(from, to - from + 1)
                .concatMap(i -> sql().execute(Statement.of(insertSql(), i, name + i, (long) i * 10)));
        all(tenant, inserts);
    }

    /**
     * @param tenant the tenant
     * @return the tenant's names, by id
     */
    default List<String> names(TenantId tenant) {
        return all(tenant, sql().query(Statement.of(selectAllSql()), row -> row.get("name", String.class)));
    }

    /** @param tenant the tenant @return its row count */
    default long count(TenantId tenant) {
        return as(tenant, sql().query(Statement.of(countSql()), row -> asLong(row.get(0))).single());
    }

    @Test
    default void tck_writesAndReadsBackTypedRows() {
        insertTracks(tenantA(), 1, 3, "a");
        List<Row> rows = all(tenantA(), sql().query(selectAllSql()));
        assertThat(rows).hasSize(3);
        assertThat(rows.stream().map(r -> asLong(r.get("id"))).collect(Collectors.toList())).containsExactly(1L, 2L, 3L);
        assertThat(rows.get(1).get("name", String.class)).isEqualTo("a2");
        assertThat(asLong(rows.get(2).get("plays"))).isEqualTo(30L);
        assertThat(rows.get(0).toMap()).containsKeys("id", "name", "plays");

        List<String> one = all(tenantA(), sql().query(Statement.of(selectByIdSql(), 2), r -> r.get("name", String.class)));
        assertThat(one).containsExactly("a2");
    }

    @Test
    default void tck_tenantBCannotReadOrCountTenantARows() {
        insertTracks(tenantA(), 1, 5, "secret_a");
        assertThat(names(tenantB())).isEmpty();
        assertThat(count(tenantB())).isZero();
        assertThat(all(tenantB(), sql().query(Statement.of(selectByIdSql(), 1)))).isEmpty();
        assertThat(count(tenantA())).isEqualTo(5);
    }

    @Test
    default void tck_sameIdsInTwoTenantsStayApart() {
        insertTracks(tenantA(), 1, 3, "a");
        insertTracks(tenantB(), 1, 3, "b");
        assertThat(names(tenantA())).containsExactly("a1", "a2", "a3");
        assertThat(names(tenantB())).containsExactly("b1", "b2", "b3");
    }

    @Test
    default void tck_tenantBCannotUpdateOrDeleteTenantARows() {
        insertTracks(tenantA(), 1, 3, "a");
        if (updateSql() != null) {
            Long updated = as(tenantB(), sql().execute(Statement.of(updateSql(), "hijacked", 1)));
            assertThat(updated).isZero();
        }
        if (deleteSql() != null) {
            Long deleted = as(tenantB(), sql().execute(Statement.of(deleteSql(), 2)));
            assertThat(deleted).isZero();
        }
        assertThat(names(tenantA())).containsExactly("a1", "a2", "a3");
    }

    @Test
    default void tck_updatesAndDeletesOwnRows() {
        if (updateSql() == null || deleteSql() == null) {
            return;
        }
        insertTracks(tenantA(), 1, 3, "a");
        assertThat(as(tenantA(), sql().execute(Statement.of(updateSql(), "renamed", 1)))).isEqualTo(1L);
        assertThat(as(tenantA(), sql().execute(Statement.of(deleteSql(), 3)))).isEqualTo(1L);
        assertThat(names(tenantA())).containsExactly("renamed", "a2");
    }

    @Test
    default void tck_withoutTenantFailsClosed() {
        StepVerifier.create(sql().query(selectAllSql()))
                .expectError(MissingTenantException.class)
                .verify(STEP);
        StepVerifier.create(sql().execute(Statement.of(insertSql(), 1, "x", 1L)))
                .expectError(MissingTenantException.class)
                .verify(STEP);
    }

    @Test
    default void tck_streamsWithBackPressure() {
        AtomicInteger emitted = new AtomicInteger();
        StepVerifier.create(sql().query(Statement.of(seriesSql(100_000)), row -> asLong(row.get("n")))
                        .doOnNext(x -> emitted.incrementAndGet())
                        .contextWrite(TenantContext.of(tenantA())), 0)
                .thenRequest(5)
                .expectNext(1L, 2L, 3L, 4L, 5L)
                .thenRequest(3)
                .expectNext(6L, 7L, 8L)
                .thenCancel()
                .verify(STEP);
        assertThat(emitted.get()).isEqualTo(8);
    }

    @Test
    default void tck_cancelReleasesTheConnection() {
        for (int i = 0; i < moreThanPoolSize(); i++) {
            List<Long> first = all(tenantA(), sql().query(Statement.of(seriesSql(50_000)), row -> asLong(row.get("n"))).take(3));
            assertThat(first).containsExactly(1L, 2L, 3L);
        }
        // Had any cancelled query kept its connection, the pool would be exhausted by now.
        insertTracks(tenantA(), 1, 1, "after_cancel");
        assertThat(names(tenantA())).containsExactly("after_cancel1");
    }

    @Test
    default void tck_badSqlIsANonTransientErrorNamingTheTenant() {
        StepVerifier.create(sql().query("SELEC nonsense FROM nowhere_at_all").contextWrite(TenantContext.of(tenantA())))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TenantDbException.class);
                    assertThat(((TenantDbException) e).isTransient()).isFalse();
                    assertThat(e.getMessage()).contains(tenantA().value());
                })
                .verify(STEP);
        // The session still works afterwards.
        insertTracks(tenantA(), 7, 7, "ok");
        assertThat(names(tenantA())).containsExactly("ok7");
    }

    @Test
    default void tck_bindValuesAreNeverSql() {
        String attack = "x'); DELETE FROM tracks; --";
        insertTracks(tenantB(), 1, 2, "b");
        as(tenantA(), sql().execute(Statement.of(insertSql(), 1, attack, 1L)));
        assertThat(names(tenantA())).containsExactly(attack);
        assertThat(names(tenantB())).containsExactly("b1", "b2");
    }

    @Test
    default void tck_transactionCommitsOnCompleteAndRollsBackOnError() {
        if (!supportsTransactions()) {
            return;
        }
        all(tenantA(), sql().inTransaction(tx -> tx.execute(Statement.of(insertSql(), 1, "committed", 1L))));
        StepVerifier.create(sql().inTransaction(tx -> tx.execute(Statement.of(insertSql(), 2, "rolled_back", 2L))
                                .then(Mono.error(new IllegalStateException("boom"))))
                        .contextWrite(TenantContext.of(tenantA())))
                .expectErrorMessage("boom")
                .verify(STEP);
        assertThat(names(tenantA())).containsExactly("committed");
    }

    @Test
    default void tck_interleavedTenantsNeverSeeEachOther() {
        Flux<Long> writes = Flux.range(1, 100).flatMap(i -> {
            TenantId t = i % 2 == 0 ? tenantA() : tenantB();
            return sql().execute(Statement.of(insertSql(), i, t.value(), (long) i)).contextWrite(TenantContext.of(t));
        }, 8);
        writes.blockLast(STEP);
        Flux<String> reads = Flux.range(1, 100).flatMap(i -> {
            TenantId t = i % 2 == 0 ? tenantA() : tenantB();
            return sql().query(Statement.of(selectAllSql()), r -> r.get("name", String.class))
                    .filter(name -> !name.equals(t.value()))
                    .contextWrite(TenantContext.of(t));
        }, 8);
        assertThat(reads.collectList().block(STEP)).as("rows of the other tenant").isEmpty();
        assertThat(count(tenantA())).isEqualTo(50);
        assertThat(count(tenantB())).isEqualTo(50);
    }
}
