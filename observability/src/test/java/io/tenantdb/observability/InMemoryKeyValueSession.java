package io.tenantdb.observability;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.KeyValueSession;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;

/** A tenant-prefixing key-value session in memory, standing in for L2 in unit tests (no server). */
final class InMemoryKeyValueSession implements KeyValueSession {

    final Map<String, String> data = new ConcurrentHashMap<>();
    final AtomicInteger gets = new AtomicInteger();
    volatile boolean failing;

    private <T> Mono<T> scoped(Function<String, Mono<T>> body) {
        return TenantContext.current().flatMap(t -> failing
                ? Mono.error(new IllegalStateException("connection refused"))
                : body.apply(t.value() + ":"));
    }

    private static void literal(String key) {
        if (key.matches(".*[*?\\[\\]\\r\\n ].*")) {
            throw new IllegalArgumentException("key with glob or whitespace characters refused: " + key);
        }
    }

    @Override
    public Mono<String> get(String key) {
        literal(key);
        gets.incrementAndGet();
        return scoped(p -> Mono.justOrEmpty(data.get(p + key)));
    }

    @Override
    public Mono<Void> set(String key, String value) {
        literal(key);
        return scoped(p -> Mono.fromRunnable(() -> data.put(p + key, value)));
    }

    @Override
    public Mono<Void> set(String key, String value, Duration ttl) {
        return set(key, value);
    }

    @Override
    public Mono<Boolean> setIfAbsent(String key, String value, Duration ttl) {
        return scoped(p -> Mono.just(data.putIfAbsent(p + key, value) == null));
    }

    @Override
    public Mono<Long> delete(String... keys) {
        return scoped(p -> {
            long n = 0;
            for (String k : keys) {
                literal(k);
                n += data.remove(p + k) != null ? 1 : 0;
            }
            return Mono.just(n);
        });
    }

    @Override
    public Mono<Boolean> exists(String key) {
        return scoped(p -> Mono.just(data.containsKey(p + key)));
    }

    @Override
    public Mono<Long> increment(String key) {
        return Mono.error(new UnsupportedOperationException());
    }

    @Override
    public Mono<Boolean> expire(String key, Duration ttl) {
        return Mono.just(true);
    }

    @Override
    public Mono<Duration> ttl(String key) {
        return Mono.empty();
    }

    @Override
    public Flux<String> scan(String pattern) {
        Pattern glob = Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
        return scoped(p -> Mono.just(p)).flatMapMany(p -> Flux.fromIterable(data.keySet())
                .filter(k -> k.startsWith(p)).map(k -> k.substring(p.length())).filter(k -> glob.matcher(k).matches()));
    }

    @Override
    public Mono<Boolean> hset(String key, String field, String value) {
        return Mono.error(new UnsupportedOperationException());
    }

    @Override
    public Mono<String> hget(String key, String field) {
        return Mono.error(new UnsupportedOperationException());
    }

    @Override
    public Mono<Map<String, String>> hgetall(String key) {
        return Mono.error(new UnsupportedOperationException());
    }

    @Override
    public DatabaseType engine() {
        return DatabaseType.REDIS;
    }

    @Override
    public <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work) {
        return Flux.error(new UnsupportedFeatureException("no native client", null, DatabaseType.REDIS, null));
    }
}
