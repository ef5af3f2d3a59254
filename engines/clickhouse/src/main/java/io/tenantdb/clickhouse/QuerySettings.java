package io.tenantdb.clickhouse;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Per-query ClickHouse settings, immutable: {@code max_execution_time}, {@code query_id} and any
 * other server setting by name. The database is not a setting here: tenantdb chooses it from the
 * tenant's isolation strategy.
 *
 * <pre>{@code
 * session.withSettings(QuerySettings.NONE.maxExecutionTime(Duration.ofSeconds(5)).queryId("report-42"))
 *        .query("SELECT ...")
 * }</pre>
 */
public final class QuerySettings {

    /** No settings: the server's defaults, a generated query id. */
    public static final QuerySettings NONE = new QuerySettings(null, null, Map.of());

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,99}");
    private static final Pattern QUERY_ID = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");
    /** Settings tenantdb owns: the database (isolation), the format (decoding), access and credentials. */
    private static final Set<String> RESERVED = Set.of("database", "query_id", "max_execution_time", "default_format",
            "output_format_json_quote_64bit_integers", "readonly", "user", "password", "query", "session_id",
            "session_timeout", "session_check", "compress", "decompress", "buffer_size", "wait_end_of_query", "profile",
            "quota_key");

    private final Duration maxExecutionTime;
    private final String queryId;
    private final Map<String, String> settings;

    private QuerySettings(Duration maxExecutionTime, String queryId, Map<String, String> settings) {
        this.maxExecutionTime = maxExecutionTime;
        this.queryId = queryId;
        this.settings = settings;
    }

    /**
     * @param limit the server stops the query after this long (whole seconds, rounded up) with
     *              {@link io.tenantdb.core.exception.OperationTimeoutException}
     * @return new settings
     */
    public QuerySettings maxExecutionTime(Duration limit) {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("maxExecutionTime must be > 0, was " + limit);
        }
        return new QuerySettings(limit, queryId, settings);
    }

    /**
     * @param id the query id the server shows in {@code system.processes} (letters, digits,
     *           {@code _ . : -}, at most 100); by default each query gets a random UUID. Use a
     *           fresh id per query: the server refuses a second running query with the same id.
     * @return new settings
     */
    public QuerySettings queryId(String id) {
        if (id == null || !QUERY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("queryId must be 1..100 of A-Z a-z 0-9 _ . : -");
        }
        return new QuerySettings(maxExecutionTime, id, settings);
    }

    /**
     * @param name  a ClickHouse setting, e.g. {@code max_threads}
     * @param value its value
     * @return new settings
     * @throws IllegalArgumentException for a malformed name or one tenantdb owns ({@code database},
     *     {@code readonly}, {@code default_format}, ...)
     */
    public QuerySettings setting(String name, String value) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("setting name must be lower-case letters, digits and '_', was " + name);
        }
        if (RESERVED.contains(name) || name.startsWith("param_")) {
            throw new IllegalArgumentException("setting " + name + " is set by tenantdb"
                    + (name.equals("max_execution_time") || name.equals("query_id") ? ": use " + (name.equals("query_id")
                    ? "queryId(..)" : "maxExecutionTime(..)") : ""));
        }
        Objects.requireNonNull(value, "value");
        Map<String, String> copy = new LinkedHashMap<>(settings);
        copy.put(name, value);
        return new QuerySettings(maxExecutionTime, queryId, Collections.unmodifiableMap(copy));
    }

    /** @return the execution limit, or {@code null} for the server's */
    public Duration maxExecutionTime() {
        return maxExecutionTime;
    }

    /** @return the query id, or {@code null} for a generated one */
    public String queryId() {
        return queryId;
    }

    /** @return the other settings, by name */
    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public String toString() {
        return "QuerySettings{maxExecutionTime=" + maxExecutionTime + ", queryId=" + queryId + ", settings=" + settings.keySet() + "}";
    }
}
