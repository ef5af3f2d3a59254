package io.tenantdb.redis;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.config.DatabaseConfig;

import java.util.Map;

/** The key-value TCK on the 6-node Redis Cluster, schema per tenant with hash tags. */
class RedisClusterTckIT extends RedisTckSupport {

    @Override
    DatabaseConfig base() {
        return RedisTestConfigs.config(RedisClusterServers.seeds(), IsolationStrategy.SCHEMA_PER_TENANT,
                Map.of("topology", "cluster"));
    }
}
