package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.MissingTenantException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class OperationRunnerTest {

    /** Records subscription and completion, and tags every value on its way out. */
    static final class Recording implements OperationOperator {
        final int order;
        final List<String> log;
        final List<OperationInfo> seen = new CopyOnWriteArrayList<>();

        Recording(int order, List<String> log) {
            this.order = order;
            this.log = log;
        }

        @Override
        public int order() {
            return order;
        }

        @Override
        public <T> Flux<T> apply(OperationInfo operation, Flux<T> source) {
            seen.add(operation);
            return Flux.defer(() -> {
                log.add("subscribe " + order);
                return source;
            }).map(v -> tag(v)).doOnComplete(() -> log.add("complete " + order));
        }

        @Override
        public <T> Mono<T> apply(OperationInfo operation, Mono<T> source) {
            seen.add(operation);
            return Mono.defer(() -> {
                log.add("subscribe " + order);
                return source;
            }).map(v -> tag(v)).doOnSuccess(v -> log.add("complete " + order));
        }

        @SuppressWarnings("unchecked")
        private <T> T tag(T value) {
            return (T) (value + ">" + order);
        }
    }

    @Test
    void withoutATenantNeitherFluxNorMonoRunsTheBody() {
        AtomicInteger calls = new AtomicInteger();
        List<String> log = new CopyOnWriteArrayList<>();
        OperationRunner runner = OperationRunner.of(List.of(new Recording(1, log)));

        StepVerifier.create(runner.flux(DatabaseType.POSTGRESQL, OperationKind.READ, "query",
                        t -> Flux.just("row").doOnSubscribe(s -> calls.incrementAndGet())))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MissingTenantException.class)
                        .hasMessageContaining("engine=postgresql"))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(runner.mono(DatabaseType.REDIS, OperationKind.WRITE, "set",
                        t -> Mono.fromCallable(calls::incrementAndGet)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MissingTenantException.class)
                        .hasMessageContaining("engine=redis"))
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(OperationRunner.none().mono(DatabaseType.REDIS, OperationKind.READ, "get",
                        t -> Mono.fromCallable(calls::incrementAndGet)))
                .expectError(MissingTenantException.class)
                .verify(Duration.ofSeconds(5));

        assertThat(calls).hasValue(0);
        assertThat(log).as("no operator ran either").isEmpty();
    }

    @Test
    void lowerOrderIsOutermostForFlux() {
        List<String> log = new CopyOnWriteArrayList<>();
        Recording o100 = new Recording(100, log);
        Recording o200 = new Recording(200, log);
        Recording o300 = new Recording(300, log);
        OperationRunner runner = OperationRunner.of(List.of(o300, o100, o200));

        StepVerifier.create(runner.flux(DatabaseType.POSTGRESQL, OperationKind.READ, "tracks",
                                t -> Flux.just("a", "b").doOnSubscribe(s -> log.add("body " + t.value())))
                        .contextWrite(TenantContext.of("acme")))
                .expectNext("a>300>200>100", "b>300>200>100")
                .verifyComplete();

        assertThat(log).containsExactly("subscribe 100", "subscribe 200", "subscribe 300", "body acme",
                "complete 300", "complete 200", "complete 100");
        OperationInfo info = new OperationInfo(DatabaseType.POSTGRESQL, TenantId.of("acme"), OperationKind.READ, "tracks");
        assertThat(o100.seen).containsExactly(info);
        assertThat(o300.seen).containsExactly(info);
    }

    @Test
    void lowerOrderIsOutermostForMono() {
        List<String> log = new CopyOnWriteArrayList<>();
        OperationRunner runner = OperationRunner.of(List.of(new Recording(2, log), new Recording(-5, log),
                new Recording(0, log)));

        StepVerifier.create(runner.mono(DatabaseType.MONGODB, OperationKind.WRITE, "insert",
                                t -> Mono.just(t.value()))
                        .contextWrite(TenantContext.of("acme")))
                .expectNext("acme>2>0>-5")
                .verifyComplete();
        assertThat(log).containsExactly("subscribe -5", "subscribe 0", "subscribe 2", "complete 2", "complete 0",
                "complete -5");
    }

    @Test
    void theTenantIsResolvedPerSubscription() {
        AtomicInteger calls = new AtomicInteger();
        Flux<String> op = OperationRunner.none().flux(DatabaseType.REDIS, OperationKind.READ, "get",
                t -> Flux.just(t.value()).doOnSubscribe(s -> calls.incrementAndGet()));

        StepVerifier.create(op.contextWrite(TenantContext.of("a"))).expectNext("a").verifyComplete();
        StepVerifier.create(op.contextWrite(TenantContext.of("b"))).expectNext("b").verifyComplete();
        assertThat(calls).hasValue(2);
    }

    @Test
    void operatorsSeeTheSubscribersContext() {
        OperationOperator readsTenant = new OperationOperator() {
            @Override
            public <T> Flux<T> apply(OperationInfo operation, Flux<T> source) {
                return source;
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> Mono<T> apply(OperationInfo operation, Mono<T> source) {
                return source.flatMap(v -> TenantContext.current().map(t -> (T) (v + "@" + t.value())));
            }
        };
        StepVerifier.create(OperationRunner.of(List.of(readsTenant))
                        .mono(DatabaseType.CLICKHOUSE, OperationKind.READ, "q", t -> Mono.just("v"))
                        .contextWrite(TenantContext.of("acme")))
                .expectNext("v@acme")
                .verifyComplete();
    }
}
