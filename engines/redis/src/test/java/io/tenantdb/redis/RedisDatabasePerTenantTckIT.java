package io.tenantdb.redis;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;

import java.util.Map;

/** The key-value TCK with database per tenant: logical databases 14 and 15 of the local Redis. */
class RedisDatabasePerTenantTckIT extends RedisTckSupport {

    @Override
    DatabaseConfig base() {
        ServerEndpoint s = TestServers.redis();
        return RedisTestConfigs.config(s.host(), s.port(), IsolationStrategy.SCHEMA_PER_TENANT, Map.of());
    }

    @Override
    DatabaseConfig tenantConfig(TenantId tenant, int index) {
        ServerEndpoint s = TestServers.redis();
        return RedisTestConfigs.config(s.host(), s.port(), IsolationStrategy.DATABASE_PER_TENANT,
                Map.of("database", String.valueOf(14 + index)));
    }
}
