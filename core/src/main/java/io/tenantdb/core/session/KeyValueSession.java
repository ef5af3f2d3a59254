package io.tenantdb.core.session;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Map;

/**
 * Tenant-scoped keys and values: Redis. Keys are logical: the engine places them in the tenant's
 * namespace (prefix, logical database) and strips it from what it returns. Caller-supplied keys and
 * patterns with glob characters where a literal is expected, or with CR/LF, are refused.
 *
 * @apiNote nothing happens until subscription.
 */
public interface KeyValueSession extends Session {

    /** @param key the key @return the value, or empty */
    Mono<String> get(String key);

    /** @param key the key @param value the value @return completes when stored */
    Mono<Void> set(String key, String value);

    /**
     * @param key   the key
     * @param value the value
     * @param ttl   time to live, &gt; 0
     * @return completes when stored
     */
    Mono<Void> set(String key, String value, Duration ttl);

    /**
     * @param key   the key
     * @param value the value
     * @param ttl   time to live, or {@code null} for none
     * @return {@code true} when stored, {@code false} when the key existed
     */
    Mono<Boolean> setIfAbsent(String key, String value, Duration ttl);

    /** @param keys the keys @return how many existed and were deleted */
    Mono<Long> delete(String... keys);

    /** @param key the key @return whether it exists */
    Mono<Boolean> exists(String key);

    /** @param key the key @return the value after adding one */
    Mono<Long> increment(String key);

    /** @param key the key @param ttl the new time to live @return whether the key existed */
    Mono<Boolean> expire(String key, Duration ttl);

    /** @param key the key @return the remaining time to live; empty when the key has none or is absent */
    Mono<Duration> ttl(String key);

    /**
     * Streams the tenant's keys matching a glob pattern, incrementally ({@code SCAN}, never
     * {@code KEYS}).
     *
     * @param pattern a glob relative to the tenant's namespace, e.g. {@code user:*}
     * @return the logical keys
     */
    Flux<String> scan(String pattern);

    /** @param key the hash @param field the field @param value the value @return whether the field is new */
    Mono<Boolean> hset(String key, String field, String value);

    /** @param key the hash @param field the field @return the value, or empty */
    Mono<String> hget(String key, String field);

    /** @param key the hash @return every field and value */
    Mono<Map<String, String>> hgetall(String key);
}
