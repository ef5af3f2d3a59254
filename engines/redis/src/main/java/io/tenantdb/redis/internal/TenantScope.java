package io.tenantdb.redis.internal;

import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;

/**
 * Everything one operation of one tenant needs: its namespace, its commands, and where a dedicated
 * connection would go.
 *
 * @param tenant    the tenant
 * @param strategy  its isolation strategy
 * @param namespace its key namespace
 * @param commands  the commands to run the tenant's operations with (as its ACL user when it has one)
 * @param service   the engine's own commands on the tenant's database (SCAN, provisioning)
 * @param endpoint  the tenant's endpoint (standalone/Sentinel), for dedicated connections
 * @param acl       whether {@code commands} run as the tenant's ACL user
 */
record TenantScope(TenantId tenant, IsolationStrategy strategy, KeyNamespace namespace,
                   RedisClusterReactiveCommands<String, byte[]> commands,
                   RedisClusterReactiveCommands<String, byte[]> service,
                   RedisConnections.Endpoint endpoint, boolean acl) {
}
