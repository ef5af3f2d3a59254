package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** IT support: configurations on the real PostgreSQL server, unique names, percentiles. */
final class PgTenancy {

    static final Duration WAIT = Duration.ofSeconds(60);

    private PgTenancy() {
    }

    static ServerEndpoint server() {
        return TestServers.postgresql();
    }

    static NodeAddress serverNode() {
        return NodeAddress.of(server().host(), server().port());
    }

    static String unique() {
        return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    /** @return a local port nothing listens on (connections are refused at once) */
    static int deadPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static DatabaseConfig config(List<NodeAddress> nodes, IsolationStrategy strategy, String prefix, int poolMax) {
        return config(nodes, List.of(), io.tenantdb.core.config.LoadBalancingConfig.DEFAULT, strategy, prefix, poolMax);
    }

    static DatabaseConfig config(List<NodeAddress> nodes, List<NodeAddress> replicas,
                                 io.tenantdb.core.config.LoadBalancingConfig lb, IsolationStrategy strategy,
                                 String prefix, int poolMax) {
        ServerEndpoint s = server();
        ConnectionConfig cc = new ConnectionConfig(nodes, s.database(), s.user(),
                s.password() == null || s.password().isEmpty() ? Secret.NONE : Secret.literal(s.password()),
                TlsConfig.DISABLED, Duration.ofSeconds(5), java.util.Map.of());
        return DatabaseConfig.builder(DatabaseType.POSTGRESQL).connection(cc)
                .pool(new PoolConfig(0, poolMax, Duration.ofMinutes(5), Duration.ofSeconds(20), null))
                .isolation(new IsolationConfig(strategy, prefix + "_{{tenant_id}}_", "none"))
                .replicas(replicas).loadBalancing(lb)
                .build();
    }

    static long percentile(long[] values, double p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
