package io.tenantdb.redis;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** Shared bits of the Redis ITs: unique tenant ids per run and building a {@link TenantDb}. */
final class RedisIt {

    private RedisIt() {
    }

    /** @param base a short prefix, lower-case @return a tenant id unique to this run */
    static TenantId uniqueTenant(String base) {
        return TenantId.of(base + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36));
    }

    static TenantDb db(DatabaseConfig base) {
        return db(base, Map.of());
    }

    static TenantDb db(DatabaseConfig base, Map<TenantId, DatabaseConfig> tenants) {
        TenantDb.Builder b = TenantDb.builder().engines(DatabaseType.REDIS).engineConfig(base);
        tenants.forEach(b::tenantConfig);
        return b.build();
    }

    static RedisKeyValueSession session(TenantDb db) {
        return db.session(DatabaseType.REDIS, RedisKeyValueSession.class);
    }
}
