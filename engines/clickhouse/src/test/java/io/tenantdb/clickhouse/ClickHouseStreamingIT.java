package io.tenantdb.clickhouse;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.session.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.tenantdb.core.session.Row;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.UUID;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Bulk inserts from a Flux, reads held back by a slow subscriber, and cancel stopping the server-side query. */
class ClickHouseStreamingIT {

    static final TenantId T = TenantId.of("chst_a");
    static TenantDb db;
    static ClickHouseSession session;

    @BeforeAll
    static void start() {
        db = ClickHouseIts.tenantDb(IsolationStrategy.DATABASE_PER_TENANT, "default");
        ClickHouseIts.provision(db, T);
        session = ClickHouseIts.session(db);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.deprovision(T).block(Duration.ofSeconds(60));
            db.close();
        }
    }

    private static boolean running(String queryId) {
        return !ClickHouseIts.admin("SELECT 1 FROM system.processes WHERE query_id = '" + queryId + "'").isEmpty();
    }

    private static void awaitGone(String queryId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (running(queryId) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(running(queryId)).as("query %s still in system.processes", queryId).isFalse();
    }

    private static void awaitRunning(String queryId) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!running(queryId) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(running(queryId)).as("query %s never showed up in system.processes", queryId).isTrue();
    }

    @Test
    void millionRowsGoInFromAFluxOnDemandAndStreamBackToASlowSubscriber() {
        session.dropTable("big").then(session.createTable("big", "(id UInt64, name String) ENGINE = MergeTree ORDER BY id"))
                .contextWrite(TenantContext.of(T)).block(Duration.ofSeconds(30));
        int rows = 1_000_000;
        AtomicBoolean unbounded = new AtomicBoolean();
        AtomicLong generated = new AtomicLong();
        Flux<Map<String, Object>> source = Flux.range(0, rows)
                .doOnRequest(n -> unbounded.compareAndSet(false, n == Long.MAX_VALUE))
                .map(i -> {
                    generated.incrementAndGet();
                    return Map.<String, Object>of("id", i, "name", "track-" + i);
                });
        Long inserted = session.insert("big", source, 250_000).contextWrite(TenantContext.of(T)).block(Duration.ofMinutes(3));
        assertThat(inserted).isEqualTo(rows);
        assertThat(unbounded).as("the insert asked the source for everything at once").isFalse();
        assertThat(ClickHouseIts.admin("SELECT count() FROM tdbit_chst_a.big")).containsExactly(Integer.toString(rows));

        // Read it all back through a consumer that keeps pausing; nothing is collected.
        AtomicLong count = new AtomicLong();
        AtomicLong sum = new AtomicLong();
        AtomicLong outOfOrder = new AtomicLong();
        session.query(Statement.of("SELECT id, name FROM {table:big} ORDER BY id"), row -> row.get("id", Long.class))
                .limitRate(512)
                .publishOn(Schedulers.boundedElastic(), 256)
                .doOnNext(id -> {
                    if (id != count.getAndIncrement()) {
                        outOfOrder.incrementAndGet();
                    }
                    sum.addAndGet(id);
                    if (id % 100_000 == 0) {
                        sleep(100);
                    }
                })
                .contextWrite(TenantContext.of(T))
                .blockLast(Duration.ofMinutes(3));
        assertThat(count.get()).isEqualTo(rows);
        assertThat(outOfOrder.get()).isZero();
        assertThat(sum.get()).isEqualTo((long) rows * (rows - 1) / 2);
    }

    @Test
    void typedValuesRoundTripThroughInsertAndBinds() {
        session.dropTable("typed").then(session.createTable("typed", "(id UInt64, d Date, t DateTime, u UUID, tags Array(String), "
                        + "flag UInt8, price Decimal(10, 2), note Nullable(String), big UInt64) ENGINE = MergeTree ORDER BY id"))
                .contextWrite(TenantContext.of(T)).block(Duration.ofSeconds(30));
        UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        LocalDateTime at = LocalDateTime.of(2024, 2, 29, 23, 59, 58);
        Map<String, Object> row = new HashMap<>();
        row.put("id", 1);
        row.put("d", LocalDate.of(2024, 2, 29));
        row.put("t", at);
        row.put("u", uuid);
        row.put("tags", List.of("it's", "a\\b"));
        row.put("flag", true);
        row.put("price", new BigDecimal("12.34"));
        row.put("note", null);
        row.put("big", new BigInteger("18446744073709551615"));
        session.insert("typed", Flux.just(row)).contextWrite(TenantContext.of(T)).block(Duration.ofSeconds(30));

        Row back = session.query(Statement.of("SELECT * FROM {table:typed} WHERE d = $1 AND t = $2 AND u = $3 AND has(tags, $4) "
                                + "AND flag = $5 AND price = $6 AND isNull(note) AND big = $7",
                        LocalDate.of(2024, 2, 29), at, uuid, "it's", true, new BigDecimal("12.34"), new BigInteger("18446744073709551615")))
                .contextWrite(TenantContext.of(T)).single().block(Duration.ofSeconds(30));
        assertThat(back.get("d", LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
        assertThat(back.get("t", LocalDateTime.class)).isEqualTo(at);
        assertThat(back.get("u", UUID.class)).isEqualTo(uuid);
        assertThat(back.get("tags")).isEqualTo(List.of("it's", "a\\b"));
        assertThat(back.get("flag", Boolean.class)).isTrue();
        assertThat(back.get("price", BigDecimal.class)).isEqualByComparingTo("12.34");
        assertThat(back.get("note")).isNull();
        assertThat(back.get("big", BigInteger.class)).isEqualTo(new BigInteger("18446744073709551615"));
    }

    @Test
    void emptyAndRefusedInserts() {
        session.createTable("small", "(id UInt64) ENGINE = MergeTree ORDER BY id").contextWrite(TenantContext.of(T))
                .block(Duration.ofSeconds(30));
        assertThat(session.insert("small", Flux.<Map<String, Object>>empty()).contextWrite(TenantContext.of(T))
                .block(Duration.ofSeconds(30))).isZero();
        StepVerifier.create(session.insert("small", Flux.just(Map.of("id", 1, "no_such_column", 2))).contextWrite(TenantContext.of(T)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TenantDbException.class).hasMessageContaining("chst_a")
                        .hasMessageContaining("no_such_column"))
                .verify(Duration.ofSeconds(30));
        StepVerifier.create(session.insert("small", Flux.just(Map.of("id", new Object()))).contextWrite(TenantContext.of(T)))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("cannot insert a java.lang.Object"))
                .verify(Duration.ofSeconds(30));
    }

    @Test
    void aSubscriberThatStopsAskingHoldsTheServerBack() throws Exception {
        // ~1.9 GB of JSON: buffered by the client it would not fit this 1 GB test JVM.
        String queryId = "tenantdb-it-held-" + System.nanoTime();
        ClickHouseSession limited = session.withSettings(QuerySettings.NONE.queryId(queryId));
        StepVerifier.create(limited.query(Statement.of("SELECT number FROM numbers(100000000)"), r -> r.get(0, Long.class))
                        .contextWrite(TenantContext.of(T)), 0)
                .thenRequest(10)
                .expectNext(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L)
                .thenAwait(Duration.ofSeconds(3))
                .then(() -> assertThat(running(queryId)).as("server still waiting for the client to read").isTrue())
                .thenRequest(2)
                .expectNext(10L, 11L)
                .thenCancel()
                .verify(Duration.ofSeconds(60));
        awaitGone(queryId);
    }

    @Test
    void cancellingStopsTheServerSideQuery() throws Exception {
        // An aggregation writes nothing until it ends, so only KILL QUERY can stop it early.
        String queryId = "tenantdb-it-cancel-" + System.nanoTime();
        ClickHouseSession s = session.withSettings(QuerySettings.NONE.queryId(queryId));
        Disposable subscription = s.query("SELECT count() FROM numbers(100000000000)")
                .contextWrite(TenantContext.of(T))
                .subscribe();
        awaitRunning(queryId);
        subscription.dispose();
        awaitGone(queryId);
        // the session is usable afterwards
        assertThat(s.withSettings(QuerySettings.NONE).query("SELECT 1 AS one").map(r -> r.get("one", Integer.class))
                .contextWrite(TenantContext.of(T)).collectList().block(Duration.ofSeconds(10))).isEqualTo(List.of(1));
    }

    @Test
    void maxExecutionTimeEndsWithOperationTimeout() {
        StepVerifier.create(session.withSettings(QuerySettings.NONE.maxExecutionTime(Duration.ofSeconds(1)))
                        .query("SELECT count() FROM numbers(100000000000)")
                        .contextWrite(TenantContext.of(T)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(OperationTimeoutException.class)
                        .hasMessageContaining("chst_a").hasMessageContaining("clickhouse").hasMessageContaining("159"))
                .verify(Duration.ofSeconds(30));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
