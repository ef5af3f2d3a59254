package io.tenantdb.clickhouse;

import io.tenantdb.clickhouse.internal.DefaultClickHouseEngine;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.EngineProvider;

import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry of the ClickHouse engine: put {@code tenantdb-clickhouse}
 * on the class path and configure {@code clickhouse.yml}. Optional section:
 * <pre>{@code
 * clickhouse:
 *   max_execution_time: 60s   # default limit of every statement (QuerySettings overrides it)
 *   compression: true         # gzip-compressed responses
 * }</pre>
 */
public final class ClickHouseEngineProvider implements EngineProvider {

    /** Creates the provider (ServiceLoader). */
    public ClickHouseEngineProvider() {
    }

    @Override
    public Set<DatabaseType> types() {
        return Set.of(DatabaseType.CLICKHOUSE);
    }

    @Override
    public Engine create(EngineContext context) {
        return new DefaultClickHouseEngine(context);
    }
}
