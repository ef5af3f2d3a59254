package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.EngineProvider;
import io.tenantdb.postgresql.internal.PostgresEngine;

import java.util.Set;

/**
 * The {@link EngineProvider} of PostgreSQL and TimescaleDB, registered in
 * {@code META-INF/services/io.tenantdb.core.spi.EngineProvider}. Creating the engine opens no
 * connection: pools open lazily, per target database, on first use.
 */
public final class PostgresEngineProvider implements EngineProvider {

    /** For {@link java.util.ServiceLoader}. */
    public PostgresEngineProvider() {
    }

    @Override
    public Set<DatabaseType> types() {
        return Set.of(DatabaseType.POSTGRESQL, DatabaseType.TIMESCALEDB);
    }

    @Override
    public Engine create(EngineContext context) {
        return new PostgresEngine(context);
    }
}
