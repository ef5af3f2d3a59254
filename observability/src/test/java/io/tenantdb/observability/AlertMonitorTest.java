package io.tenantdb.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AlertMonitorTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<Double> signal = new AtomicReference<>(Double.NaN);

    private AlertMonitor monitor(AlertRule rule) {
        return AlertMonitor.builder(MonitoringConfig.defaults().withRules(List.of(rule)))
                .signal("load", signal::get).meterRegistry(registry).build();
    }

    private List<Alert> at(AlertMonitor m, int seconds, double value) {
        signal.set(value);
        return m.evaluate(T0.plusSeconds(seconds));
    }

    @Test
    void firesOnlyAfterItsForDurationAndResolves() {
        AlertMonitor m = monitor(AlertRule.above("high_load", "load", 90, Duration.ofSeconds(60), Severity.CRITICAL));
        List<Alert> seen = new ArrayList<>();
        m.alerts().subscribe(seen::add);

        assertThat(at(m, 0, 50)).isEmpty();
        assertThat(at(m, 10, 95)).as("pending, not firing").isEmpty();
        assertThat(at(m, 40, 96)).isEmpty();
        List<Alert> fired = at(m, 70, 97);
        assertThat(fired).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(Alert.State.FIRING);
            assertThat(a.kind()).isEqualTo(Alert.Kind.THRESHOLD);
            assertThat(a.since()).isEqualTo(T0.plusSeconds(10));
            assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
        });
        assertThat(m.active()).hasSize(1);
        assertThat(m.activeJson()).contains("\"rule\":\"high_load\"", "\"state\":\"FIRING\"");
        assertThat(at(m, 80, 99)).as("fires once").isEmpty();

        List<Alert> resolved = at(m, 90, 40);
        assertThat(resolved).singleElement().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
        assertThat(m.active()).isEmpty();
        assertThat(seen).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(registry.get(MetricNames.ALERTS).tag("rule", "high_load").tag("state", "firing").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(MetricNames.ALERTS_ACTIVE).gauge().value()).isZero();
    }

    @Test
    void aBlipShorterThanForNeverFires() {
        AlertMonitor m = monitor(AlertRule.above("high_load", "load", 90, Duration.ofSeconds(60), Severity.WARNING));
        at(m, 0, 95);
        at(m, 30, 95);
        at(m, 50, 60);
        assertThat(at(m, 70, 95)).isEmpty();
        assertThat(at(m, 100, 95)).isEmpty();
        assertThat(at(m, 130, 95)).hasSize(1);
    }

    @Test
    void aRampIsPredictedBeforeItCrossesAndAtAboutTheRightTime() {
        // 50 + 0.1/s with a little noise: crosses 95 at t = 450 s
        AlertRule rule = AlertRule.above("high_load", "load", 95, Duration.ofSeconds(30), Severity.CRITICAL)
                .withPrediction(Duration.ofMinutes(15), Duration.ofMinutes(10));
        AlertMonitor m = monitor(rule);
        Random noise = new Random(42);
        List<Alert> all = new ArrayList<>();
        for (int t = 0; t <= 600; t += 10) {
            all.addAll(at(m, t, 50 + 0.1 * t + noise.nextGaussian() * 0.3));
        }
        Alert predicted = all.stream().filter(a -> a.kind() == Alert.Kind.PREDICTED && a.state() == Alert.State.FIRING)
                .findFirst().orElseThrow();
        assertThat(predicted.at()).isBefore(T0.plusSeconds(450));
        assertThat(Duration.between(T0, predicted.predictedAt()).toSeconds()).isCloseTo(450L, within(30L));

        Alert threshold = all.stream().filter(a -> a.kind() == Alert.Kind.THRESHOLD && a.state() == Alert.State.FIRING)
                .findFirst().orElseThrow();
        assertThat(threshold.at()).isAfter(predicted.at());
        assertThat(all).as("the predicted alert resolves once the threshold alert fires")
                .anySatisfy(a -> {
                    assertThat(a.kind()).isEqualTo(Alert.Kind.PREDICTED);
                    assertThat(a.state()).isEqualTo(Alert.State.RESOLVED);
                    assertThat(a.at()).isEqualTo(threshold.at());
                });
    }

    @Test
    void noiseAloneRaisesNothing() {
        AlertRule rule = AlertRule.above("high_load", "load", 95, Duration.ofSeconds(30), Severity.CRITICAL)
                .withPrediction(Duration.ofMinutes(15), Duration.ofMinutes(10));
        Map<String, MetricsOperator.TenantSample> samples = new HashMap<>();
        AlertMonitor m = AlertMonitor.builder(MonitoringConfig.defaults().withRules(List.of(rule)))
                .signal("load", signal::get).tenantSamples(() -> Map.copyOf(samples)).build();
        Random noise = new Random(7);
        List<Alert> all = new ArrayList<>();
        for (int t = 0; t <= 3600; t += 10) {
            samples.put("acme", new MetricsOperator.TenantSample(100, noise.nextInt(3), 20 + noise.nextGaussian() * 2));
            all.addAll(at(m, t, 60 + noise.nextGaussian() * 5));
        }
        assertThat(all).isEmpty();
    }

    @Test
    void aStepInOneTenantsLatencyIsAnAnomalyForThatTenantOnly() {
        Map<String, MetricsOperator.TenantSample> samples = new HashMap<>();
        AlertMonitor m = AlertMonitor.builder(MonitoringConfig.defaults().withRules(List.of()))
                .tenantSamples(() -> Map.copyOf(samples)).meterRegistry(registry).build();
        Random noise = new Random(3);
        for (int i = 0; i < 30; i++) {
            samples.put("acme", new MetricsOperator.TenantSample(50, 0, 10 + noise.nextGaussian()));
            samples.put("globex", new MetricsOperator.TenantSample(50, 0, 12 + noise.nextGaussian()));
            assertThat(m.evaluate(T0.plusSeconds(10L * i))).isEmpty();
        }
        samples.put("acme", new MetricsOperator.TenantSample(50, 0, 60));
        samples.put("globex", new MetricsOperator.TenantSample(50, 0, 12));
        assertThat(m.evaluate(T0.plusSeconds(300))).as("one interval is not yet an anomaly").isEmpty();
        List<Alert> step = m.evaluate(T0.plusSeconds(310));

        assertThat(step).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(Alert.Kind.ANOMALY);
            assertThat(a.rule()).isEqualTo(AlertMonitor.LATENCY_ANOMALY);
            assertThat(a.tenant()).isEqualTo("acme");
            assertThat(a.state()).isEqualTo(Alert.State.FIRING);
        });
        samples.put("acme", new MetricsOperator.TenantSample(50, 0, 10));
        assertThat(m.evaluate(T0.plusSeconds(320))).singleElement().extracting(Alert::state).isEqualTo(Alert.State.RESOLVED);
    }

    @Test
    void aJumpInErrorRateIsAnAnomaly() {
        Map<String, MetricsOperator.TenantSample> samples = new HashMap<>();
        AlertMonitor m = AlertMonitor.builder(MonitoringConfig.defaults().withRules(List.of()))
                .tenantSamples(() -> Map.copyOf(samples)).build();
        for (int i = 0; i < 20; i++) {
            samples.put("acme", new MetricsOperator.TenantSample(100, i % 3 == 0 ? 1 : 0, 10));
            m.evaluate(T0.plusSeconds(10L * i));
        }
        samples.put("acme", new MetricsOperator.TenantSample(100, 40, 10));
        assertThat(m.evaluate(T0.plusSeconds(200))).isEmpty();
        assertThat(m.evaluate(T0.plusSeconds(210))).singleElement()
                .satisfies(a -> assertThat(a.rule()).isEqualTo(AlertMonitor.ERROR_RATE_ANOMALY));
    }

    @Test
    void periodicEvaluationPublishesOnTheFlux() {
        AlertMonitor m = AlertMonitor.builder(MonitoringConfig.defaults().withEvaluationInterval(Duration.ofMillis(50))
                        .withRules(List.of(AlertRule.above("high_load", "load", 90, Duration.ZERO, Severity.INFO))))
                .signal("load", () -> 99).build();
        try {
            StepVerifier.create(m.alerts().next())
                    .then(m::start)
                    .assertNext(a -> assertThat(a.rule()).isEqualTo("high_load"))
                    .verifyComplete();
        } finally {
            m.close();
        }
    }

    @Test
    void builtInJvmSignalsHaveValues() {
        AlertMonitor m = AlertMonitor.builder(MonitoringConfig.defaults().withRules(List.of(
                        AlertRule.above("any_memory", MonitoringConfig.MEMORY_PERCENT, 0, Duration.ZERO, Severity.INFO))))
                .build();
        assertThat(m.evaluate()).singleElement().satisfies(a -> assertThat(a.value()).isBetween(0.0, 100.0));
    }
}
