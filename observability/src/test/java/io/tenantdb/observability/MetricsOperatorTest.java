package io.tenantdb.observability;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.spi.OperationRunner;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsOperatorTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static OperationRunner runner(MetricsOperator op) {
        return OperationRunner.of(List.of(op));
    }

    @Test
    void timesAStreamAndCountsItsItemsUnderTheTenantTag() {
        MetricsOperator metrics = MetricsOperator.builder(registry).build();
        Flux<Integer> rows = runner(metrics).flux(DatabaseType.POSTGRESQL, OperationKind.READ, "tracks_by_artist",
                t -> Flux.just(1, 2, 3));

        StepVerifier.create(rows.contextWrite(TenantContext.of("acme"))).expectNextCount(3).verifyComplete();

        Timer timer = registry.get(MetricNames.OPERATION).tag("engine", "postgresql").tag("operation", "tracks_by_artist")
                .tag("kind", "read").tag("outcome", "success").tag("tenant", "acme").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.ITEMS).tag("tenant", "acme").counter().count()).isEqualTo(3.0);
        assertThat(registry.get(MetricNames.ENGINE_LATENCY).tag("engine", "postgresql").timer().count()).isEqualTo(1);
        assertThat(metrics.operationCount()).isEqualTo(1);
    }

    @Test
    void countsErrorsByTypeAndTransientFlagAndTimeouts() {
        MetricsOperator metrics = MetricsOperator.builder(registry).build();
        TenantId acme = TenantId.of("acme");
        Mono<String> failing = runner(metrics).mono(DatabaseType.REDIS, OperationKind.READ, "get",
                t -> Mono.error(new OperationTimeoutException("statement timeout", t, DatabaseType.REDIS, null)));

        StepVerifier.create(failing.contextWrite(TenantContext.of(acme))).expectError(OperationTimeoutException.class).verify();

        assertThat(registry.get(MetricNames.OPERATION).tag("outcome", "error").timer().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.ERRORS).tag("exception", "OperationTimeoutException")
                .tag("transient", "true").tag("engine", "redis").counter().count()).isEqualTo(1.0);
        assertThat(registry.get(MetricNames.TIMEOUTS).tag("operation", "get").counter().count()).isEqualTo(1.0);
        assertThat(registry.find(MetricNames.ITEMS).meters()).as("a Mono streams no items").isEmpty();
    }

    @Test
    void aCancelledStreamIsRecordedAsCancel() {
        MetricsOperator metrics = MetricsOperator.builder(registry).build();
        Flux<Long> endless = runner(metrics).flux(DatabaseType.MONGODB, OperationKind.READ, "find",
                t -> Flux.interval(Duration.ofMillis(1)));

        StepVerifier.create(endless.take(5).contextWrite(TenantContext.of("acme"))).expectNextCount(5).verifyComplete();

        assertThat(registry.get(MetricNames.OPERATION).tag("outcome", "cancel").timer().count()).isEqualTo(1);
        assertThat(registry.get(MetricNames.ITEMS).counter().count()).isEqualTo(5.0);
    }

    @Test
    void hundredThousandTenantsKeepTheMeterCountAndTheTrackerBounded() {
        int topN = 10;
        MetricsOperator metrics = MetricsOperator.builder(registry).topTenants(topN).sketchCapacity(200).build();
        OperationRunner runner = runner(metrics);
        Mono<String> op = runner.mono(DatabaseType.REDIS, OperationKind.READ, "get", t -> Mono.just("v"));
        for (int i = 0; i < 100_000; i++) {
            op.contextWrite(TenantContext.of("t" + i)).block();
        }
        long tenantsTagged = registry.find(MetricNames.OPERATION).meters().stream()
                .map(m -> m.getId().getTag("tenant")).distinct().count();
        assertThat(tenantsTagged).isLessThanOrEqualTo(topN + 1);
        assertThat(registry.getMeters().size()).isLessThan(100);
        assertThat(metrics.trackedTenantCount()).isLessThanOrEqualTo(200);
        assertThat(metrics.topTenants()).hasSizeLessThanOrEqualTo(topN);
        assertThat(metrics.drainTenantSamples()).hasSizeLessThanOrEqualTo(topN + 1);
    }

    @Test
    void operationNamesAreBoundedToo() {
        MetricsOperator metrics = MetricsOperator.builder(registry).build();
        OperationRunner runner = runner(metrics);
        for (int i = 0; i < MetricsOperator.MAX_OPERATION_NAMES + 50; i++) {
            runner.mono(DatabaseType.REDIS, OperationKind.READ, "op" + i, t -> Mono.just("v"))
                    .contextWrite(TenantContext.of("acme")).block();
        }
        assertThat(registry.find(MetricNames.OPERATION).meters()).hasSize(MetricsOperator.MAX_OPERATION_NAMES + 1);
        assertThat(registry.get(MetricNames.OPERATION).tag("operation", MetricsOperator.OTHER_OPERATION).timer().count())
                .isEqualTo(50);
    }

    @Test
    void heavyTenantsWinTheirOwnTagAgainstAChurnOfSmallOnes() {
        MetricsOperator metrics = MetricsOperator.builder(registry).topTenants(3).sketchCapacity(64).build();
        Mono<String> op = runner(metrics).mono(DatabaseType.REDIS, OperationKind.READ, "get", t -> Mono.just("v"));
        // the small tenants arrive first and take the free tags
        for (int i = 0; i < 3; i++) {
            op.contextWrite(TenantContext.of("small" + i)).block();
        }
        for (int round = 0; round < 300; round++) {
            op.contextWrite(TenantContext.of("heavy_a")).block();
            op.contextWrite(TenantContext.of("heavy_b")).block();
            op.contextWrite(TenantContext.of("heavy_c")).block();
            op.contextWrite(TenantContext.of("small_" + round)).block();
        }
        assertThat(metrics.topTenants()).containsExactlyInAnyOrder("heavy_a", "heavy_b", "heavy_c");
        assertThat(metrics.tenantTag(TenantId.of("small_7"))).isEqualTo(MetricNames.OTHER_TENANT);
        assertThat(registry.find(MetricNames.OPERATION).tag("tenant", "small0").meters())
                .as("a demoted tenant's meters are removed").isEmpty();
        assertThat(registry.find(MetricNames.OPERATION).tag("tenant", "other").timer().count()).isGreaterThan(250);
    }

    @Test
    void eachOperationIsAnObservationChildOfTheSubscribersObservation() {
        List<Observation.Context> started = new CopyOnWriteArrayList<>();
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new ObservationHandler<>() {
            @Override
            public void onStart(Observation.Context context) {
                started.add(context);
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }
        });
        MetricsOperator metrics = MetricsOperator.builder(registry).observationRegistry(observations).topTenants(1).build();
        Observation parent = Observation.start("request", observations);
        Mono<String> op = runner(metrics).mono(DatabaseType.POSTGRESQL, OperationKind.WRITE, "insert_track",
                t -> Mono.just("ok"));

        op.contextWrite(TenantContext.of("big")).contextWrite(c -> c.put(MetricsOperator.OBSERVATION_CONTEXT_KEY, parent)).block();
        op.contextWrite(TenantContext.of("small")).block();
        parent.stop();

        List<Observation.Context> ops = started.stream().filter(c -> c.getName().equals(MetricsOperator.OBSERVATION_NAME)).toList();
        assertThat(ops).hasSize(2);
        assertThat(ops.get(0).getParentObservation()).isSameAs(parent);
        assertThat(ops.get(0).getLowCardinalityKeyValue("tenantdb.tenant").getValue()).isEqualTo("big");
        assertThat(ops.get(1).getLowCardinalityKeyValue("tenantdb.tenant").getValue()).isEqualTo("other");
        assertThat(ops.get(1).getHighCardinalityKeyValue("tenantdb.tenant.id").getValue()).isEqualTo("small");
    }

    @Test
    void slowOperationsAreLoggedWithTenantEngineAndNameOnly() {
        Logger slowLog = (Logger) LoggerFactory.getLogger("io.tenantdb.observability.slow");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        slowLog.addAppender(appender);
        try {
            MetricsOperator metrics = MetricsOperator.builder(registry).slowThreshold(Duration.ofMillis(20)).build();
            String secretValue = "card-4111111111111111";
            Mono<String> slow = runner(metrics).mono(DatabaseType.POSTGRESQL, OperationKind.READ, "find_card",
                    t -> Mono.just(secretValue).delayElement(Duration.ofMillis(50)));
            Mono<String> fast = runner(metrics).mono(DatabaseType.POSTGRESQL, OperationKind.READ, "fast",
                    t -> Mono.just(secretValue));

            slow.contextWrite(TenantContext.of("acme")).block();
            fast.contextWrite(TenantContext.of("acme")).block();

            assertThat(appender.list).hasSize(1);
            String line = appender.list.get(0).getFormattedMessage();
            assertThat(line).contains("tenant=acme", "engine=postgresql", "operation=find_card").doesNotContain(secretValue);
            assertThat(registry.get(MetricNames.SLOW).counter().count()).isEqualTo(1.0);
        } finally {
            slowLog.detachAppender(appender);
        }
    }

    @Test
    void p99OfTheEngineLatencyFeedsTheLatencySignal() {
        MetricsOperator metrics = MetricsOperator.builder(registry).build();
        assertThat(metrics.latencyP99Millis()).isZero();
        Mono<String> slow = runner(metrics).mono(DatabaseType.POSTGRESQL, OperationKind.READ, "q",
                t -> Mono.just("x").delayElement(Duration.ofMillis(30)));
        slow.contextWrite(TenantContext.of("acme")).block();
        assertThat(metrics.latencyP99Millis()).isGreaterThanOrEqualTo(25.0);
        assertThat(registry.get(MetricNames.OPERATION).tag("outcome", "success").timer().count())
                .as("a Mono that delivered its value succeeded, even when block() cancels after it").isEqualTo(1);
    }
}
