package io.tenantdb.tenancy.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.tenancy.ResilienceConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Per tenant: its tier and, per engine, its settings, bulkhead and rate limiter. Held in one Caffeine
 * cache keyed by the tenant (no key object per lookup), bounded in size and evicted after idleness,
 * so thousands of tenants do not grow memory without bound. A limiter evicted while operations
 * still hold it keeps working for them; new operations get a fresh one. Idle eviction is long
 * compared with any operation, so that overlap is rare and short.
 *
 * <p>With a tier source (the tenant directory), a tenant's first operation waits for its tier, and
 * the tier is looked up again in the background at most every {@code tierRefresh}; a changed tier
 * changes the tenant's bulkhead size and rate in place (Resilience4j {@code changeConfig} /
 * {@code changeLimitForPeriod}), so operations in flight keep their permits.
 */
public final class TenantLimits {

    private static final Logger LOG = LoggerFactory.getLogger(TenantLimits.class);
    private static final int ENGINES = DatabaseType.values().length;

    /** Settings of a tenant on an engine, given its tier. */
    @FunctionalInterface
    public interface Settings {
        /**
         * @param engine the engine
         * @param tenant the tenant
         * @param tier   its tier, or null when unknown
         * @return its settings
         */
        ResilienceConfig of(DatabaseType engine, TenantId tenant, String tier);
    }

    private final Cache<TenantId, Slot> slots;
    private final Settings settings;
    private final Function<TenantId, Mono<String>> tierOf;
    private final long refreshNanos;
    private final Function<TenantId, Slot> newSlot = Slot::new;

    /**
     * @param settings    the settings of a tenant on an engine
     * @param tierOf      a tenant's tier (empty: none), or null when tiers are not used
     * @param tierRefresh how often a tenant's tier is looked up again
     * @param maxTenants  bound on tenants held
     * @param idleEvict   idle time after which a tenant's limiters are dropped
     */
    public TenantLimits(Settings settings, Function<TenantId, Mono<String>> tierOf, Duration tierRefresh, long maxTenants,
                        Duration idleEvict) {
        this.settings = settings;
        this.tierOf = tierOf;
        this.refreshNanos = tierRefresh.toNanos();
        this.slots = Caffeine.newBuilder().maximumSize(maxTenants).expireAfterAccess(idleEvict).build();
    }

    /**
     * @param tenant a tenant
     * @return its limits; when not {@link Slot#ready()}, wait for {@link Slot#whenReady()}
     */
    public Slot slot(TenantId tenant) {
        Slot s = slots.get(tenant, newSlot);
        if (tierOf != null && s.ready && System.nanoTime() - s.checkedAt > refreshNanos
                && s.refreshing.compareAndSet(false, true)) {
            s.refresh();
        }
        return s;
    }

    /** @return tenants currently holding limiters (after pending evictions) */
    public long tenantCount() {
        slots.cleanUp();
        return slots.estimatedSize();
    }

    /** One tenant's limits. */
    public final class Slot {
        private final TenantId tenant;
        private final AtomicReferenceArray<Limits> byEngine = new AtomicReferenceArray<>(ENGINES);
        private final AtomicBoolean refreshing = new AtomicBoolean();
        private final Mono<Void> first;
        private volatile boolean ready;
        private volatile String tier;
        private volatile long checkedAt;

        private Slot(TenantId tenant) {
            this.tenant = tenant;
            this.checkedAt = System.nanoTime();
            if (tierOf == null) {
                this.ready = true;
                this.first = Mono.empty();
            } else {
                this.first = lookup().doOnNext(this::tier).doFinally(s -> ready = true).then().cache();
            }
        }

        /** @return whether the tier is known (always, without a tier source) */
        public boolean ready() {
            return ready;
        }

        /** @return completes once the tier is known (never fails: an unknown tier means the engine's defaults) */
        public Mono<Void> whenReady() {
            return first;
        }

        /** @return the tier in force, or null */
        public String tier() {
            return tier;
        }

        private Mono<String> lookup() {
            return Mono.defer(() -> tierOf.apply(tenant))
                    .defaultIfEmpty("")
                    .onErrorResume(e -> {
                        LOG.warn("tier of tenant {} not found in the tenant directory ({}): keeping {}", tenant.value(),
                                e.toString(), tier == null ? "the engine's quotas" : "tier " + tier);
                        return Mono.justOrEmpty(tier);
                    });
        }

        private void refresh() {
            lookup().doFinally(s -> {
                checkedAt = System.nanoTime();
                refreshing.set(false);
            }).subscribe(this::tier);
        }

        private void tier(String found) {
            String t = found.isEmpty() ? null : found;
            String old = tier;
            if (t == null ? old != null : !t.equals(old)) {
                tier = t; // each engine's limits follow on their next use
            }
        }

