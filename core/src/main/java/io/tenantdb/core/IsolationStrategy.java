package io.tenantdb.core;

import io.tenantdb.core.exception.ConfigException;

/**
 * How one tenant's data is kept apart from another's on one engine. Chosen per tenant and engine in
 * the {@code tenant_isolation.strategy} setting.
 *
 * <table>
 * <caption>What each strategy means per engine</caption>
 * <tr><th>engine</th><th>{@code database_per_tenant}</th><th>{@code schema_per_tenant}</th><th>{@code row_level_security}</th></tr>
 * <tr><td>PostgreSQL</td><td>own database</td><td>own schema</td><td>RLS on {@code tenant_id}</td></tr>
 * <tr><td>MongoDB</td><td>own database</td><td>collection prefix</td><td>{@code tenantId} field</td></tr>
 * <tr><td>Redis</td><td>own logical db</td><td>key prefix</td><td>ACL user per tenant on its prefix</td></tr>
 * <tr><td>ClickHouse</td><td>own database</td><td>table prefix</td><td>{@code tenant_id} column</td></tr>
 * <tr><td>Elasticsearch</td><td>own index set</td><td>index prefix</td><td>filtered alias</td></tr>
 * </table>
 */
public enum IsolationStrategy {
    /** Own database (or logical db / index set) per tenant. */
    DATABASE_PER_TENANT("database_per_tenant"),
    /** Own schema, namespace or name prefix per tenant on shared infrastructure. */
    SCHEMA_PER_TENANT("schema_per_tenant"),
    /** Shared tables/collections/indices; rows carry the tenant and the engine enforces it. */
    ROW_LEVEL_SECURITY("row_level_security");

    private final String id;

    IsolationStrategy(String id) {
        this.id = id;
    }

    /** @return the name used in configuration */
    public String id() {
        return id;
    }

    /**
     * Parses a strategy name as written in configuration.
     *
     * @param name the name
     * @return the strategy
     * @throws ConfigException naming the valid strategies
     */
    public static IsolationStrategy fromId(String name) {
        for (IsolationStrategy s : values()) {
            if (s.id.equals(name)) {
                return s;
            }
        }
        throw new ConfigException("unknown tenant_isolation.strategy '" + name
                + "': use database_per_tenant, schema_per_tenant or row_level_security");
    }

    @Override
    public String toString() {
        return id;
    }
}
