package io.tenantdb.core.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.Target;
import io.tenantdb.core.spi.TargetResolver;
import reactor.core.publisher.Mono;

/** Sends every operation to the first host of the tenant's configuration. */
final class DefaultTargetResolver implements TargetResolver {

    private final EngineContext context;

    DefaultTargetResolver(EngineContext context) {
        this.context = context;
    }

    @Override
    public Mono<Target> resolve(DatabaseType engine, TenantId tenant, OperationKind kind) {
        DatabaseConfig config = context.config(tenant);
        return Mono.just(new Target(engine, tenant, kind, config.isolation().strategy(),
                config.connection().primary(), config));
    }
}
