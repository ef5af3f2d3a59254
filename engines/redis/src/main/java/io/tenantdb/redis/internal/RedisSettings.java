package io.tenantdb.redis.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.exception.ConfigException;

import java.time.Duration;
import java.util.Locale;

/**
 * The engine-wide {@code redis:} section, read once from the base configuration.
 *
 * <pre>
 * redis:
 *   topology: standalone        # standalone | sentinel | cluster
 *   sentinel_master: mymaster   # required for sentinel; connection.hosts are then the sentinels
 *   hash_tag: true              # prefix {name}: keeps a tenant on one cluster slot; false: name:
 *   acl_per_tenant: true        # row_level_security: one ACL user per tenant, limited to its prefix
 *   acl_secret: ${env:REDIS_ACL_SECRET}  # derives ACL passwords (HMAC); random per process if absent
 *   command_timeout: 5s         # Lettuce's 60 s default is too long for a service
 *   database: 0                 # logical database (standalone/sentinel); tenants may override it
 *   topology_refresh: 30s       # cluster: periodic refresh (adaptive triggers are always on)
 *   stream_poll_interval: 100ms # pause between empty XREADGROUP polls
 * </pre>
 *
 * @param topology           how the servers are arranged
 * @param sentinelMaster     the master name for Sentinel, or {@code null}
 * @param hashTag            whether prefixes are hash tags
 * @param aclPerTenant       whether row-level-security tenants get their own ACL user
 * @param aclSecret          the ACL password secret, {@link Secret#NONE} for a random one
 * @param commandTimeout     command timeout
 * @param database           the default logical database
 * @param topologyRefresh    cluster periodic refresh period
 * @param streamPollInterval pause between empty stream polls
 */
public record RedisSettings(Topology topology, String sentinelMaster, boolean hashTag, boolean aclPerTenant,
                            Secret aclSecret, Duration commandTimeout, int database, Duration topologyRefresh,
                            Duration streamPollInterval) {

    /** Default command timeout: 5 seconds. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);
    /** Default cluster topology refresh period: 30 seconds. */
    public static final Duration DEFAULT_TOPOLOGY_REFRESH = Duration.ofSeconds(30);
    /** Default pause between empty stream polls: 100 ms. */
    public static final Duration DEFAULT_STREAM_POLL = Duration.ofMillis(100);

    /** How the Redis servers are arranged. */
    public enum Topology {
        /** One server (possibly with replicas the router knows of). */
        STANDALONE,
        /** A master found through Sentinels. */
        SENTINEL,
        /** Redis Cluster. */
        CLUSTER
    }

    /**
     * @param config the engine's base configuration
     * @return the settings
     * @throws ConfigException naming the key and the fix when a value is wrong
     */
    public static RedisSettings from(DatabaseConfig config) {
        ConfigNode r = config.section("redis");
        String topologyName = r.string("topology", "standalone").toLowerCase(Locale.ROOT);
        Topology topology;
        switch (topologyName) {
            case "standalone":
                topology = Topology.STANDALONE;
                break;
            case "sentinel":
                topology = Topology.SENTINEL;
                break;
            case "cluster":
                topology = Topology.CLUSTER;
                break;
            default:
                throw new ConfigException("redis.topology is '" + topologyName
                        + "': use standalone, sentinel or cluster", DatabaseType.REDIS, null);
        }
        String master = r.string("sentinel_master").orElse(null);
        if (topology == Topology.SENTINEL && (master == null || master.isBlank())) {
            throw new ConfigException("redis.topology is sentinel but redis.sentinel_master is not set: name the master"
                    + " the sentinels monitor (connection.hosts are the sentinels)", DatabaseType.REDIS, null);
        }
        Duration timeout = r.duration("command_timeout", DEFAULT_COMMAND_TIMEOUT);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigException("redis.command_timeout must be > 0, was " + timeout, DatabaseType.REDIS, null);
        }
        Duration refresh = r.duration("topology_refresh", DEFAULT_TOPOLOGY_REFRESH);
        if (refresh.isZero() || refresh.isNegative()) {
            throw new ConfigException("redis.topology_refresh must be > 0, was " + refresh, DatabaseType.REDIS, null);
        }
        Duration poll = r.duration("stream_poll_interval", DEFAULT_STREAM_POLL);
        if (poll.isZero() || poll.isNegative()) {
            throw new ConfigException("redis.stream_poll_interval must be > 0, was " + poll, DatabaseType.REDIS, null);
        }
        int database = databaseOf(config);
        if (topology == Topology.CLUSTER && database != 0) {
            throw new ConfigException("redis.database is " + database + " but Redis Cluster only has database 0:"
                    + " remove redis.database", DatabaseType.REDIS, null);
        }
        return new RedisSettings(topology, master, r.bool("hash_tag", true), r.bool("acl_per_tenant", true),
                r.secret("acl_secret"), timeout, database, refresh, poll);
    }

    /**
     * @param config a (tenant's) configuration
     * @return its {@code redis.database}, else its {@code connection.database}, else 0
     */
    public static int databaseOf(DatabaseConfig config) {
        int db = config.section("redis").integer("database", defaultDatabase(config));
        if (db < 0) {
            throw new ConfigException("redis.database must be >= 0, was " + db
                    + (config.tenant().isPresent() ? " (tenant " + config.tenant().get().value() + ")" : ""),
                    DatabaseType.REDIS, null);
        }
        return db;
    }

    private static int defaultDatabase(DatabaseConfig config) {
        String db = config.connection().database();
        if (db == null || db.isBlank()) {
            return 0;
        }
        try {
            return Integer.parseInt(db.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException("connection.database for Redis is a logical database number, was '" + db + "'",
                    DatabaseType.REDIS, e);
        }
    }
}
