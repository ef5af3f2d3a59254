package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;

import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry of an engine: list the implementation in
 * {@code META-INF/services/io.tenantdb.core.spi.EngineProvider}. A custom engine is a jar on the
 * class path.
 */
public interface EngineProvider {

    /** @return the engine types this provider serves (PostgreSQL also serves TimescaleDB) */
    Set<DatabaseType> types();

    /**
     * Creates the engine. Must not connect yet: connections are opened lazily.
     *
     * @param context configuration, target resolver and operator chain
     * @return the engine
     */
    Engine create(EngineContext context);
}
