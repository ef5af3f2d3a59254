/**
 * The PostgreSQL and TimescaleDB engine of tenantdb, over R2DBC and r2dbc-pool.
 *
 * <p>{@link io.tenantdb.postgresql.PostgresEngineProvider} is found by {@code ServiceLoader} and
 * serves {@code postgresql} and {@code timescaledb}. {@link io.tenantdb.postgresql.PostgresSession}
 * is the session, {@link io.tenantdb.postgresql.PostgresRls} sets up row-level security, and
 * {@link io.tenantdb.postgresql.TimeSeries} offers time-series helpers.
 */
package io.tenantdb.postgresql;
