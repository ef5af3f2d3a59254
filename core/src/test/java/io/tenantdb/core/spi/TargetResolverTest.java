package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.internal.DefaultEngineContext;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TargetResolverTest {

    private static final TenantId A = TenantId.of("acme");

    private static final DatabaseConfig CONFIG = DatabaseConfig.builder(DatabaseType.REDIS)
            .connection(new ConnectionConfig(List.of(NodeAddress.of("127.0.0.1", 6379)), null, null,
                    Secret.literal("pw"), TlsConfig.DISABLED, Duration.ofSeconds(1), Map.of()))
            .build();

    private static Mono<Target> resolved() {
        EngineContext context = new DefaultEngineContext(DatabaseType.REDIS, CONFIG, Map.of(), (TargetResolver) null,
                OperationRunner.none());
        return TargetResolver.firstHost(context).resolve(DatabaseType.REDIS, A, OperationKind.READ);
    }

    @Test
    void anOperationRunsOnTheTargetWhetherItIsKnownAtOnceOrLater() {
        Mono<Target> later = resolved().delayElement(Duration.ofMillis(10), Schedulers.parallel());
        for (Mono<Target> target : List.of(resolved(), later)) {
            StepVerifier.create(TargetResolver.withTarget(target, t -> Mono.just(t.tenant().value() + "@" + t.node())))
                    .expectNext("acme@127.0.0.1:6379")
                    .verifyComplete();
            StepVerifier.create(TargetResolver.withTargetMany(target, t -> Flux.just(t.kind(), t.strategy())))
                    .expectNextCount(2)
                    .verifyComplete();
        }
    }

    @Test
    void aFailedResolutionOrAThrowingOperationIsTheOperationsError() {
        IllegalStateException down = new IllegalStateException("no node");
        StepVerifier.create(TargetResolver.withTarget(Mono.error(down), t -> Mono.just("ran")))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(down))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(TargetResolver.withTargetMany(Mono.error(down), t -> Flux.just("ran")))
                .expectErrorSatisfies(e -> assertThat(e).isSameAs(down))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(TargetResolver.<String>withTarget(resolved(), t -> {
                    throw new IllegalArgumentException("bad key");
                }))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessage("bad key"))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(TargetResolver.<String>withTargetMany(resolved(), t -> {
                    throw new IllegalArgumentException("bad key");
                }))
                .expectErrorSatisfies(e -> assertThat(e).hasMessage("bad key"))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(TargetResolver.withTarget(Mono.<Target>empty(), t -> Mono.just("ran")))
                .verifyComplete();
    }
}
