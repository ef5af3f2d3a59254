package io.tenantdb.clickhouse;

import io.tenantdb.core.session.SqlSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * The ClickHouse {@link SqlSession}, with what ClickHouse adds: streamed bulk inserts, per-query
 * settings and tenant-scoped table management.
 *
 * <p><b>Tables.</b> Write a logical table as {@code {table:name}}; tenantdb renders it for the
 * tenant's isolation strategy (see the package documentation). Under
 * {@code DATABASE_PER_TENANT} unqualified names work as well. Binds are {@code $1..$n} or
 * {@code :name}; ClickHouse 18.16 has no server-side parameters, so values are rendered as
 * escaped literals by tenantdb, never concatenated by the caller. A colon directly followed by a
 * letter is a named bind: write the ternary as {@code a ? b : c} and casts as {@code CAST(x AS T)}.
 *
 * <p><b>Row counts.</b> ClickHouse 18.16 reports no affected-row counts over HTTP: {@code execute}
 * returns the number of {@code VALUES} tuples of an {@code INSERT ... VALUES} and 0 for anything
 * else ({@code ALTER ... DELETE/UPDATE} are asynchronous mutations on ClickHouse).
 *
 * <p><b>No transactions.</b> {@code inTransaction} fails with
 * {@link io.tenantdb.core.exception.UnsupportedFeatureException}; {@code batch} runs its
 * statements one after the other, each on its own.
 *
 * <p>Obtain it with {@code tenantDb.session(DatabaseType.CLICKHOUSE, ClickHouseSession.class)}.
 *
 * @apiNote nothing happens until a returned publisher is subscribed.
 */
public interface ClickHouseSession extends SqlSession {

    /** Rows per HTTP request of {@link #insert(String, Flux)}. */
    int DEFAULT_INSERT_BATCH = 100_000;

    /**
     * @param settings settings for every statement of the returned session
     * @return a session applying them (this one is unchanged)
     */
    ClickHouseSession withSettings(QuerySettings settings);

    /**
     * Streams rows into a table as {@code JSONEachRow}, {@value #DEFAULT_INSERT_BATCH} rows per
     * request, requesting rows from {@code rows} only as fast as the server takes them. Under
     * {@code ROW_LEVEL_SECURITY} each row is stamped with the tenant ({@code tenant_id}); a row that
     * carries another tenant's id fails the insert with
     * {@link io.tenantdb.core.exception.IsolationViolationException}.
     *
     * <p>Values: strings, numbers, booleans (as 0/1), {@code LocalDate}, {@code LocalDateTime}
     * (whole seconds), {@code Instant}, {@code UUID}, lists, {@code null} for Nullable columns.
     * Batches already sent stay inserted when a later one fails, and a failed or cancelled batch may
     * be partly inserted (ClickHouse has no transactions; cancelling also sends {@code KILL QUERY}).
     *
     * @param table the logical table name
     * @param rows  the rows, column name to value
     * @return the number of rows inserted
     */
    default Mono<Long> insert(String table, Flux<? extends Map<String, ?>> rows) {
        return insert(table, rows, DEFAULT_INSERT_BATCH);
    }

    /**
     * As {@link #insert(String, Flux)} with a batch size.
     *
     * @param table     the logical table name
     * @param rows      the rows
     * @param batchSize rows per HTTP request, &gt;= 1
     * @return the number of rows inserted
     */
    Mono<Long> insert(String table, Flux<? extends Map<String, ?>> rows, int batchSize);

    /**
     * Creates the tenant's table when it does not exist. {@code definition} is what follows the
     * table name in {@code CREATE TABLE}, e.g. {@code (id UInt64, name String) ENGINE = MergeTree
     * ORDER BY id}. Under {@code ROW_LEVEL_SECURITY} the table is the shared one and tenantdb adds
     * the {@code tenant_id String} column first (put it first in {@code ORDER BY} too).
     *
     * @param table      the logical table name
     * @param definition columns and engine
     * @return completes when the table exists
     */
    Mono<Void> createTable(String table, String definition);

    /**
     * Removes every row of the tenant from a table: {@code TRUNCATE} of its own table, or under
     * {@code ROW_LEVEL_SECURITY} a delete mutation of its rows, awaited until done.
     *
     * @param table the logical table name
     * @return completes when the rows are gone
     */
    Mono<Void> truncate(String table);

    /**
     * Drops the tenant's table when it exists. Not available under {@code ROW_LEVEL_SECURITY},
     * where tables are shared.
     *
     * @param table the logical table name
     * @return completes when the table is gone
     */
    Mono<Void> dropTable(String table);

    /** @return the version of the server that answers, e.g. {@code 18.16.1} */
    Mono<String> serverVersion();
}
