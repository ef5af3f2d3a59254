package io.tenantdb.redis;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.Secret;

import java.util.Map;

/** The key-value TCK on the 6-node Redis Cluster with an ACL user per tenant on every node. */
class RedisClusterRowLevelSecurityTckIT extends RedisTckSupport {

    @Override
    DatabaseConfig base() {
        return RedisTestConfigs.config(RedisClusterServers.seeds(), IsolationStrategy.ROW_LEVEL_SECURITY,
                Map.of("topology", "cluster", "acl_secret", Secret.literal("cluster-tck")));
    }
}
