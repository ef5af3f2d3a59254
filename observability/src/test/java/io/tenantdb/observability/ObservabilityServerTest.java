package io.tenantdb.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.spi.OperationRunner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.util.function.Tuple2;

import java.time.Duration;
import java.util.List;

import static io.tenantdb.core.spi.Health.Status.DOWN;
import static io.tenantdb.core.spi.Health.Status.UP;
import static org.assertj.core.api.Assertions.assertThat;

class ObservabilityServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final FakeEngine redis = new FakeEngine(DatabaseType.REDIS, UP);
    private ObservabilityServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Tuple2<Integer, String> get(String path) {
        return HttpClient.create().option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT).baseUrl("http://127.0.0.1:" + server.port()).get().uri(path)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("").map(b -> reactor.util.function.Tuples.of(res.status().code(), b)))
                .block(Duration.ofSeconds(10));
    }

    @Test
    void servesPrometheusMetricsHealthAndAlerts() throws Exception {
        MetricsOperator metrics = MetricsOperator.builder(registry).build();
        OperationRunner.of(List.of(metrics))
                .flux(DatabaseType.REDIS, OperationKind.READ, "scan", t -> Flux.just("a", "b"))
                .contextWrite(TenantContext.of("acme")).blockLast();
        HealthMonitor health = HealthMonitor.builder(() -> List.of(redis)).build();
        AlertMonitor alerts = AlertMonitor.builder(MonitoringConfig.defaults().withRules(List.of(
                AlertRule.above("always", "one", 0, Duration.ZERO, Severity.INFO)))).signal("one", () -> 1).build();
        alerts.evaluate();
        server = ObservabilityServer.builder().port(0).prometheus(registry).health(health).alerts(alerts).start()
                .block(Duration.ofSeconds(10));

        Tuple2<Integer, String> m = get("/metrics");
        assertThat(m.getT1()).isEqualTo(200);
        assertThat(m.getT2()).contains("tenantdb_operation_seconds_count{engine=\"redis\",kind=\"read\",operation=\"scan\",outcome=\"success\",tenant=\"acme\"} 1");

        Tuple2<Integer, String> h = get("/health");
        assertThat(h.getT1()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(h.getT2()).get("status").asText()).isEqualTo("UP");

        redis.setNodes(DOWN);
        Tuple2<Integer, String> down = get("/health");
        assertThat(down.getT1()).isEqualTo(503);
        assertThat(down.getT2()).contains("\"status\":\"DOWN\"", "connection refused");

        JsonNode a = new ObjectMapper().readTree(get("/alerts").getT2());
        assertThat(a.isArray()).isTrue();
        assertThat(a.get(0).get("rule").asText()).isEqualTo("always");
    }

    @Test
    void partsNotConfiguredAnswer404() {
        server = ObservabilityServer.builder().start().block(Duration.ofSeconds(10));
        assertThat(server.host()).isEqualTo("127.0.0.1");
        assertThat(get("/metrics").getT1()).isEqualTo(404);
        assertThat(get("/health").getT1()).isEqualTo(404);
        assertThat(get("/nothing").getT1()).isEqualTo(404);
    }
}
