package io.tenantdb.postgresql.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the time-series helpers, for both modes. Names are validated plain identifiers and
 * always quoted; everything that can be a bind parameter is one. Pure functions, unit-tested.
 */
public final class TimeSeriesSql {

    /** Partition names end with the start of their range in UTC. */
    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter BOUND = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx").withZone(ZoneOffset.UTC);

    private TimeSeriesSql() {
    }

    /** @param sql SQL text @param binds its values, for $1..$n */
    public record Sql(String sql, List<Object> binds) {
        Sql(String sql, Object... binds) {
            this(sql, List.of(binds));
        }
    }

    /** @return a PostgreSQL interval literal for a bind, e.g. {@code 86400 seconds} */
    public static String interval(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("a time-series interval must be positive, was " + d);
        }
        return d.getSeconds() + " seconds";
    }

    /** @return the schema-qualified, quoted table name */
    public static String qualified(String quotedSchema, String table) {
        return quotedSchema + "." + PgIdentifiers.quoteQualified(table);
    }

    /** @return the statement that tells whether the extension is installed */
    public static Sql extensionPresent() {
        return new Sql("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'");
    }

    /** @return CREATE TABLE IF NOT EXISTS, partitioned by range when {@code native} */
    public static Sql createTable(String quotedSchema, String table, String columnsSql, String timeColumn, boolean nativeMode) {
        String col = PgIdentifiers.quoteQualified(timeColumn);
        return new Sql("CREATE TABLE IF NOT EXISTS " + qualified(quotedSchema, table) + " (" + columnsSql + ")"
                + (nativeMode ? " PARTITION BY RANGE (" + col + ")" : ""));
    }

    // ------------------------------------------------------------------ TimescaleDB

    /** @return create_hypertable with the time column and chunk interval as binds */
    public static Sql createHypertable(String quotedSchema, String table, String timeColumn, Duration chunk) {
        PgIdentifiers.quoteQualified(timeColumn);
        return new Sql("SELECT create_hypertable($1::regclass, $2::name, chunk_time_interval => $3::interval, "
                + "if_not_exists => true)", qualified(quotedSchema, table), timeColumn, interval(chunk));
    }

    /** @return add_retention_policy */
    public static Sql addRetentionPolicy(String quotedSchema, String table, Duration dropAfter) {
        return new Sql("SELECT add_retention_policy($1::regclass, $2::interval, if_not_exists => true)",
                qualified(quotedSchema, table), interval(dropAfter));
    }

    /** @return ALTER TABLE ... SET (timescaledb.compress ...) then add_compression_policy */
    public static List<Sql> compression(String quotedSchema, String table, String segmentBy, Duration after) {
        String set = "ALTER TABLE " + qualified(quotedSchema, table) + " SET (timescaledb.compress"
                + (segmentBy == null ? "" : ", timescaledb.compress_segmentby = '"
                + PgIdentifiers.quoteQualified(segmentBy).replace("'", "''") + "'") + ")";
        return List.of(new Sql(set), new Sql("SELECT add_compression_policy($1::regclass, $2::interval, if_not_exists => true)",
                qualified(quotedSchema, table), interval(after)));
    }

    /** @return CREATE MATERIALIZED VIEW ... WITH (timescaledb.continuous) then its refresh policy */
    public static List<Sql> continuousAggregate(String quotedSchema, String view, String renderedSelect, Duration every) {
        return List.of(new Sql("CREATE MATERIALIZED VIEW IF NOT EXISTS " + qualified(quotedSchema, view)
                        + " WITH (timescaledb.continuous) AS " + renderedSelect + " WITH NO DATA"),
                new Sql("SELECT add_continuous_aggregate_policy($1::regclass, start_offset => NULL, "
                        + "end_offset => $2::interval, schedule_interval => $2::interval, if_not_exists => true)",
                        qualified(quotedSchema, view), interval(every)));
    }

    /** @return refresh of a continuous aggregate (must run outside a transaction) */
    public static Sql refreshContinuousAggregate(String quotedSchema, String view) {
        return new Sql("CALL refresh_continuous_aggregate('" + qualified(quotedSchema, view).replace("'", "''")
                + "', NULL, NULL)");
    }

    // ------------------------------------------------------------------ native partitioning

    /** @return the start of the partition holding {@code t}: ranges are aligned on the epoch */
    public static Instant alignedStart(Instant t, Duration width) {
        long w = width.getSeconds();
        long s = Math.floorDiv(t.getEpochSecond(), w) * w;
        return Instant.ofEpochSecond(s);
    }

    /** @return the partition name for a range starting at {@code start} */
    public static String partitionName(String table, Instant start) {
        String name = table + "_p" + SUFFIX.format(start);
        if (name.length() > PgIdentifiers.MAX_BYTES) {
            throw new IllegalArgumentException("table name '" + table + "' is too long for partition names (max "
                    + (PgIdentifiers.MAX_BYTES - 16) + " characters)");
        }
        return name;
    }

    /** @return CREATE TABLE IF NOT EXISTS ... PARTITION OF ... FOR VALUES FROM .. TO .., for each range */
    public static List<Sql> createPartitions(String quotedSchema, String table, Instant now, Duration width, int ahead) {
        if (ahead < 0) {
            throw new IllegalArgumentException("ahead must be >= 0, was " + ahead);
        }
        if (width.getSeconds() < 60 || width.getSeconds() % 60 != 0 || width.getNano() != 0) {
            // partition names carry the start to the minute: finer ranges would share names
            throw new IllegalArgumentException("a partition interval must be a whole number of minutes, was " + width);
        }
        List<Sql> out = new ArrayList<>();
        Instant start = alignedStart(now, width);
        for (int k = 0; k <= ahead; k++) {
            Instant from = start.plus(width.multipliedBy(k));
            Instant to = from.plus(width);
            // bounds must be literals; they are formatted instants, never user text
            out.add(new Sql("CREATE TABLE IF NOT EXISTS " + qualified(quotedSchema, partitionName(table, from))
                    + " PARTITION OF " + qualified(quotedSchema, table) + " FOR VALUES FROM ('" + BOUND.format(from)
                    + "') TO ('" + BOUND.format(to) + "')"));
        }
        return out;
    }

    /** @return the partitions of a table whose upper bound is at or before {@code now() - retention} */
    public static Sql expiredPartitions(String quotedSchema, String table, Duration retention) {
        return new Sql("SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = to_regclass($1) AND (regexp_match(pg_get_expr(c.relpartbound, c.oid), "
                + "'TO \\(''([^'']+)''\\)'))[1]::timestamptz <= now() - $2::interval ORDER BY 1",
                qualified(quotedSchema, table), interval(retention));
    }

    /** @return the partitions of a table */
    public static Sql partitions(String quotedSchema, String table) {
        return new Sql("SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = to_regclass($1) ORDER BY 1", qualified(quotedSchema, table));
    }

    /** @return DROP TABLE IF EXISTS of one partition */
    public static Sql dropPartition(String quotedSchema, String partition) {
        return new Sql("DROP TABLE IF EXISTS " + qualified(quotedSchema, partition));
    }

    /** @return a native materialized view */
    public static Sql materializedView(String quotedSchema, String view, String renderedSelect) {
        return new Sql("CREATE MATERIALIZED VIEW IF NOT EXISTS " + qualified(quotedSchema, view) + " AS " + renderedSelect);
    }

    /** @return REFRESH MATERIALIZED VIEW */
    public static Sql refreshMaterializedView(String quotedSchema, String view) {
        return new Sql("REFRESH MATERIALIZED VIEW " + qualified(quotedSchema, view));
    }
}
