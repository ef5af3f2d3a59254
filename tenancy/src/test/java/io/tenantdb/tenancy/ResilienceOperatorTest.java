package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConfigLoader;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.DataIntegrityException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.QuotaExceededException;
import io.tenantdb.core.exception.TransientDataAccessException;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResilienceOperatorTest {

    static final NodeAddress GOOD = NodeAddress.of("good.local", 5432);
    static final NodeAddress BAD = NodeAddress.of("bad.local", 5432);

    static ResilienceOperator operator(ResilienceConfig.Builder config) {
        return ResilienceOperator.builder().engine(FakeNodes.ENGINE, config.build()).build();
    }

    static FakeNodes nodes(ResilienceOperator operator) {
        FakeNodes n = new FakeNodes(operator);
        n.behaviour.put(GOOD, t -> Mono.just("ok:" + t.value()));
        n.behaviour.put(BAD, t -> Mono.error(new EngineUnavailableException("connection refused", t, FakeNodes.ENGINE, null)));
        n.placement.put(TenantId.of("alpha"), BAD);
        n.placement.put(TenantId.of("gamma"), BAD);
        n.placement.put(TenantId.of("beta"), GOOD);
        return n;
    }

    @Test
    void openCircuitOnOneNodeRefusesItsTenantsButNotTenantsOnHealthyNodes() {
        ResilienceOperator op = operator(ResilienceConfig.builder().slidingWindowSize(4).maxAttempts(1)
                .waitDurationInOpenState(Duration.ofMinutes(1)));
        FakeNodes n = nodes(op);
        for (int i = 0; i < 4; i++) {
            StepVerifier.create(n.mono("alpha", OperationKind.READ)).expectError(EngineUnavailableException.class).verify();
        }
        assertThat(op.circuitState(FakeNodes.ENGINE, BAD)).isEqualTo("OPEN");
        int before = n.calls.get();
        StepVerifier.create(n.mono("gamma", OperationKind.WRITE))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(CircuitOpenException.class);
                    assertThat(((CircuitOpenException) e).isTransient()).isTrue();
                    assertThat(e.getMessage()).contains("tenant=gamma", "engine=postgresql", "bad.local:5432",
                            "half-opens at", "100% of the last 4 calls failed");
                    assertThat(e.getStackTrace()).isEmpty();
                })
                .verify();
        assertThat(n.calls.get()).as("the open node is not tried").isEqualTo(before);
        StepVerifier.create(n.mono("beta", OperationKind.READ)).expectNext("ok:beta").verifyComplete();
        assertThat(op.permits(FakeNodes.ENGINE, GOOD)).isTrue();
    }

    @Test
    void circuitHalfOpensAfterTheWaitAndClosesWhenTheNodeRecovers() throws InterruptedException {
        ResilienceOperator op = operator(ResilienceConfig.builder().slidingWindowSize(2).maxAttempts(1)
                .waitDurationInOpenState(Duration.ofMillis(200)));
        FakeNodes n = nodes(op);
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(n.mono("alpha", OperationKind.READ)).expectError(EngineUnavailableException.class).verify();
        }
        StepVerifier.create(n.mono("alpha", OperationKind.READ)).expectError(CircuitOpenException.class).verify();
        Thread.sleep(300);
        n.behaviour.put(BAD, t -> Mono.just("back"));
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(n.mono("alpha", OperationKind.READ)).expectNext("back").verifyComplete();
        }
        assertThat(op.circuitState(FakeNodes.ENGINE, BAD)).isEqualTo("CLOSED");
    }

    @Test
    void aTenantsNonTransientErrorsDoNotOpenTheNodesCircuit() {
        ResilienceOperator op = operator(ResilienceConfig.builder().slidingWindowSize(2).maxAttempts(1));
        FakeNodes n = nodes(op);
        n.behaviour.put(BAD, t -> Mono.error(new NotProvisionedException("no database", t, FakeNodes.ENGINE, null)));
        for (int i = 0; i < 5; i++) {
            StepVerifier.create(n.mono("alpha", OperationKind.READ)).expectError(NotProvisionedException.class).verify();
        }
        assertThat(op.circuitState(FakeNodes.ENGINE, BAD)).isEqualTo("CLOSED");
    }

    @Test
    void bulkheadRefusesATenantsExtraOperationWithoutTouchingOtherTenants() {
        ResilienceOperator op = operator(ResilienceConfig.builder().maxConcurrent(2));
        FakeNodes n = nodes(op);
        n.placement.put(TenantId.of("alpha"), GOOD);
        n.behaviour.put(GOOD, t -> t.value().equals("alpha") ? Mono.never() : Mono.just("ok"));
        List<Disposable> running = new ArrayList<>();
        running.add(n.mono("alpha", OperationKind.READ).subscribe());
        running.add(n.mono("alpha", OperationKind.READ).subscribe());
        StepVerifier.create(n.mono("alpha", OperationKind.READ))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(QuotaExceededException.class);
                    assertThat(e.getMessage()).contains("tenant=alpha", "max_concurrent", "2 concurrent");
                    assertThat(e.getStackTrace()).isEmpty();
                })
                .verify();
        StepVerifier.create(n.mono("beta", OperationKind.READ)).expectNext("ok").verifyComplete();
        // cancelling gives the permit back
        running.get(0).dispose();
        n.behaviour.put(GOOD, t -> Mono.just("ok"));
        StepVerifier.create(n.mono("alpha", OperationKind.READ)).expectNext("ok").verifyComplete();
        running.forEach(Disposable::dispose);
    }

    @Test
    void aStreamGivesItsBulkheadPermitBackOnCompletionErrorAndCancel() {
        ResilienceOperator op = operator(ResilienceConfig.builder().maxConcurrent(1).maxAttempts(1));
        FakeNodes n = nodes(op);
        TenantId alpha = TenantId.of("alpha");
        n.placement.put(alpha, GOOD);
        for (int i = 0; i < 3; i++) {
            StepVerifier.create(n.flux("alpha", OperationKind.READ, t -> Flux.just("a", "b"))).expectNext("a", "b")
                    .verifyComplete();
            StepVerifier.create(n.flux("alpha", OperationKind.WRITE, t -> Flux.error(new IllegalStateException("boom"))))
                    .expectErrorMessage("boom").verify(Duration.ofSeconds(5));
            StepVerifier.create(n.flux("alpha", OperationKind.READ, t -> Flux.just("x").concatWith(Flux.never())))
                    .expectNext("x").thenCancel().verify(Duration.ofSeconds(5));
        }
        // the one permit is free again: a held stream takes it, a second is refused
        Disposable held = n.flux("alpha", OperationKind.READ, t -> Flux.never()).subscribe();
        StepVerifier.create(n.flux("alpha", OperationKind.READ, t -> Flux.just("y")))
                .expectError(QuotaExceededException.class).verify(Duration.ofSeconds(5));
        held.dispose();
        StepVerifier.create(n.flux("alpha", OperationKind.READ, t -> Flux.just("y"))).expectNext("y").verifyComplete();
    }

    @Test
    void rateLimiterRefusesBeyondTheTenantsQuota() {
        ResilienceOperator op = operator(ResilienceConfig.builder().limitPerSecond(3));
        FakeNodes n = nodes(op);
        n.placement.put(TenantId.of("alpha"), GOOD);
        List<Object> outcomes = Flux.range(0, 5)
                .concatMap(i -> n.mono("alpha", OperationKind.READ).map(Object.class::cast).onErrorResume(Mono::just))
                .collectList().block();
        assertThat(outcomes).hasSize(5);
        assertThat(outcomes.stream().filter(o -> o instanceof QuotaExceededException)).hasSizeBetween(1, 2);
        assertThat(((QuotaExceededException) outcomes.get(4)).getMessage()).contains("limit_per_second");
        StepVerifier.create(n.mono("beta", OperationKind.READ)).expectNext("ok:beta").verifyComplete();
    }

    @Test
    void readsAreRetriedOnTransientErrorsWritesAndPermanentErrorsAreNot() {
        ResilienceOperator op = operator(ResilienceConfig.builder().maxAttempts(3).backoff(Duration.ofMillis(5)));
        FakeNodes n = nodes(op);
        n.placement.put(TenantId.of("alpha"), GOOD);
        AtomicInteger failuresLeft = new AtomicInteger(2);
        n.behaviour.put(GOOD, t -> failuresLeft.getAndDecrement() > 0
                ? Mono.error(new TransientDataAccessException("deadlock", t, FakeNodes.ENGINE, null)) : Mono.just("ok"));
        StepVerifier.create(n.mono("alpha", OperationKind.READ)).expectNext("ok").verifyComplete();
        assertThat(n.calls.get()).isEqualTo(3);

        n.calls.set(0);
        failuresLeft.set(2);
        StepVerifier.create(n.mono("alpha", OperationKind.WRITE)).expectError(TransientDataAccessException.class).verify();
        assertThat(n.calls.get()).as("a write is tried once").isEqualTo(1);

        n.calls.set(0);
        n.behaviour.put(GOOD, t -> Mono.error(new DataIntegrityException("bad", t, FakeNodes.ENGINE, null)));
        StepVerifier.create(n.mono("alpha", OperationKind.READ)).expectError(DataIntegrityException.class).verify();
        assertThat(n.calls.get()).as("a non-transient error is not retried").isEqualTo(1);
    }

    @Test
    void aStreamIsNotRetriedOnceItEmittedSoNoRowIsDuplicated() {
        ResilienceOperator op = operator(ResilienceConfig.builder().maxAttempts(3).backoff(Duration.ofMillis(5)));
        FakeNodes n = nodes(op);
        n.placement.put(TenantId.of("alpha"), GOOD);
        AtomicInteger failFirst = new AtomicInteger(1);
        StepVerifier.create(n.flux("alpha", OperationKind.READ, t -> failFirst.getAndDecrement() > 0
                        ? Flux.error(new TransientDataAccessException("lost", t, FakeNodes.ENGINE, null))
                        : Flux.just("a", "b")))
                .expectNext("a", "b").verifyComplete();
        assertThat(n.calls.get()).isEqualTo(2);
        n.calls.set(0);
        StepVerifier.create(n.flux("alpha", OperationKind.READ, t -> Flux.concat(Flux.just("a"),
                        Flux.error(new TransientDataAccessException("lost", t, FakeNodes.ENGINE, null)))))
                .expectNext("a").expectError(TransientDataAccessException.class).verify();
        assertThat(n.calls.get()).isEqualTo(1);
    }

    @Test
    void anOperationWithoutAnswerTimesOut() {
        ResilienceOperator op = operator(ResilienceConfig.builder().timeout(Duration.ofMillis(100)).maxAttempts(1));
        FakeNodes n = nodes(op);
        n.placement.put(TenantId.of("alpha"), GOOD);
        n.behaviour.put(GOOD, t -> Mono.never());
        StepVerifier.create(n.mono("alpha", OperationKind.WRITE))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(OperationTimeoutException.class);
                    assertThat(e.getMessage()).contains("tenant=alpha", "resilience.timeout");
                })
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(n.flux("alpha", OperationKind.READ, t -> Flux.concat(Flux.just("a"), Flux.never())))
                .expectNext("a").expectError(OperationTimeoutException.class).verify(Duration.ofSeconds(5));
    }

    @Test
    void aStreamSlowerInTotalThanTheTimeoutButWithShortGapsCompletes() {
        ResilienceOperator op = operator(ResilienceConfig.builder().timeout(Duration.ofMillis(150)).maxAttempts(1));
        FakeNodes n = nodes(op);
        n.placement.put(TenantId.of("alpha"), GOOD);
        // 12 rows 40 ms apart: ~480 ms in all, never 150 ms without a row
        StepVerifier.create(n.flux("alpha", OperationKind.READ, t -> Flux.interval(Duration.ofMillis(40)).take(12)
                        .map(String::valueOf)))
                .expectNextCount(12).expectComplete().verify(Duration.ofSeconds(5));
        // and a stream that stalls after its rows time out on the gap, not on the total
        StepVerifier.create(n.flux("alpha", OperationKind.READ, t -> Flux.concat(
                        Flux.interval(Duration.ofMillis(40)).take(6).map(String::valueOf), Flux.never())))
                .expectNextCount(6).expectError(OperationTimeoutException.class).verify(Duration.ofSeconds(5));
    }

    @Test
    void perTenantLimitersAreBoundedForManyTenants() {
        ResilienceOperator op = ResilienceOperator.builder().engine(FakeNodes.ENGINE, ResilienceConfig.DEFAULT)
                .maxTenants(50).build();
        FakeNodes n = nodes(op);
        for (int i = 0; i < 500; i++) {
            TenantId t = TenantId.of("t" + i);
            n.placement.put(t, GOOD);
            StepVerifier.create(n.mono(t.value(), OperationKind.READ)).expectNext("ok:t" + i).verifyComplete();
        }
        assertThat(op.tenantLimitersHeld()).isLessThanOrEqualTo(50);
    }

    @Test
    void settingsComeFromTheYamlResilienceSection() {
        ConfigLoader loader = ConfigLoader.of(Path.of("..", "config"));
        ResilienceConfig rc = ResilienceConfig.from(loader.loadDatabaseConfig(DatabaseType.POSTGRESQL, null, "production"));
        assertThat(rc.failureRateThreshold()).isEqualTo(50);
        assertThat(rc.waitDurationInOpenState()).isEqualTo(Duration.ofSeconds(30));
        assertThat(rc.slidingWindowSize()).isEqualTo(100);
        assertThat(rc.maxAttempts()).isEqualTo(3);
        assertThat(rc.backoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(rc.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(rc.maxConcurrent()).isEqualTo(100);
        assertThat(rc.limitPerSecond()).isEqualTo(1000);
        assertThat(rc.forTier("free").maxConcurrent()).isEqualTo(10);
        assertThat(rc.forTier("free").limitPerSecond()).isEqualTo(100);
        assertThat(rc.forTier("premium").maxConcurrent()).isEqualTo(500);
        assertThat(rc.forTier("standard")).as("no such tier: the engine's quotas").isSameAs(rc);
        assertThat(rc.bulkheadEnabled() && rc.rateLimiterEnabled() && rc.circuitBreakerEnabled()).isTrue();
        assertThatThrownBy(() -> ResilienceConfig.builder().maxConcurrent(0))
                .hasMessageContaining("bulkhead.max_concurrent must be > 0");
    }
}
