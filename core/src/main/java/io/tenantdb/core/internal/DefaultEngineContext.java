package io.tenantdb.core.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.OperationRunner;
import io.tenantdb.core.spi.TargetResolver;

import java.util.Map;
import java.util.function.Function;

/** The {@link EngineContext} the façade builds: base config plus tenant configs read at start-up. */
public final class DefaultEngineContext implements EngineContext {

    private final DatabaseType type;
    private final DatabaseConfig base;
    private final Map<TenantId, DatabaseConfig> tenants;
    private final TargetResolver targets;
    private final OperationRunner operations;

    /**
     * @param type       the engine
     * @param base       its configuration without tenant layer
     * @param tenants    tenants with their own file, merged
     * @param targets    the resolver, or {@code null} for the default
     * @param operations the operator chain
     */
    public DefaultEngineContext(DatabaseType type, DatabaseConfig base, Map<TenantId, DatabaseConfig> tenants,
                                TargetResolver targets, OperationRunner operations) {
        this.type = type;
        this.base = base;
        this.tenants = Map.copyOf(tenants);
        this.targets = targets == null ? new DefaultTargetResolver(this) : targets;
        this.operations = operations;
    }

    /**
     * @param type            the engine
     * @param base            its configuration without tenant layer
     * @param tenants         tenants with their own file, merged
     * @param targetsFactory  builds the resolver from this context (it may need tenant configurations)
     * @param operations      the operator chain
     */
    public DefaultEngineContext(DatabaseType type, DatabaseConfig base, Map<TenantId, DatabaseConfig> tenants,
                                Function<? super EngineContext, ? extends TargetResolver> targetsFactory,
                                OperationRunner operations) {
        this.type = type;
        this.base = base;
        this.tenants = Map.copyOf(tenants);
        this.operations = operations;
        this.targets = java.util.Objects.requireNonNull(targetsFactory.apply(this), "the resolver factory returned null");
    }

    @Override
    public DatabaseType type() {
        return type;
    }

    @Override
    public DatabaseConfig config() {
        return base;
    }

    @Override
    public DatabaseConfig config(TenantId tenant) {
        // most deployments give no tenant a file of its own: no lookup per operation then
        return tenants.isEmpty() ? base : tenants.getOrDefault(tenant, base);
    }

    @Override
    public TargetResolver targets() {
        return targets;
    }

    @Override
    public OperationRunner operations() {
        return operations;
    }
}
