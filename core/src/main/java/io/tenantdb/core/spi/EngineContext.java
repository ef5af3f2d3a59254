package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;

/**
 * What {@link io.tenantdb.core.TenantDb} hands an engine when it creates it.
 *
 * @see EngineProvider#create(EngineContext)
 */
public interface EngineContext {

    /** @return the engine type being created */
    DatabaseType type();

    /** @return the engine's configuration without any tenant layer */
    DatabaseConfig config();

    /**
     * The tenant's merged configuration: its own file when it has one, else the base. Cheap and
     * non-blocking (tenant files are read at start-up).
     *
     * @param tenant the tenant
     * @return its configuration
     */
    DatabaseConfig config(TenantId tenant);

    /** @return where operations run */
    TargetResolver targets();

    /** @return the operator chain every operation must run through */
    OperationRunner operations();
}
