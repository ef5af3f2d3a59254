package io.tenantdb.observability;

import io.tenantdb.observability.internal.LocalInvalidationBus;
import io.tenantdb.observability.internal.StringInvalidationBus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.function.Function;

/**
 * Carries {@link CacheInvalidation}s between instances so that an invalidation on one reaches the
 * first-level caches of all. The Redis engine's pub/sub is the intended carrier; any string
 * publish/subscribe channel can be adapted with {@link #over(Function, Flux)}. Over the Redis
 * engine (whose pub/sub is tenant-scoped, so every instance uses one dedicated tenant's channel; the
 * message itself names the tenant whose entries go):
 *
 * <pre>{@code
 * RedisKeyValueSession kv = db.session(DatabaseType.REDIS, RedisKeyValueSession.class);
 * TenantId busTenant = TenantId.of("tenantdb_bus");
 * CacheInvalidationBus bus = CacheInvalidationBus.over(
 *     message -> kv.publish("cache_invalidation", message).contextWrite(TenantContext.of(busTenant)).then(),
 *     kv.subscribe("cache_invalidation").map(RedisMessage::message)
 *         .contextWrite(TenantContext.of(busTenant)).share());
 * }</pre>
 *
 * <p>Pub/sub keeps nothing: an instance receives what is published after its subscription is
 * acknowledged, so an instance starting up should not trust entries older than its subscription
 * (its L1 is empty then anyway).
 */
public interface CacheInvalidationBus {

    /**
     * @param invalidation the message
     * @return completes when handed to the carrier
     */
    Mono<Void> publish(CacheInvalidation invalidation);

    /** @return every invalidation published by any instance, own ones included (hot) */
    Flux<CacheInvalidation> invalidations();

    /** @return a bus inside this JVM only (caches of one process, tests) */
    static CacheInvalidationBus inMemory() {
        return new LocalInvalidationBus();
    }

    /**
     * Adapts a string channel, e.g. Redis {@code PUBLISH}/{@code SUBSCRIBE}.
     *
     * @param publish  publishes one message
     * @param received every message received on the channel (hot); malformed ones are ignored
     * @return the bus
     */
    static CacheInvalidationBus over(Function<String, Mono<Void>> publish, Flux<String> received) {
        return new StringInvalidationBus(publish, received);
    }
}
