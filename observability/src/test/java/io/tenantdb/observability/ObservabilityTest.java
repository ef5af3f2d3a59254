package io.tenantdb.observability;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.spi.PoolMetricsSource.PoolStats;
import org.junit.jupiter.api.Test;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObservabilityTest {

    @Test
    void attachWiresPoolsHealthAlertsAndTheEndpoint() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Observability obs = Observability.builder(registry)
                .monitoring(MonitoringConfig.defaults().withRules(List.of())).build();
        DatabaseConfig config = DatabaseConfig.builder(DatabaseType.REDIS)
                .connection(new ConnectionConfig(List.of(NodeAddress.of("127.0.0.1", 1)), null, null, Secret.NONE,
                        TlsConfig.DISABLED, Duration.ofSeconds(1), Map.of()))
                .build();
        assertThatThrownBy(obs::health).hasMessageContaining("attach");
        try (TenantDb db = TenantDb.builder().classLoader(FakeEngineProvider.loader()).engineConfig(config)
                .engines(DatabaseType.REDIS).operator(obs.metrics()).build();
             Observability attached = obs.attach(db)) {
            FakeEngineProvider.last.pools = List.of(new PoolStats(DatabaseType.REDIS, "n", 2, 3, 0, 8));
            assertThat(attached.health().check().block().status()).isEqualTo(Health.Status.UP);
            assertThatThrownBy(() -> obs.attach(db)).isInstanceOf(IllegalStateException.class);

            try (ObservabilityServer server = obs.server().start().block(Duration.ofSeconds(10))) {
                String metrics = HttpClient.create().option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT).get().uri("http://127.0.0.1:" + server.port() + "/metrics")
                        .responseContent().aggregate().asString().block(Duration.ofSeconds(10));
                assertThat(metrics).contains("tenantdb_pool_acquired{engine=\"redis\"} 2.0", "tenantdb_health_status{engine=\"redis\"} 1.0");
                String alerts = HttpClient.create().option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT).get().uri("http://127.0.0.1:" + server.port() + "/alerts")
                        .responseContent().aggregate().asString().block(Duration.ofSeconds(10));
                assertThat(alerts).isEqualTo("[]");
            }
        }
    }
}
