package io.tenantdb.redis;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.EngineProvider;
import io.tenantdb.redis.internal.RedisEngine;

import java.util.Set;

/**
 * The Redis engine's {@link java.util.ServiceLoader} entry. Configuration: the common sections plus
 * {@code redis:} ({@code topology}, {@code sentinel_master}, {@code hash_tag}, {@code acl_per_tenant},
 * {@code acl_secret}, {@code command_timeout}, {@code database}, {@code topology_refresh},
 * {@code stream_poll_interval}); see the package documentation for isolation.
 */
public final class RedisEngineProvider implements EngineProvider {

    /** For {@link java.util.ServiceLoader}. */
    public RedisEngineProvider() {
    }

    @Override
    public Set<DatabaseType> types() {
        return Set.of(DatabaseType.REDIS);
    }

    @Override
    public Engine create(EngineContext context) {
        return new RedisEngine(context);
    }
}
