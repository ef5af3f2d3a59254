package io.tenantdb.core.testengine;

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
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A no-I/O engine for the façade's unit tests: a key-value store in memory, one map per tenant,
 * serving the REDIS type. It exercises ServiceLoader discovery, the operator chain and tenant
 * resolution without a server.
 */
public final class InMemoryEngineProvider implements EngineProvider {

    /** Engines created, newest last, so tests can inspect them. */
    public static final List<InMemoryEngine> CREATED = new CopyOnWriteArrayList<>();

    @Override
    public Set<DatabaseType> types() {
        return Set.of(DatabaseType.REDIS);
    }

    @Override
    public Engine create(EngineContext context) {
        InMemoryEngine engine = new InMemoryEngine(context);
        CREATED.add(engine);
        return engine;
    }

    /** The engine. */
    public static final class InMemoryEngine implements Engine {
        private final EngineContext context;
        private final Map<TenantId, Map<String, String>> data = new ConcurrentHashMap<>();
        /** Whether closeAsync ran. */
        public final AtomicBoolean closed = new AtomicBoolean();

        InMemoryEngine(EngineContext context) {
            this.context = context;
        }

        /** @return the context the façade gave */
        public EngineContext context() {
            return context;
        }

        @Override
        public DatabaseType type() {
            return DatabaseType.REDIS;
        }

        @Override
        public Set<IsolationStrategy> supportedStrategies() {
            return Set.of(IsolationStrategy.SCHEMA_PER_TENANT);
        }

        @Override
        public <S extends Session> S session(Class<S> family) {
            if (family != KeyValueSession.class) {
                throw new UnsupportedFeatureException("only key-value", null, DatabaseType.REDIS, null);
            }
            return family.cast(new Kv());
        }

        @Override
        public Mono<Void> provision(TenantId tenant) {
            return Mono.fromRunnable(() -> data.putIfAbsent(tenant, new ConcurrentHashMap<>()));
        }

        @Override
        public Mono<Void> deprovision(TenantId tenant) {
            return Mono.fromRunnable(() -> data.remove(tenant));
        }

        @Override
        public Flux<Health> health() {
            return Flux.just(new Health(DatabaseType.REDIS, "memory", Health.Status.UP, Duration.ZERO, "in memory"));
        }

        @Override
        public Mono<Void> closeAsync() {
            return Mono.fromRunnable(() -> closed.set(true));
        }

        /** @param tenant a tenant @return whether it is provisioned */
        public boolean provisioned(TenantId tenant) {
            return data.containsKey(tenant);
        }

        private Map<String, String> of(TenantId tenant) {
            Map<String, String> m = data.get(tenant);
            if (m == null) {
                throw new io.tenantdb.core.exception.NotProvisionedException("tenant not provisioned", tenant, DatabaseType.REDIS, null);
            }
            return m;
        }

        private final class Kv implements KeyValueSession {
            @Override
            public DatabaseType engine() {
                return DatabaseType.REDIS;
            }

            @Override
            public <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work) {
                return Flux.error(new UnsupportedFeatureException("no native client", null, DatabaseType.REDIS, null));
            }

            @Override
            public Mono<String> get(String key) {
                return context.operations().mono(DatabaseType.REDIS, OperationKind.READ, "get",
                        t -> Mono.justOrEmpty(of(t).get(key)));
            }

            @Override
            public Mono<Void> set(String key, String value) {
                return context.operations().mono(DatabaseType.REDIS, OperationKind.WRITE, "set",
                        t -> Mono.fromRunnable(() -> of(t).put(key, value)));
            }

            @Override
            public Mono<Void> set(String key, String value, Duration ttl) {
                return set(key, value);
            }

            @Override
            public Mono<Boolean> setIfAbsent(String key, String value, Duration ttl) {
                return context.operations().mono(DatabaseType.REDIS, OperationKind.WRITE, "setnx",
                        t -> Mono.fromCallable(() -> of(t).putIfAbsent(key, value) == null));
            }

            @Override
            public Mono<Long> delete(String... keys) {
                return context.operations().mono(DatabaseType.REDIS, OperationKind.WRITE, "del", t -> Mono.fromCallable(() -> {
                    long n = 0;
                    for (String k : keys) {
                        n += of(t).remove(k) != null ? 1 : 0;
                    }
                    return n;
                }));
            }

            @Override
            public Mono<Boolean> exists(String key) {
                return get(key).map(v -> true).defaultIfEmpty(false);
            }

            @Override
            public Mono<Long> increment(String key) {
                return context.operations().mono(DatabaseType.REDIS, OperationKind.WRITE, "incr",
                        t -> Mono.fromCallable(() -> Long.parseLong(of(t).merge(key, "1", (a, b) -> String.valueOf(Long.parseLong(a) + 1)))));
            }

            @Override
            public Mono<Boolean> expire(String key, Duration ttl) {
                return exists(key);
            }

            @Override
            public Mono<Duration> ttl(String key) {
                return Mono.empty();
            }

            @Override
            public Flux<String> scan(String pattern) {
                return context.operations().flux(DatabaseType.REDIS, OperationKind.READ, "scan",
                        t -> Flux.fromIterable(of(t).keySet()).sort());
            }

            @Override
            public Mono<Boolean> hset(String key, String field, String value) {
                return Mono.error(new UnsupportedFeatureException("no hashes", null, DatabaseType.REDIS, null));
            }

            @Override
            public Mono<String> hget(String key, String field) {
                return Mono.error(new UnsupportedFeatureException("no hashes", null, DatabaseType.REDIS, null));
            }

            @Override
            public Mono<Map<String, String>> hgetall(String key) {
                return Mono.error(new UnsupportedFeatureException("no hashes", null, DatabaseType.REDIS, null));
            }
        }
    }
}
