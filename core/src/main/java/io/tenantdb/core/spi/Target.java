package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;

import java.util.Objects;

/**
 * Where one operation of one tenant runs: the node chosen and the tenant's merged configuration,
 * from which the engine derives its database, schema, prefix or index names.
 *
 * @param engine   the engine
 * @param tenant   the tenant
 * @param kind     read or write, as decided before acquiring a connection
 * @param strategy the tenant's isolation strategy on this engine
 * @param node     the node to use
 * @param config   the tenant's merged configuration on this engine
 */
public record Target(DatabaseType engine, TenantId tenant, OperationKind kind, IsolationStrategy strategy,
                     NodeAddress node, DatabaseConfig config) {

    /** Checks that nothing is null. */
    public Target {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(config, "config");
    }
}
