package io.tenantdb.core;

import io.tenantdb.core.exception.InvalidTenantException;
import io.tenantdb.core.exception.MissingTenantException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.util.context.Context;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantContextTest {

    @Test
    void noTenantFailsClosed() {
        StepVerifier.create(TenantContext.current())
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MissingTenantException.class)
                        .hasMessageContaining("contextWrite(TenantContext.of"))
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void aTenantRanBeforeOnTheSameThreadIsNotReused() {
        assertThat(TenantContext.current().contextWrite(TenantContext.of("acme")).block()).isEqualTo(TenantId.of("acme"));
        StepVerifier.create(TenantContext.current()).expectError(MissingTenantException.class).verify(Duration.ofSeconds(5));
    }

    @Test
    void currentReadsTheSubscribersContext() {
        StepVerifier.create(TenantContext.current().contextWrite(TenantContext.of("acme")))
                .expectNext(TenantId.of("acme"))
                .verifyComplete();
    }

    @Test
    void ofValidatesEagerly() {
        assertThatThrownBy(() -> TenantContext.of("x'; DROP TABLE t;--")).isInstanceOf(InvalidTenantException.class);
        assertThatThrownBy(() -> TenantContext.of((TenantId) null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void propagatesAcrossFlatMapPublishOnAndSubscribeOn() {
        Flux<String> pipeline = Flux.range(1, 50)
                .flatMap(i -> TenantContext.current().map(t -> t.value() + ":" + i))
                .publishOn(Schedulers.parallel())
                .flatMap(s -> TenantContext.current()
                        .publishOn(Schedulers.boundedElastic())
                        .map(t -> s + ":" + t.value() + ":" + Thread.currentThread().getName()))
                .subscribeOn(Schedulers.boundedElastic())
                .contextWrite(TenantContext.of("acme"));

        List<String> out = pipeline.collectList().block(Duration.ofSeconds(10));
        assertThat(out).hasSize(50).allSatisfy(s -> assertThat(s).startsWith("acme:").contains(":acme:boundedElastic"));
    }

    @Test
    void concurrentPipelinesKeepTheirOwnTenant() {
        List<Boolean> checks = Flux.range(0, 200)
                .flatMap(i -> {
                    String tenant = "tenant_" + (i % 7);
                    return Mono.delay(Duration.ofMillis(i % 5))
                            .publishOn(Schedulers.parallel())
                            .then(TenantContext.current())
                            .map(t -> t.value().equals(tenant))
                            .contextWrite(TenantContext.of(tenant));
                }, 64)
                .collectList()
                .block(Duration.ofSeconds(10));
        assertThat(checks).hasSize(200).containsOnly(true);
    }

    @Test
    void theInnermostContextWriteWins() {
        StepVerifier.create(TenantContext.current()
                        .contextWrite(TenantContext.of("inner"))
                        .contextWrite(TenantContext.of("outer")))
                .expectNext(TenantId.of("inner"))
                .verifyComplete();
    }

    @Test
    void clearRemovesTheTenant() {
        StepVerifier.create(TenantContext.current()
                        .contextWrite(TenantContext.clear())
                        .contextWrite(TenantContext.of("acme")))
                .expectError(MissingTenantException.class)
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void otherContextEntriesAreKept() {
        StepVerifier.create(Mono.deferContextual(c -> Mono.just(c.get("trace") + "/" + TenantContext.find(c).orElseThrow()))
                        .contextWrite(TenantContext.of("acme"))
                        .contextWrite(Context.of("trace", "t-1")))
                .expectNext("t-1/acme")
                .verifyComplete();
    }

    @Test
    void findOnAnEmptyContext() {
        assertThat(TenantContext.find(Context.empty())).isEmpty();
        assertThat(TenantContext.find(Context.of(TenantContext.KEY, TenantId.of("acme")))).contains(TenantId.of("acme"));
        assertThat(TenantContext.find(Context.of("tenant", "acme"))).as("a string key is not the tenant").isEmpty();
    }
}
