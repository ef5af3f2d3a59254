package io.tenantdb.redis;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.config.ConfigNodes;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Builds Redis configurations for tests (until every test can load YAML). */
public final class RedisTestConfigs {

    private RedisTestConfigs() {
    }

    /**
     * @param hosts    the nodes
     * @param strategy the isolation strategy
     * @param redis    the {@code redis:} section
     * @return the configuration
     */
    public static DatabaseConfig config(List<NodeAddress> hosts, IsolationStrategy strategy, Map<String, ?> redis) {
        return DatabaseConfig.builder(DatabaseType.REDIS)
                .connection(new ConnectionConfig(hosts, null, null, Secret.NONE, TlsConfig.DISABLED,
                        Duration.ofSeconds(5), Map.of()))
                .isolation(new IsolationConfig(strategy, IsolationConfig.DEFAULT_PREFIX, "none"))
                .root(ConfigNodes.fromMap(Map.of("redis", redis)))
                .build();
    }

    /**
     * @param host     host
     * @param port     port
     * @param strategy the isolation strategy
     * @param redis    the {@code redis:} section
     * @return the configuration
     */
    public static DatabaseConfig config(String host, int port, IsolationStrategy strategy, Map<String, ?> redis) {
        return config(List.of(NodeAddress.of(host, port)), strategy, redis);
    }
}
