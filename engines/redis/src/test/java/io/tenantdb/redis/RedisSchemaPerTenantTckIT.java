package io.tenantdb.redis;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;

import java.util.Map;

/** The key-value TCK with schema per tenant: a hash-tagged key prefix per tenant on one Redis. */
class RedisSchemaPerTenantTckIT extends RedisTckSupport {

    @Override
    DatabaseConfig base() {
        ServerEndpoint s = TestServers.redis();
        return RedisTestConfigs.config(s.host(), s.port(), IsolationStrategy.SCHEMA_PER_TENANT, Map.of());
    }
}
