package io.tenantdb.redis;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;

import java.util.Map;

/** The key-value TCK with row-level security: every tenant's commands run as its own ACL user. */
class RedisRowLevelSecurityTckIT extends RedisTckSupport {

    @Override
    DatabaseConfig base() {
        ServerEndpoint s = TestServers.redis();
        return RedisTestConfigs.config(s.host(), s.port(), IsolationStrategy.ROW_LEVEL_SECURITY,
                Map.of("acl_per_tenant", "true", "acl_secret", Secret.literal("tck-secret")));
    }
}
