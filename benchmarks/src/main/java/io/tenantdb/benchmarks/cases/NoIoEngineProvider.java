package io.tenantdb.benchmarks.cases;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.reactivestreams.Publisher;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.KeyValueSession;
import io.tenantdb.core.session.Session;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.EngineProvider;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.spi.TargetResolver;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A key-value engine without I/O, for {@code operators_overhead}: {@code get} goes through the operator chain
 * and the target resolver like every engine's operation (the resolved target through
 * {@code TargetResolver.withTarget}, as the engines do), then acquires, uses and releases an in-memory
 * "connection" with {@code Mono.usingWhen}. Not registered with the {@code ServiceLoader} (it would shadow the
 * Redis engine): the benchmark creates it directly with a {@code DefaultEngineContext}.
 */
final class NoIoEngineProvider implements EngineProvider {

    @Override
    public Set<DatabaseType> types() {
        return EnumSet.of(DatabaseType.REDIS);
    }

    @Override
    public Engine create(EngineContext context) {
        return new NoIoEngine(context);
    }

    private static final class NoIoEngine implements Engine {

        private final EngineContext context;
        private final NoIoSession session;

        NoIoEngine(EngineContext context) {
            this.context = context;
            this.session = new NoIoSession(context);
        }

        @Override
        public DatabaseType type() {
            return context.type();
        }

        @Override
        public Set<IsolationStrategy> supportedStrategies() {
            return EnumSet.allOf(IsolationStrategy.class);
        }

        @Override
        public <S extends Session> S session(Class<S> family) {
            if (!family.isInstance(session)) {
                throw new UnsupportedFeatureException("no-I/O engine offers only KeyValueSession", null, type(), null);
            }
            return family.cast(session);
        }

        @Override
        public Mono<Void> provision(TenantId tenant) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> deprovision(TenantId tenant) {
            return Mono.empty();
        }

        @Override
        public Flux<Health> health() {
            return Flux.empty();
        }

        @Override
        public Mono<Void> closeAsync() {
            return Mono.empty();
        }
    }

    private static final class NoIoSession implements KeyValueSession {

        private final EngineContext context;
        private final Object connection = new Object();

        NoIoSession(EngineContext context) {
            this.context = context;
        }

        @Override
        public Mono<String> get(String key) {
            return context.operations().mono(context.type(), OperationKind.READ, "get", tenant ->
                    TargetResolver.withTarget(context.targets().resolve(context.type(), tenant, OperationKind.READ),
                            target -> Mono.usingWhen(Mono.just(connection),
                                    c -> Mono.just(target.tenant().value()),
                                    c -> Mono.empty())));
        }

        @Override
        public DatabaseType engine() {
            return context.type();
        }

        @Override
        public <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work) {
            return unsupported();
        }

        private <T> Flux<T> unsupported() {
            return Flux.error(new UnsupportedOperationException("no-I/O engine"));
        }

        @Override
        public Mono<Void> set(String key, String value) {
            return unsupported().then();
        }

        @Override
        public Mono<Void> set(String key, String value, Duration ttl) {
            return unsupported().then();
        }

        @Override
        public Mono<Boolean> setIfAbsent(String key, String value, Duration ttl) {
            return unsupported().next().cast(Boolean.class);
        }

        @Override
        public Mono<Long> delete(String... keys) {
            return unsupported().next().cast(Long.class);
        }

        @Override
        public Mono<Boolean> exists(String key) {
            return unsupported().next().cast(Boolean.class);
        }

        @Override
        public Mono<Long> increment(String key) {
            return unsupported().next().cast(Long.class);
        }

        @Override
        public Mono<Boolean> expire(String key, Duration ttl) {
            return unsupported().next().cast(Boolean.class);
        }

        @Override
        public Mono<Duration> ttl(String key) {
            return unsupported().next().cast(Duration.class);
        }

        @Override
        public Flux<String> scan(String pattern) {
            return unsupported();
        }

        @Override
        public Mono<Boolean> hset(String key, String field, String value) {
            return unsupported().next().cast(Boolean.class);
        }

        @Override
        public Mono<String> hget(String key, String field) {
            return unsupported().next().cast(String.class);
        }

        @Override
        public Mono<Map<String, String>> hgetall(String key) {
            return Mono.error(new UnsupportedOperationException("no-I/O engine"));
        }
    }
}
