package io.tenantdb.postgresql;

import io.r2dbc.pool.PoolMetrics;
import io.tenantdb.core.session.SqlSession;
import reactor.core.publisher.Mono;

/**
 * The PostgreSQL / TimescaleDB session: a {@link SqlSession} plus pool access and time-series
 * helpers. Obtain it with {@code db.session(DatabaseType.POSTGRESQL, PostgresSession.class)}.
 *
 * <h2>Naming the tenant's tables</h2>
 * <ul>
 *   <li>Schema-qualified: write {@code {schema}.tracks}. The engine replaces {@value #SCHEMA} with
 *       the tenant's quoted schema ({@code schema_per_tenant}), {@code "public"} in the tenant's own
 *       database ({@code database_per_tenant}) or the shared schema ({@code row_level_security}).
 *       For {@code schema_per_tenant} this costs one round trip and leaves no state on the
 *       connection.</li>
 *   <li>Unqualified: write {@code tracks}. For {@code schema_per_tenant} the engine binds
 *       {@code search_path} to the tenant's schema for exactly this operation (inside its own
 *       transaction, with {@code set_config(..., true)} and a bind parameter).</li>
 * </ul>
 * Row-level-security tenants are always bound through {@code app.tenant_id} the same way.
 *
 * <p>Parameters are {@code $1, $2, ...} or {@code :name}.
 *
 * @apiNote nothing happens until subscription.
 */
public interface PostgresSession extends SqlSession {

    /** The placeholder for the tenant's schema in SQL text. */
    String SCHEMA = "{schema}";

    /**
     * Opens the configured {@code pool.initial_size} connections of the pool serving the current
     * tenant.
     *
     * @return the number of connections opened
     */
    Mono<Integer> warmup();

    /**
     * The r2dbc-pool metrics of the pool serving the current tenant (created when needed, no
     * connection acquired).
     *
     * @return the metrics
     */
    Mono<PoolMetrics> poolMetrics();

    /** @return time-series helpers for the current tenant (TimescaleDB, or native partitioning) */
    TimeSeries timeSeries();
}