        /**
         * @param engine an engine
         * @return this tenant's limits on it, created on first use
         */
        public Limits limits(DatabaseType engine) {
            int i = engine.ordinal();
            String t = tier;
            Limits l = byEngine.get(i);
            if (l == null) {
                Limits created = Limits.create(engine, tenant, t, settings.of(engine, tenant, t));
                l = byEngine.compareAndExchange(i, null, created);
                if (l == null) {
                    l = created;
                }
            }
            if (l.tier != t) {
                Limits changed = l.with(t, settings.of(engine, tenant, t));
                Limits witness = byEngine.compareAndExchange(i, l, changed);
                l = witness == l ? changed : witness;
            }
            return l;
        }
    }

    /** A tenant's settings, bulkhead and rate limiter on one engine (each null when disabled). */
    public static final class Limits {
        private final ResilienceConfig config;
        private final String tier;
        private final String name;
        private final Bulkhead bulkhead;
        private final RateLimiter rateLimiter;

        private Limits(ResilienceConfig config, String tier, String name, Bulkhead bulkhead, RateLimiter rateLimiter) {
            this.config = config;
            this.tier = tier;
            this.name = name;
            this.bulkhead = bulkhead;
            this.rateLimiter = rateLimiter;
        }

        static Limits create(DatabaseType engine, TenantId tenant, String tier, ResilienceConfig rc) {
            String name = engine.id() + ":" + tenant.value();
            return new Limits(rc, tier, name, rc.bulkheadEnabled() ? Bulkhead.of(name, bulkheadConfig(rc)) : null,
                    rc.rateLimiterEnabled() ? RateLimiter.of(name, rateLimiterConfig(rc)) : null);
        }

        private static BulkheadConfig bulkheadConfig(ResilienceConfig rc) {
            return BulkheadConfig.custom()
                    .maxConcurrentCalls(rc.maxConcurrent())
                    .maxWaitDuration(Duration.ZERO)
                    .writableStackTraceEnabled(false)
                    .build();
        }

        private static RateLimiterConfig rateLimiterConfig(ResilienceConfig rc) {
            return RateLimiterConfig.custom()
                    .limitForPeriod(rc.limitPerSecond())
                    .limitRefreshPeriod(Duration.ofSeconds(1))
                    .timeoutDuration(Duration.ZERO)
                    .writableStackTraceEnabled(false)
                    .build();
        }

        /** The same limiters (permits in flight kept) resized to new settings. */
        Limits with(String newTier, ResilienceConfig rc) {
            Bulkhead b = bulkhead;
            if (!rc.bulkheadEnabled()) {
                b = null;
            } else if (b == null) {
                b = Bulkhead.of(name, bulkheadConfig(rc));
            } else if (b.getBulkheadConfig().getMaxConcurrentCalls() != rc.maxConcurrent()) {
                b.changeConfig(bulkheadConfig(rc));
            }
            RateLimiter r = rateLimiter;
            if (!rc.rateLimiterEnabled()) {
                r = null;
            } else if (r == null) {
                r = RateLimiter.of(name, rateLimiterConfig(rc));
            } else if (r.getRateLimiterConfig().getLimitForPeriod() != rc.limitPerSecond()) {
                r.changeLimitForPeriod(rc.limitPerSecond());
            }
            return new Limits(rc, newTier, name, b, r);
        }

        /** @return the settings in force */
        public ResilienceConfig config() {
            return config;
        }

        /** @return the bulkhead, or null when disabled */
        public Bulkhead bulkhead() {
            return bulkhead;
        }

        /** @return the rate limiter, or null when disabled */
        public RateLimiter rateLimiter() {
            return rateLimiter;
        }

        /** @return whether any limiter is on */
        public boolean any() {
            return bulkhead != null || rateLimiter != null;
        }

        /**
         * @param source  an operation
         * @param refusal maps a refusal ({@code RequestNotPermitted}, {@code BulkheadFullException}) to the error signalled
         * @param <T>     value type
         * @return it behind the rate limiter and the bulkhead, those that are on (one layer: {@link Permits})
         */
        public <T> Mono<T> apply(Mono<T> source, Function<Throwable, Throwable> refusal) {
            RateLimiter r = rateLimiter;
            Bulkhead b = bulkhead;
            return new MonoOperator<T, T>(source) {
                @Override
                public void subscribe(CoreSubscriber<? super T> actual) {
                    Permits.subscribe(actual, r, b, refusal, source::subscribe);
                }
            };
        }

        /**
         * @param source  an operation
         * @param refusal maps a refusal to the error signalled
         * @param <T>     element type
         * @return it behind the rate limiter and the bulkhead, those that are on (one layer: {@link Permits})
         */
        public <T> Flux<T> apply(Flux<T> source, Function<Throwable, Throwable> refusal) {
            RateLimiter r = rateLimiter;
            Bulkhead b = bulkhead;
            return new FluxOperator<T, T>(source) {
                @Override
                public void subscribe(CoreSubscriber<? super T> actual) {
                    Permits.subscribe(actual, r, b, refusal, source::subscribe);
                }
            };
        }
    }
}
