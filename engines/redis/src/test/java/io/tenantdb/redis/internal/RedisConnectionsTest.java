package io.tenantdb.redis.internal;

import io.lettuce.core.RedisURI;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.redis.RedisTestConfigs;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How endpoints become Lettuce URIs; nothing connects in these tests. */
class RedisConnectionsTest {

    private static RedisConnections connections(List<NodeAddress> hosts, Map<String, ?> redis) {
        DatabaseConfig config = RedisTestConfigs.config(hosts, IsolationStrategy.SCHEMA_PER_TENANT, redis);
        return new RedisConnections(RedisSettings.from(config), config.connection());
    }

    @Test
    void standaloneUrisCarryDatabaseTimeoutAndTheTenantsAclUser() {
        RedisConnections c = connections(List.of(NodeAddress.of("10.0.0.1", 6380)),
                Map.of("command_timeout", Duration.ofMillis(1500)));
        try {
            RedisURI uri = c.uri(new RedisConnections.Endpoint(NodeAddress.of("10.0.0.1", 6380), 4, "tenantdb_a", "s3cr3t-pw"));
            assertThat(uri.getHost()).isEqualTo("10.0.0.1");
            assertThat(uri.getPort()).isEqualTo(6380);
            assertThat(uri.getDatabase()).isEqualTo(4);
            assertThat(uri.getTimeout()).isEqualTo(Duration.ofMillis(1500));
            assertThat(uri.getCredentialsProvider().resolveCredentials().block(Duration.ofSeconds(1)).getUsername())
                    .isEqualTo("tenantdb_a");
            assertThat(uri.toString()).doesNotContain("s3cr3t");
            assertThat(new RedisConnections.Endpoint(NodeAddress.of("h", 1), 0, "u", "secret-pw").toString())
                    .doesNotContain("secret-pw");
        } finally {
            c.closeAsync().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void sentinelUrisListTheSentinelsAndTheMaster() {
        RedisConnections c = connections(List.of(NodeAddress.of("s1", 26379), NodeAddress.of("s2", 26379)),
                Map.of("topology", "sentinel", "sentinel_master", "mymaster"));
        try {
            RedisURI uri = c.uri(new RedisConnections.Endpoint(NodeAddress.of("s1", 26379), 0, null, null));
            assertThat(uri.getSentinelMasterId()).isEqualTo("mymaster");
            assertThat(uri.getSentinels()).extracting(RedisURI::getHost).containsExactly("s1", "s2");
        } finally {
            c.closeAsync().block(Duration.ofSeconds(10));
        }
    }

    @Test
    void closedConnectionsRefuseNewWork() {
        RedisConnections c = connections(List.of(NodeAddress.of("127.0.0.1", 1)), Map.of());
        c.closeAsync().block(Duration.ofSeconds(10));
        StepVerifier.create(c.commands(new RedisConnections.Endpoint(NodeAddress.of("127.0.0.1", 1), 0, null, null)))
                .expectError(EngineUnavailableException.class).verify(Duration.ofSeconds(5));
        StepVerifier.create(c.closeAsync()).verifyComplete();
    }
}
