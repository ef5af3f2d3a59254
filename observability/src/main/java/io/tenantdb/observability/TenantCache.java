package io.tenantdb.observability;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.MissingTenantException;
import io.tenantdb.core.session.KeyValueSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A tenant-scoped read-through cache with two levels: L1 in this JVM (Caffeine, W-TinyLFU, bounded
 * size, time to live) and optional L2 in a key-value store shared by every instance (the Redis
 * engine's {@link KeyValueSession}, which places keys in the tenant's namespace).
 *
 * <pre>{@code
 * TenantCache<String> titles = TenantCache.builder("titles", CacheCodec.string())
 *     .maximumSize(10_000).ttl(Duration.ofMinutes(5))
 *     .l2(db.keyValue(DatabaseType.REDIS), Duration.ofMinutes(30))
 *     .invalidationBus(bus).meterRegistry(registry).build();
 * titles.get("track:42", k -> loadTitle(k)).contextWrite(TenantContext.of("acme"));
 * }</pre>
 *
 * <p>The tenant comes from the Reactor context, as everywhere in tenantdb, and is part of every L1
 * key: the same logical key of two tenants never shares an entry. Concurrent misses of one key share
 * one load (stampede protection); a subscriber that cancels does not cancel the load others wait on.
 * An empty or failed load is not cached. L2 failures are logged and fall through to the loader: the
 * cache never fails a read the loader could serve.
 *
 * <p>Invalidation by key or by tenant drops the L1 entries, deletes from L2 and publishes on the
 * {@link CacheInvalidationBus}, so every other instance drops its L1 entries too. A load in flight
 * during an invalidation may still write its (older) value to L2; keep L2's time to live short where
 * that matters.
 *
 * <p>Metrics: {@value MetricNames#CACHE_REQUESTS} per level and result,
 * {@value MetricNames#CACHE_HIT_RATIO} per level, {@value MetricNames#CACHE_LOADS},
 * {@value MetricNames#CACHE_INVALIDATIONS}, {@value MetricNames#CACHE_SIZE}.
 *
 * @param <V> the value type
 * @apiNote nothing happens until subscription.
 */
public final class TenantCache<V> implements AutoCloseable {

    /** Default L1 maximum size. */
    public static final long DEFAULT_MAXIMUM_SIZE = 10_000;
    /** Default L1 time to live. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(5);

    private static final Logger LOG = LoggerFactory.getLogger(TenantCache.class);
    private static final Duration BUS_RETRY_MIN = Duration.ofMillis(100);
    private static final Duration BUS_RETRY_MAX = Duration.ofSeconds(5);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,47}");

    private final String name;
    private final CacheCodec<V> codec;
    private final AsyncCache<CacheKey, V> l1;
    private final KeyValueSession l2;
    private final Duration l2Ttl;
    private final CacheInvalidationBus bus;
    private final String instanceId = UUID.randomUUID().toString();
    private final Disposable busSubscription;
    private final LongAdder l1Hits = new LongAdder();
    private final LongAdder l1Misses = new LongAdder();
    private final LongAdder l2Hits = new LongAdder();
    private final LongAdder l2Misses = new LongAdder();
    private final LongAdder loadsOk = new LongAdder();
    private final LongAdder loadsEmpty = new LongAdder();
    private final LongAdder loadsFailed = new LongAdder();
    private final LongAdder invalidatedKeyLocal = new LongAdder();
    private final LongAdder invalidatedTenantLocal = new LongAdder();
    private final LongAdder invalidatedKeyRemote = new LongAdder();
    private final LongAdder busLosses = new LongAdder();
    private final LongAdder invalidatedTenantRemote = new LongAdder();

    private TenantCache(Builder<V> b) {
        this.name = b.name;
        this.codec = b.codec;
        this.l1 = Caffeine.newBuilder().maximumSize(b.maximumSize).expireAfterWrite(b.ttl).buildAsync();
        this.l2 = b.l2;
        this.l2Ttl = b.l2Ttl;
        this.bus = b.bus;
        this.busSubscription = bus == null ? null : bus.invalidations()
                .filter(m -> m.cache().equals(name) && !m.origin().equals(instanceId))
                // A lost subscription may have missed invalidations: drop L1 (L2 stays authoritative) and listen again.
                .doOnError(this::busLost)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, BUS_RETRY_MIN).maxBackoff(BUS_RETRY_MAX))
                .subscribe(this::applyRemote, e -> LOG.error("cache {}: invalidation bus failed; remote invalidations stop", name, e));
        if (b.registry != null) {
            bindMetrics(b.registry);
        }
    }

    /**
     * @param name  the cache's name: lower case, digits, underscore; starts with a letter (part of L2 keys)
     * @param codec how values are stored in L2
     * @param <V>   the value type
     * @return a builder
     */
    public static <V> Builder<V> builder(String name, CacheCodec<V> codec) {
        return new Builder<>(name, codec);
    }

    /** @return the cache's name */
    public String name() {
        return name;
    }

    /**
     * Reads through the cache for the tenant of the subscriber's context.
     *
     * @param key    the logical key
     * @param loader loads the value on a miss (runs with the subscriber's context); empty means
     *               "no value" and is not cached
     * @return the value, or empty
     */
    public Mono<V> get(String key, Function<String, Mono<V>> loader) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(loader, "loader");
        return Mono.deferContextual(ctx -> {
            TenantId tenant = TenantContext.find(ctx).orElse(null);
            if (tenant == null) {
                return Mono.error(new MissingTenantException(null));
            }
            CacheKey k = new CacheKey(tenant, key);
            CompletableFuture<V> present = l1.getIfPresent(k);
            if (present != null) {
                l1Hits.increment();
                return Mono.fromFuture(present, true);
            }
            l1Misses.increment();
            CompletableFuture<V> future = l1.get(k, (kk, executor) -> load(key, loader).contextWrite(ctx).toFuture());
            return Mono.fromFuture(future, true);
        });
    }

    private Mono<V> load(String key, Function<String, Mono<V>> loader) {
        Mono<V> fromLoader = Mono.defer(() -> loader.apply(key))
                .doOnError(e -> loadsFailed.increment())
                .flatMap(v -> {
                    loadsOk.increment();
                    return writeL2(key, v).thenReturn(v);
                })
                .switchIfEmpty(Mono.fromRunnable(loadsEmpty::increment));
        if (l2 == null) {
            return fromLoader;
        }
        return l2.get(l2Key(key))
                .map(codec::decode)
                .doOnNext(v -> l2Hits.increment())
                .onErrorResume(e -> {
                    LOG.warn("cache {}: L2 read failed, loading instead: {}", name, e.toString());
                    return Mono.empty();
                })
                .switchIfEmpty(Mono.defer(() -> {
                    l2Misses.increment();
                    return fromLoader;
                }));
    }

    private Mono<Void> writeL2(String key, V value) {
        if (l2 == null) {
            return Mono.empty();
        }
        return Mono.defer(() -> l2.set(l2Key(key), codec.encode(value), l2Ttl))
                .onErrorResume(e -> {
                    LOG.warn("cache {}: L2 write failed: {}", name, e.toString());
                    return Mono.empty();
                });
    }

    /**
     * Drops the key of the subscriber's tenant here, in L2 and (through the bus) on every instance.
     *
     * @param key the logical key
     * @return completes when done here and published
     */
    public Mono<Void> invalidate(String key) {
        Objects.requireNonNull(key, "key");
        return TenantContext.current().flatMap(tenant -> {
            l1.synchronous().invalidate(new CacheKey(tenant, key));
            invalidatedKeyLocal.increment();
            Mono<Void> l2Delete = l2 == null ? Mono.empty() : l2.delete(l2Key(key)).then();
            return l2Delete.then(publish(new CacheInvalidation(name, tenant, key, instanceId)));
        });
    }

    /**
     * Drops every entry of the subscriber's tenant here, in L2 and on every instance.
     *
     * @return completes when done here and published
     */
    public Mono<Void> invalidateTenant() {
        return TenantContext.current().flatMap(tenant -> {
            dropTenant(tenant);
            invalidatedTenantLocal.increment();
            Mono<Void> l2Delete = l2 == null ? Mono.empty()
                    : l2.scan(l2Prefix() + "*").buffer(100).concatMap(keys -> l2.delete(keys.toArray(String[]::new))).then();
            return l2Delete.then(publish(new CacheInvalidation(name, tenant, null, instanceId)));
        });
    }

    private Mono<Void> publish(CacheInvalidation message) {
        return bus == null ? Mono.empty() : bus.publish(message);
    }

    private void busLost(Throwable error) {
        busLosses.increment();
        l1.synchronous().invalidateAll();
        LOG.warn("cache {}: invalidation bus lost ({}); first-level entries dropped, listening again", name, error.toString(), error);
    }

    /** @return how often the invalidation bus subscription was lost (each loss drops L1 and resubscribes) */
    public long busLossCount() {
        return busLosses.sum();
    }

    private void applyRemote(CacheInvalidation m) {
        if (m.wholeTenant()) {
            dropTenant(m.tenant());
            invalidatedTenantRemote.increment();
        } else {
            l1.synchronous().invalidate(new CacheKey(m.tenant(), m.key()));
            invalidatedKeyRemote.increment();
        }
    }

    private void dropTenant(TenantId tenant) {
        l1.synchronous().asMap().keySet().removeIf(k -> k.tenant().equals(tenant));
    }

    private String l2Prefix() {
        return "tdbcache:" + name + ":";
    }

    /**
     * The L2 key: the prefix plus the key with every character outside {@code [A-Za-z0-9._:-]}
     * percent-encoded, so glob characters, spaces and line breaks never reach the store.
     */
    String l2Key(String key) {
        StringBuilder b = new StringBuilder(l2Prefix().length() + key.length() + 8).append(l2Prefix());
        for (byte x : key.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                    || c == ':' || c == '-') {
                b.append(c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** @return requests served from L1 */
    public long l1HitCount() {
        return l1Hits.sum();
    }

    /** @return requests served from L2 */
    public long l2HitCount() {
        return l2Hits.sum();
    }

    /** @return requests served from a cache level (L1 or L2) */
    public long hitCount() {
        return l1Hits.sum() + l2Hits.sum();
    }

    /** @return every request */
    public long requestCount() {
        return l1Hits.sum() + l1Misses.sum();
    }

    /** @return loader calls */
    public long loadCount() {
        return loadsOk.sum() + loadsEmpty.sum() + loadsFailed.sum();
    }

    /** @return L1 entries, approximately */
    public long estimatedSize() {
        return l1.synchronous().estimatedSize();
    }

    /** Stops listening to the invalidation bus. */
    @Override
    public void close() {
        if (busSubscription != null) {
            busSubscription.dispose();
        }
    }

    private void bindMetrics(MeterRegistry registry) {
        request(registry, "l1", "hit", l1Hits);
        request(registry, "l1", "miss", l1Misses);
        if (l2 != null) {
            request(registry, "l2", "hit", l2Hits);
            request(registry, "l2", "miss", l2Misses);
        }
        Gauge.builder(MetricNames.CACHE_HIT_RATIO, this, c -> ratio(c.l1Hits.sum(), c.l1Hits.sum() + c.l1Misses.sum()))
                .description("hits per request at this level since start").tags("cache", name, "level", "l1").register(registry);
        if (l2 != null) {
            Gauge.builder(MetricNames.CACHE_HIT_RATIO, this, c -> ratio(c.l2Hits.sum(), c.l2Hits.sum() + c.l2Misses.sum()))
                    .description("hits per request at this level since start").tags("cache", name, "level", "l2").register(registry);
        }
        load(registry, "success", loadsOk);
        load(registry, "empty", loadsEmpty);
        load(registry, "error", loadsFailed);
        invalidation(registry, "key", "local", invalidatedKeyLocal);
        invalidation(registry, "tenant", "local", invalidatedTenantLocal);
        invalidation(registry, "key", "remote", invalidatedKeyRemote);
        invalidation(registry, "tenant", "remote", invalidatedTenantRemote);
        Gauge.builder(MetricNames.CACHE_SIZE, this, TenantCache::estimatedSize).description("L1 entries")
                .tag("cache", name).register(registry);
    }

    private static double ratio(long hits, long total) {
        return total == 0 ? Double.NaN : (double) hits / total;
    }

    private void request(MeterRegistry r, String level, String result, LongAdder n) {
        FunctionCounter.builder(MetricNames.CACHE_REQUESTS, n, LongAdder::sum).description("cache requests")
                .tags("cache", name, "level", level, "result", result).register(r);
    }

    private void load(MeterRegistry r, String result, LongAdder n) {
        FunctionCounter.builder(MetricNames.CACHE_LOADS, n, LongAdder::sum).description("loader calls")
                .tags("cache", name, "result", result).register(r);
    }

    private void invalidation(MeterRegistry r, String scope, String origin, LongAdder n) {
        FunctionCounter.builder(MetricNames.CACHE_INVALIDATIONS, n, LongAdder::sum).description("cache invalidations")
                .tags("cache", name, "scope", scope, "origin", origin).register(r);
    }

    /** The L1 key: the tenant is part of it, so tenants never share an entry. */
    private record CacheKey(TenantId tenant, String key) {
    }

    /**
     * Builds a {@link TenantCache}.
     *
     * @param <V> the value type
     */
    public static final class Builder<V> {
        private final String name;
        private final CacheCodec<V> codec;
        private long maximumSize = DEFAULT_MAXIMUM_SIZE;
        private Duration ttl = DEFAULT_TTL;
        private KeyValueSession l2;
        private Duration l2Ttl;
        private CacheInvalidationBus bus;
        private MeterRegistry registry;

        private Builder(String name, CacheCodec<V> codec) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("cache name '" + name
                        + "' must be lower case letters, digits and underscores, starting with a letter, at most 48 characters");
            }
            this.name = name;
            this.codec = Objects.requireNonNull(codec, "codec");
        }

        /** @param size L1 maximum entries, &gt; 0 (default 10,000) @return this */
        public Builder<V> maximumSize(long size) {
            if (size <= 0) {
                throw new IllegalArgumentException("cache " + name + ": maximumSize must be > 0, was " + size);
            }
            this.maximumSize = size;
            return this;
        }

        /** @param ttl L1 time to live after write, &gt; 0 (default 5 minutes) @return this */
        public Builder<V> ttl(Duration ttl) {
            if (ttl == null || ttl.isZero() || ttl.isNegative()) {
                throw new IllegalArgumentException("cache " + name + ": ttl must be > 0");
            }
            this.ttl = ttl;
            return this;
        }

        /**
         * @param session a tenant-scoped key-value session (the Redis engine's)
         * @param ttl     L2 time to live, &gt; 0
         * @return this
         */
        public Builder<V> l2(KeyValueSession session, Duration ttl) {
            if (ttl == null || ttl.isZero() || ttl.isNegative()) {
                throw new IllegalArgumentException("cache " + name + ": L2 ttl must be > 0");
            }
            this.l2 = Objects.requireNonNull(session, "session");
            this.l2Ttl = ttl;
            return this;
        }

        /** @param bus carries invalidations to other instances @return this */
        public Builder<V> invalidationBus(CacheInvalidationBus bus) {
            this.bus = bus;
            return this;
        }

        /** @param registry where the cache's meters go @return this */
        public Builder<V> meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** @return the cache, listening to the bus when one was given */
        public TenantCache<V> build() {
            return new TenantCache<>(this);
        }
    }
}
