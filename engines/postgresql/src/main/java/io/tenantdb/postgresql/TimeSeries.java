package io.tenantdb.postgresql;

import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * Time-series helpers for the current tenant's tables. With the {@code timescaledb} extension in
 * the tenant's database they create hypertables, continuous aggregates, compression and retention
 * policies. Without it they fall back to native declarative range partitioning by time: tables are
 * {@code PARTITION BY RANGE (time column)}, {@link #maintain(String, String, Duration, int)} creates
 * the upcoming partitions, {@link #applyRetention(String, Duration)} drops partitions wholly older
 * than the retention, aggregates are plain materialized views refreshed by
 * {@link #refreshAggregate(String)}, and compression is not available. The engine logs which mode
 * it uses and reports it in {@code health()}.
 *
 * <p>Table names are plain identifiers (letters, digits, {@code _}); the engine puts them in the
 * tenant's schema. For {@code row_level_security} tenants the tables are the shared ones.
 *
 * @apiNote nothing happens until subscription; every method needs a tenant in the context.
 */
public interface TimeSeries {

    /** How time series are stored for a tenant. */
    enum Mode {
        /** The {@code timescaledb} extension is present: hypertables and policies. */
        TIMESCALEDB,
        /** The extension is absent: native range partitioning, maintained by tenantdb. */
        NATIVE_PARTITIONING
    }

    /** @return the mode used for the current tenant's database */
    Mono<Mode> mode();

    /**
     * Creates a time-partitioned table if it does not exist.
     *
     * @param table      the table name
     * @param columnsSql the column definitions, e.g. {@code "ts timestamptz NOT NULL, value double precision"}
     * @param timeColumn the {@code timestamptz} column to partition by
     * @param interval   the chunk / partition width
     * @return the mode used
     */
    Mono<Mode> createTable(String table, String columnsSql, String timeColumn, Duration interval);

    /**
     * {@link #createTable(String, String, String, Duration)} with the interval of the tenant's
     * {@code timescaledb.chunk_interval} setting (default 7 days).
     *
     * @param table      the table name
     * @param columnsSql the column definitions
     * @param timeColumn the {@code timestamptz} column to partition by
     * @return the mode used
     */
    Mono<Mode> createTable(String table, String columnsSql, String timeColumn);

    /**
     * {@link #applyRetention(String, Duration)} with the tenant's {@code timescaledb.retention}
     * setting.
     *
     * @param table the table
     * @return the number of partitions dropped
     * @throws io.tenantdb.core.exception.ConfigException (as an error signal) when no retention is configured
     */
    Mono<Integer> applyRetention(String table);

    /**
     * Native mode: creates partitions from the one holding now up to {@code ahead} intervals
     * later (idempotent). TimescaleDB mode: nothing to do (chunks are created on insert).
     *
     * @param table      the table
     * @param timeColumn its time column (for the partition bounds)
     * @param interval   the partition width
     * @param ahead      how many future partitions to keep ready, &gt;= 0
     * @return the number of partitions created
     */
    Mono<Integer> maintain(String table, String timeColumn, Duration interval, int ahead);

    /**
     * TimescaleDB: adds a retention policy dropping chunks older than {@code dropAfter}. Native:
     * drops now every partition whose upper bound is older than {@code now() - dropAfter}; run it
     * periodically.
     *
     * @param table     the table
     * @param dropAfter the retention
     * @return the number of partitions dropped (0 in TimescaleDB mode, where a policy is added)
     */
    Mono<Integer> applyRetention(String table, Duration dropAfter);

    /**
     * TimescaleDB: enables compression and adds a policy compressing chunks older than
     * {@code after}. Native: not available.
     *
     * @param table     the table
     * @param segmentBy the column to segment compressed data by, or {@code null}
     * @param after     compress chunks older than this
     * @return {@code true} when a policy was added, {@code false} in native mode
     */
    Mono<Boolean> enableCompression(String table, String segmentBy, Duration after);

    /**
     * Creates an aggregate view if it does not exist: a continuous aggregate refreshed every
     * {@code refreshEvery} (TimescaleDB), or a materialized view (native).
     *
     * @param view         the view name
     * @param selectSql    the aggregating query; name tables as {@code {schema}.table}; for
     *                     TimescaleDB it must group by {@code time_bucket(...)}
     * @param refreshEvery refresh schedule (TimescaleDB)
     * @return the mode used
     */
    Mono<Mode> createAggregate(String view, String selectSql, Duration refreshEvery);

    /**
     * Refreshes an aggregate now.
     *
     * @param view the view
     * @return completes when refreshed
     */
    Mono<Void> refreshAggregate(String view);
}
