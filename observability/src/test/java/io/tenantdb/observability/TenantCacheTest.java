package io.tenantdb.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.exception.MissingTenantException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantCacheTest {

    private final AtomicInteger loads = new AtomicInteger();

    /** A loader answering "tenant:key", reading the tenant from the context like a real query would. */
    private final Function<String, Mono<String>> loader = key -> TenantContext.current()
            .map(t -> t.value() + ":" + key)
            .doOnSubscribe(s -> loads.incrementAndGet());

    private static TenantCache.Builder<String> cache() {
        return TenantCache.builder("titles", CacheCodec.string());
    }

    @Test
    void theSameKeyOfTwoTenantsNeverSharesAnEntry() {
        TenantCache<String> cache = cache().build();

        assertThat(cache.get("track:1", loader).contextWrite(TenantContext.of("acme")).block()).isEqualTo("acme:track:1");
        assertThat(cache.get("track:1", loader).contextWrite(TenantContext.of("globex")).block()).isEqualTo("globex:track:1");
        assertThat(cache.get("track:1", loader).contextWrite(TenantContext.of("acme")).block()).isEqualTo("acme:track:1");
        assertThat(cache.get("track:1", loader).contextWrite(TenantContext.of("globex")).block()).isEqualTo("globex:track:1");

        assertThat(loads).hasValue(2);
        assertThat(cache.l1HitCount()).isEqualTo(2);
        assertThat(cache.estimatedSize()).isEqualTo(2);
    }

    @Test
    void hundredConcurrentGetsOfOneKeyLoadOnce() {
        TenantCache<String> cache = cache().build();
        Function<String, Mono<String>> slowLoader = key -> loader.apply(key).delayElement(Duration.ofMillis(200));

        List<String> values = Flux.range(0, 100)
                .flatMap(i -> cache.get("hot", slowLoader).contextWrite(TenantContext.of("acme")), 100)
                .collectList().block(Duration.ofSeconds(10));

        assertThat(values).hasSize(100).containsOnly("acme:hot");
        assertThat(loads).hasValue(1);
    }

    @Test
    void aCancelledWaiterDoesNotCancelTheLoadOthersWaitOn() {
        TenantCache<String> cache = cache().build();
        Function<String, Mono<String>> slowLoader = key -> loader.apply(key).delayElement(Duration.ofMillis(200));

        StepVerifier.create(cache.get("k", slowLoader).contextWrite(TenantContext.of("acme")))
                .expectSubscription().thenCancel().verify();
        assertThat(cache.get("k", slowLoader).contextWrite(TenantContext.of("acme")).block()).isEqualTo("acme:k");
        assertThat(loads).hasValue(1);
    }

    @Test
    void emptyAndFailedLoadsAreNotCached() {
        TenantCache<String> cache = cache().build();
        AtomicInteger calls = new AtomicInteger();
        Function<String, Mono<String>> failing = k -> Mono.defer(() -> calls.incrementAndGet() == 1
                ? Mono.error(new IllegalStateException("db down")) : Mono.empty());

        StepVerifier.create(cache.get("k", failing).contextWrite(TenantContext.of("acme")))
                .expectErrorMessage("db down").verify();
        StepVerifier.create(cache.get("k", failing).contextWrite(TenantContext.of("acme"))).verifyComplete();
        StepVerifier.create(cache.get("k", loader).contextWrite(TenantContext.of("acme"))).expectNext("acme:k").verifyComplete();
        assertThat(calls).hasValue(2);
    }

    @Test
    void withoutATenantTheCacheFailsClosed() {
        TenantCache<String> cache = cache().build();
        StepVerifier.create(cache.get("k", loader)).expectError(MissingTenantException.class).verify();
        StepVerifier.create(cache.invalidate("k")).expectError(MissingTenantException.class).verify();
        assertThat(loads).hasValue(0);
    }

    @Test
    void secondLevelServesAnotherInstanceAndKeysAreSafe() {
        InMemoryKeyValueSession redis = new InMemoryKeyValueSession();
        TenantCache<String> one = cache().l2(redis, Duration.ofMinutes(1)).build();
        TenantCache<String> two = cache().l2(redis, Duration.ofMinutes(1)).build();

        assertThat(one.get("a*b c?", loader).contextWrite(TenantContext.of("acme")).block()).isEqualTo("acme:a*b c?");
        assertThat(two.get("a*b c?", loader).contextWrite(TenantContext.of("acme")).block()).isEqualTo("acme:a*b c?");
        assertThat(two.get("a*b c?", loader).contextWrite(TenantContext.of("globex")).block()).isEqualTo("globex:a*b c?");

        assertThat(loads).as("instance two got acme's value from L2; globex loaded its own").hasValue(2);
        assertThat(two.l2HitCount()).isEqualTo(1);
        assertThat(redis.data).containsKeys("acme:tdbcache:titles:a%2Ab%20c%3F", "globex:tdbcache:titles:a%2Ab%20c%3F");
    }

    @Test
    void aFailingSecondLevelFallsBackToTheLoader() {
        InMemoryKeyValueSession redis = new InMemoryKeyValueSession();
        redis.failing = true;
        TenantCache<String> cache = cache().l2(redis, Duration.ofMinutes(1)).build();

        assertThat(cache.get("k", loader).contextWrite(TenantContext.of("acme")).block()).isEqualTo("acme:k");
    }

    @Test
    void invalidationReachesTheOtherInstanceAndOnlyThatTenant() {
        CacheInvalidationBus bus = CacheInvalidationBus.inMemory();
        InMemoryKeyValueSession redis = new InMemoryKeyValueSession();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (TenantCache<String> one = cache().l2(redis, Duration.ofMinutes(1)).invalidationBus(bus).build();
             TenantCache<String> two = cache().l2(redis, Duration.ofMinutes(1)).invalidationBus(bus).meterRegistry(registry).build()) {
            for (String tenant : List.of("acme", "globex")) {
                for (TenantCache<String> c : List.of(one, two)) {
                    c.get("k1", loader).contextWrite(TenantContext.of(tenant)).block();
                    c.get("k2", loader).contextWrite(TenantContext.of(tenant)).block();
                }
            }
            assertThat(two.estimatedSize()).isEqualTo(4);

            one.invalidate("k1").contextWrite(TenantContext.of("acme")).block();
            two.get("k1", loader).contextWrite(TenantContext.of("acme")).block();
            assertThat(loads).as("neither L1 of instance two nor L2 kept acme's k1").hasValue(5);

            one.invalidateTenant().contextWrite(TenantContext.of("globex")).block();
            int before = loads.get();
            two.get("k1", loader).contextWrite(TenantContext.of("globex")).block();
            two.get("k2", loader).contextWrite(TenantContext.of("globex")).block();
            two.get("k2", loader).contextWrite(TenantContext.of("acme")).block();
            assertThat(loads.get() - before).as("globex reloads both keys, acme's k2 stays cached").isEqualTo(2);
            assertThat(registry.get(MetricNames.CACHE_INVALIDATIONS).tag("origin", "remote").tag("scope", "tenant")
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(registry.get(MetricNames.CACHE_HIT_RATIO).tag("level", "l1").gauge().value()).isBetween(0.0, 1.0);
        }
    }

    @Test
    void aLostBusSubscriptionDropsTheFirstLevelAndListensAgain() {
        Sinks.Many<String> wire = Sinks.many().multicast().directBestEffort();
        Sinks.Many<String> firstConnection = Sinks.many().multicast().directBestEffort();
        AtomicInteger subscriptions = new AtomicInteger();
        Flux<String> received = Flux.defer(() -> subscriptions.incrementAndGet() == 1 ? firstConnection.asFlux() : wire.asFlux());
        CacheInvalidationBus bus = CacheInvalidationBus.over(m -> Mono.fromRunnable(() -> wire.tryEmitNext(m)), received);
        try (TenantCache<String> cache = cache().invalidationBus(bus).build()) {
            cache.get("k1", loader).contextWrite(TenantContext.of("acme")).block();
            assertThat(cache.estimatedSize()).isEqualTo(1);
            // the pub/sub connection dies: invalidations published meanwhile are lost to this instance
            firstConnection.tryEmitError(new IllegalStateException("connection reset"));
            assertThat(cache.busLossCount()).isEqualTo(1);
            assertThat(cache.estimatedSize()).as("entries that may have missed an invalidation are gone").isZero();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (subscriptions.get() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(subscriptions).as("the cache subscribed again").hasValueGreaterThanOrEqualTo(2);

            cache.get("k1", loader).contextWrite(TenantContext.of("acme")).block();
            assertThat(cache.estimatedSize()).isEqualTo(1);
            bus.publish(new CacheInvalidation("titles", io.tenantdb.core.TenantId.of("acme"), "k1", "another-instance")).block();
            assertThat(cache.estimatedSize()).as("remote invalidations arrive again after the loss").isZero();
        }
    }

    @Test
    void invalidationMessagesSurviveTheWireAndRejectGarbage() {
        CacheInvalidation m = new CacheInvalidation("titles", io.tenantdb.core.TenantId.of("acme"), "k|\"x\"\n", "i1");
        assertThat(CacheInvalidation.decode(m.encode())).isEqualTo(m);
        CacheInvalidation all = new CacheInvalidation("titles", io.tenantdb.core.TenantId.of("acme"), null, "i1");
        assertThat(CacheInvalidation.decode(all.encode()).wholeTenant()).isTrue();
        assertThatThrownBy(() -> CacheInvalidation.decode("{\"c\":\"titles\",\"t\":\"Bad Tenant\",\"o\":\"x\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badNamesAndSizesAreRefused() {
        assertThatThrownBy(() -> TenantCache.builder("Titles*", CacheCodec.string())).hasMessageContaining("lower case");
        assertThatThrownBy(() -> cache().maximumSize(0)).hasMessageContaining("maximumSize must be > 0");
    }
}
