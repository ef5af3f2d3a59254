package io.tenantdb.core;

import io.tenantdb.core.exception.ConfigException;

import java.util.Locale;

/**
 * The database engines tenantdb knows, each with the name of its configuration file.
 */
public enum DatabaseType {
    /** PostgreSQL over R2DBC. */
    POSTGRESQL("postgresql"),
    /** TimescaleDB: PostgreSQL with time-series helpers, served by the PostgreSQL engine. */
    TIMESCALEDB("timescaledb"),
    /** MongoDB over the Reactive Streams driver. */
    MONGODB("mongodb"),
    /** Redis over Lettuce. */
    REDIS("redis"),
    /** ClickHouse over its HTTP interface. */
    CLICKHOUSE("clickhouse"),
    /** Elasticsearch or OpenSearch over REST. */
    ELASTICSEARCH("elasticsearch");

    private final String id;

    DatabaseType(String id) {
        this.id = id;
    }

    /** @return the lower-case name used in file names ({@code postgresql.yml}) and in metrics */
    public String id() {
        return id;
    }

    /**
     * Parses an engine name as written in configuration or on a command line.
     *
     * @param name the name, case-insensitive
     * @return the type
     * @throws ConfigException naming the known engines
     */
    public static DatabaseType fromId(String name) {
        if (name != null) {
            String n = name.trim().toLowerCase(Locale.ROOT);
            for (DatabaseType type : values()) {
                if (type.id.equals(n)) {
                    return type;
                }
            }
        }
        throw new ConfigException("unknown engine '" + name + "': use one of postgresql, timescaledb, mongodb, "
                + "redis, clickhouse, elasticsearch");
    }

    @Override
    public String toString() {
        return id;
    }
}
