package io.tenantdb.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantdb.core.DatabaseType;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;

import static io.tenantdb.core.spi.Health.Status.DEGRADED;
import static io.tenantdb.core.spi.Health.Status.DOWN;
import static io.tenantdb.core.spi.Health.Status.UP;
import static org.assertj.core.api.Assertions.assertThat;

class HealthMonitorTest {

    private final FakeEngine pg = new FakeEngine(DatabaseType.POSTGRESQL, UP, UP);
    private final FakeEngine redis = new FakeEngine(DatabaseType.REDIS, UP);

    private HealthMonitor.Builder monitor() {
        return HealthMonitor.builder(() -> List.of(pg, redis));
    }

    @Test
    void everyNodeUpIsUpAndTheJsonSaysSo() throws Exception {
        HealthReport report = monitor().build().check().block();

        assertThat(report.status()).isEqualTo(UP);
        assertThat(report.reasons()).isEmpty();
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.get("status").asText()).isEqualTo("UP");
        assertThat(json.at("/engines/postgresql/nodes")).hasSize(2);
        assertThat(json.at("/engines/redis/status").asText()).isEqualTo("UP");
    }

    @Test
    void oneNodeOfTwoDownIsDegradedWithTheReason() {
        pg.setNodes(UP, DOWN);

        HealthReport report = monitor().build().check().block();

        assertThat(report.status()).isEqualTo(DEGRADED);
        assertThat(report.engines()).containsEntry(DatabaseType.POSTGRESQL, DEGRADED).containsEntry(DatabaseType.REDIS, UP);
        assertThat(report.reasons()).singleElement().asString().contains("postgresql", "10.0.0.2:1", "down", "connection refused");
        assertThat(report.isServing()).isTrue();
    }

    @Test
    void anEngineWithNoNodeUpIsDown() {
        redis.setNodes(DOWN);

        HealthReport report = monitor().build().check().block();

        assertThat(report.status()).isEqualTo(DOWN);
        assertThat(report.isServing()).isFalse();
    }

    @Test
    void aFailingOrHangingCheckIsDownNotAnError() {
        pg.health = () -> Flux.error(new IllegalStateException("boom"));
        redis.health = Flux::never;

        HealthReport report = monitor().timeout(Duration.ofMillis(100)).build().check().block();

        assertThat(report.status()).isEqualTo(DOWN);
        assertThat(report.engines()).containsEntry(DatabaseType.POSTGRESQL, DOWN).containsEntry(DatabaseType.REDIS, DOWN);
        assertThat(String.join("\n", report.reasons())).contains("boom", "timed out");
    }

    @Test
    void periodicReportsFollowTheEnginesAndTheGaugeToo() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HealthMonitor monitor = monitor().interval(Duration.ofMillis(50)).meterRegistry(registry).build();

        StepVerifier.create(monitor.reports().map(HealthReport::status))
                .expectNext(UP)
                .then(() -> redis.setNodes(DOWN))
                .thenConsumeWhile(s -> s == UP)
                .expectNext(DOWN)
                .then(() -> assertThat(registry.get(MetricNames.HEALTH_STATUS).tag("engine", "redis").gauge().value()).isZero())
                .then(() -> redis.setNodes(UP))
                .thenConsumeWhile(s -> s == DOWN)
                .expectNext(UP)
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        assertThat(registry.get(MetricNames.HEALTH_STATUS).tag("engine", "redis").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void startedMonitorServesTheLatestReport() {
        try (HealthMonitor monitor = monitor().interval(Duration.ofMillis(50)).build().start()) {
            redis.setNodes(DOWN);
            StepVerifier.create(Flux.interval(Duration.ofMillis(20)).onBackpressureDrop().concatMap(i -> monitor.current())
                            .map(HealthReport::status).filter(s -> s == DOWN).next())
                    .expectNext(DOWN).verifyComplete();
            assertThat(monitor.latest().status()).isEqualTo(DOWN);
        }
    }
}
