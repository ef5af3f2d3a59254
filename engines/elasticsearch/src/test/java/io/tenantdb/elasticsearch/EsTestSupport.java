package io.tenantdb.elasticsearch;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Builds a {@link TenantDb} on the testkit's OpenSearch node (one per test JVM). */
final class EsTestSupport {

    private EsTestSupport() {
    }

    static DatabaseConfig config(IsolationStrategy strategy, String prefixTemplate) {
        ServerEndpoint endpoint = TestServers.opensearch();
        return DatabaseConfig.builder(DatabaseType.ELASTICSEARCH)
                .connection(new ConnectionConfig(List.of(NodeAddress.of(endpoint.host(), endpoint.port())), null,
                        endpoint.user(), endpoint.password() == null || endpoint.password().isEmpty() ? Secret.NONE
                        : Secret.literal(endpoint.password()), TlsConfig.DISABLED, Duration.ofSeconds(5), Map.of()))
                .isolation(new IsolationConfig(strategy, prefixTemplate, "none"))
                .build();
    }

    static TenantDb tenantDb(IsolationStrategy strategy, String prefixTemplate) {
        return TenantDb.builder().engines(DatabaseType.ELASTICSEARCH)
                .engineConfig(config(strategy, prefixTemplate)).build();
    }
}
