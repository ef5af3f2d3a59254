package io.tenantdb.postgresql.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.exception.ConfigException;

import java.time.Duration;
import java.util.List;

/**
 * The {@code postgresql} section of {@code postgresql.yml} and {@code timescaledb.yml}:
 *
 * <pre>
 * postgresql:
 *   application_name: tenantdb
 *   statement_timeout: 30s    # server-side limit per statement
 *   ssl_mode: disable         # disable, allow, prefer, require, verify-ca, verify-full (connection.tls wins when enabled)
 *   rls_role: tenantdb_app    # the role row_level_security tenants connect as (non-owner, no BYPASSRLS)
 *   rls_schema: public        # where the shared tenant tables live
 *   fetch_size: 0             # rows per portal round trip; 0 = one Execute, streamed with back-pressure
 *   max_pools: 64             # bound on connection pools of this engine
 *   connection_budget: 0      # bound on open connections per server, all pools together (0: none)
 *   dedicated_pool:           # only in a tenant's own file (config/tenants/{id}/postgresql.yml):
 *     max_size: 4             # that schema/RLS tenant gets its own pool of this size
 *   tenant_ddl:               # run when a schema/database tenant is provisioned ({schema} allowed)
 *     - CREATE TABLE IF NOT EXISTS {schema}.tracks (id bigint PRIMARY KEY, title text)
 * </pre>
 *
 * <p>The RLS role logs in with {@code connection.password} (programmatic configurations may instead
 * give {@code rls_role} as a section with {@code user} and {@code password}). Without
 * {@code rls_role}, row-level-security tenants connect as {@code connection.user}.
 *
 * @param rlsUser     the RLS role, or {@code null} for {@code connection.user}
 * @param rlsPassword its password
 * @param rlsSchema   the schema of the shared tables
 * @param fetchSize   rows per fetch
 * @param maxPools    the bound on pools
 * @param tenantDdl   statements run at provisioning
 * @param applicationName  reported to the server
 * @param statementTimeout server-side statement timeout, or {@code null}
 * @param sslMode     the driver's SSL mode when {@code connection.tls} is not enabled, or {@code null}
 * @param connectionBudget bound on open connections per server across all pools of the engine, 0 for none
 * @param dedicatedMaxSize the size of the tenant's own pool on the shared database
 *                         ({@code dedicated_pool.max_size}), 0 when it shares the pool of its server
 */
record PgSettings(String rlsUser, Secret rlsPassword, String rlsSchema, int fetchSize, int maxPools,
                  List<String> tenantDdl, String applicationName, Duration statementTimeout, String sslMode,
                  int connectionBudget, int dedicatedMaxSize) {

    static final int DEFAULT_FETCH_SIZE = 0;
    static final String DEFAULT_RLS_SCHEMA = "public";
    /** The key of a tenant's own pool, in the {@code postgresql} section. */
    static final String DEDICATED_POOL = "dedicated_pool";

    static PgSettings of(DatabaseConfig config, DatabaseType type) {
        // timescaledb.yml carries the same postgresql section (its own timescaledb section holds
        // time-series defaults)
        ConfigNode section = config.section(DatabaseType.POSTGRESQL.id());
        String rlsUser = null;
        Secret rlsPassword = config.connection().password();
        if (section.has("rls_role")) {
            String plain = plainString(section, "rls_role");
            if (plain != null) {
                rlsUser = plain;
            } else {
                // programmatic configurations may give {user, password}
                ConfigNode role = section.node("rls_role");
                rlsUser = role.string("user").orElseThrow(() -> new ConfigException(type.id()
                        + ".rls_role.user is required when rls_role is a section", type, null));
                rlsPassword = role.has("password") ? role.secret("password") : Secret.NONE;
            }
        }
        int fetchSize = section.integer("fetch_size", DEFAULT_FETCH_SIZE);
        if (fetchSize < 0) {
            throw new ConfigException("postgresql.fetch_size must be >= 0, was " + fetchSize, type, null);
        }
        int maxPools = section.integer("max_pools", PoolRegistry.DEFAULT_MAX_POOLS);
        if (maxPools < 1) {
            throw new ConfigException("postgresql.max_pools must be >= 1, was " + maxPools, type, null);
        }
        String rlsSchema = section.string("rls_schema", DEFAULT_RLS_SCHEMA);
        int dedicated = 0;
        if (section.has(DEDICATED_POOL)) {
            dedicated = section.node(DEDICATED_POOL).integer("max_size", 0);
            if (dedicated < 1) {
                throw new ConfigException("postgresql." + DEDICATED_POOL + ".max_size must be >= 1, was " + dedicated
                        + config.tenant().map(t -> " (tenant " + t + ")").orElse("") + ": set it, or remove "
                        + DEDICATED_POOL + " so the tenant shares its server's pool", type, null);
            }
        }
        return new PgSettings(rlsUser, rlsPassword, rlsSchema, fetchSize, maxPools, section.strings("tenant_ddl"),
                section.string("application_name", "tenantdb"), section.duration("statement_timeout", null),
                section.string("ssl_mode").orElse(null), section.integer("connection_budget", 0), dedicated);
    }

    /** @return the value when it is a plain string, {@code null} when it is a section */
    private static String plainString(ConfigNode section, String key) {
        try {
            return section.string(key).orElse(null);
        } catch (ConfigException notAString) {
            return null;
        }
    }
}
