/**
 * The Redis engine (Lettuce): {@link io.tenantdb.redis.RedisEngineProvider}, found by
 * {@link java.util.ServiceLoader}, and {@link io.tenantdb.redis.RedisKeyValueSession}, the Redis
 * session with hashes, lists, sets, sorted sets, pub/sub, streams, Lua scripts and transactions on
 * top of {@link io.tenantdb.core.session.KeyValueSession}.
 *
 * <h2>Isolation</h2>
 * <ul>
 *   <li>{@code schema_per_tenant}: every key and channel is prefixed with the tenant's name and a
 *       delimiter tenant ids cannot contain: {@code {tenant_acme}:} with {@code redis.hash_tag: true}
 *       (the default; a tenant's keys then share one cluster slot, so multi-key commands, scripts
 *       and transactions work in a cluster), {@code tenant_acme:} otherwise.</li>
 *   <li>{@code database_per_tenant}: the tenant's keys (still prefixed) live in its own logical
 *       database, {@code redis.database} in its tenant file. Standalone and Sentinel only: Redis
 *       Cluster has database 0 alone.</li>
 *   <li>{@code row_level_security}: prefixed keys, and with {@code redis.acl_per_tenant: true} (the
 *       default) the tenant's commands run as its own ACL user, allowed only {@code ~prefix*} keys
 *       and {@code &prefix*} channels, without dangerous or administrative commands, so the server
 *       itself refuses anything else. Provisioning creates the user (on every node of a cluster), deprovisioning removes it.
 *       ACL users are per server: with Sentinel, or after adding a cluster node, provision again. In
 *       a cluster each such tenant has its own cluster client (and topology refresh).</li>
 * </ul>
 * Caller-supplied keys and channels are literals: glob characters ({@code * ? [ ] \}) are refused,
 * as are CR, LF and NUL anywhere; scan and psubscribe patterns are confined to the tenant's prefix.
 *
 * <h2>Connections</h2>
 * One shared, multiplexed connection per node and logical database (per ACL user under
 * {@code row_level_security}), or one cluster connection; commands issued concurrently are
 * pipelined by Lettuce automatically. Transactions and pub/sub subscriptions use a connection of
 * their own for their duration.
 */
package io.tenantdb.redis;
