package io.tenantdb.tenancy;

import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.QuotaExceededException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.spi.Target;
import io.tenantdb.core.spi.TargetResolver;
import io.tenantdb.tenancy.internal.Attempt;
import io.tenantdb.tenancy.internal.NodeBreakers;
import io.tenantdb.tenancy.internal.TenantLimits;
import io.tenantdb.tenancy.directory.TenantDirectory;
import io.tenantdb.tenancy.directory.TenantRecord;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Resilience as an operator of the core chain (order {@value #ORDER}, the quota band), built on
 * Resilience4j Reactor. Outermost to innermost, each operation passes:
 * <ol>
 *   <li>the tenant's rate limiter and bulkhead (per engine and tenant; refusal →
 *       {@link QuotaExceededException}, no stack trace, no wait);</li>
 *   <li>retries with exponential backoff, for {@link OperationKind#READ} operations and transient
 *       errors only, and for streams only while no element was emitted (no duplicates);</li>
 *   <li>per attempt: a timeout ({@link io.tenantdb.core.exception.OperationTimeoutException}; for
 *       streams, the longest gap between elements) and the circuit breaker of the node the attempt runs
 *       on.</li>
 * </ol>
 * The hot path is kept short: one cache lookup per operation (by tenant, no key object), the
 * tenant's Resilience4j Reactor operators created once and reused, one timer per attempt (re-armed
 * lazily for streams, never per element), retry machinery built only after a first transient failure
 * of a read, and no operator at all for a feature disabled in the configuration
 * ({@code enabled: false}, {@code retry.max_attempts: 1}).
 * The node is known only when the target is resolved, so breakers work with the resolver: wrap the
 * engine's resolver with {@link #guard(TargetResolver)} (for instance
 * {@code builder.targetResolverFactory(ctx -> operator.guard(TargetResolver.firstHost(ctx)))}). The
 * guard refuses an open node with {@link CircuitOpenException} and the operator reports each
 * attempt's outcome to that node's breaker; one tenant's failing node therefore never blocks tenants
 * whose targets are healthy.
 *
 * <p>Per-tenant limiters live in a bounded Caffeine cache evicted after idleness. With
 * {@link Builder#directory} the quotas follow the tenant's tier ({@code resilience.tiers}).
 */
public final class ResilienceOperator implements OperationOperator {

    /** The position in the chain: the quota band. */
    public static final int ORDER = 100;

    private final Map<DatabaseType, ResilienceConfig> engines;
    private final NodeBreakers breakers;
    private final TenantLimits limits;
    /** Set once a resolver is guarded: only then do attempts go into the context for it. */
    private volatile boolean guarded;

    private ResilienceOperator(Builder b) {
        this.engines = new EnumMap<>(b.engines);
        BiFunction<DatabaseType, TenantId, ResilienceConfig> override = b.perTenant;
        TenantLimits.Settings settings = (engine, tenant, tier) -> {
            ResilienceConfig c = override == null ? null : override.apply(engine, tenant);
            return c != null ? c : engineConfig(engine).forTier(tier);
        };
        Function<TenantId, Mono<String>> tierOf = b.directory == null ? null
                : tenant -> b.directory.find(tenant).map(TenantRecord::tier);
        this.breakers = new NodeBreakers(this::engineConfig);
        this.limits = new TenantLimits(settings, tierOf, b.tierRefresh, b.maxTenants, b.idleEviction);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    private ResilienceConfig engineConfig(DatabaseType engine) {
        return engines.getOrDefault(engine, ResilienceConfig.DEFAULT);
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public <T> Flux<T> apply(OperationInfo op, Flux<T> source) {
        TenantLimits.Slot slot = limits.slot(op.tenant());
        if (!slot.ready()) {
            return slot.whenReady().thenMany(Flux.defer(() -> decorate(op, slot.limits(op.engine()), source)));
        }
        return decorate(op, slot.limits(op.engine()), source);
    }

    @Override
    public <T> Mono<T> apply(OperationInfo op, Mono<T> source) {
        TenantLimits.Slot slot = limits.slot(op.tenant());
        if (!slot.ready()) {
            return slot.whenReady().then(Mono.defer(() -> decorate(op, slot.limits(op.engine()), source)));
        }
        return decorate(op, slot.limits(op.engine()), source);
    }

    private <T> Flux<T> decorate(OperationInfo op, TenantLimits.Limits l, Flux<T> source) {
        ResilienceConfig rc = l.config();
        boolean inContext = guarded && rc.circuitBreakerEnabled();
        Flux<T> attempts;
        if (rc.maxAttempts() > 1 && op.kind() == OperationKind.READ) {
            attempts = Flux.defer(() -> {
                AtomicBoolean emitted = new AtomicBoolean();
                Flux<T> once = Attempt.flux(source, op, rc.timeout(), emitted, inContext);
                return once.onErrorResume(new FluxRetry<>(once, rc, emitted, 1));
            });
        } else {
            attempts = Attempt.flux(source, op, rc.timeout(), null, inContext);
        }
        return l.any() ? l.apply(attempts, e -> quota(op, rc, e)) : attempts;
    }

    private <T> Mono<T> decorate(OperationInfo op, TenantLimits.Limits l, Mono<T> source) {
        ResilienceConfig rc = l.config();
        Mono<T> once = Attempt.mono(source, op, rc.timeout(), guarded && rc.circuitBreakerEnabled());
        Mono<T> attempts = rc.maxAttempts() > 1 && op.kind() == OperationKind.READ
                ? once.onErrorResume(new MonoRetry<>(once, rc, 1)) : once;
        return l.any() ? l.apply(attempts, e -> quota(op, rc, e)) : attempts;
    }

    /** Whether a failed attempt may be tried again: transient, and not a refusal. */
    private static boolean retryable(Throwable e) {
        return e instanceof TenantDbException t && t.isTransient()
                && !(e instanceof CircuitOpenException) && !(e instanceof QuotaExceededException);
    }

    /** The wait before attempt {@code failed + 1}: exponential from the backoff, capped at 16×, ±50 % jitter. */
    private static Duration backoff(ResilienceConfig rc, int failed) {
        long base = rc.backoff().toNanos() << Math.min(failed - 1, 4);
        long jitter = (long) (base * 0.5 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
        return Duration.ofNanos(Math.max(1, base + jitter));
    }

    /**
     * Retries built only after a first transient failure, so a successful read pays for no retry
     * machinery beyond one {@code onErrorResume}.
     */
    private static final class MonoRetry<T> implements Function<Throwable, Mono<T>> {
        private final Mono<T> once;
        private final ResilienceConfig rc;
        private final int failed;

        MonoRetry(Mono<T> once, ResilienceConfig rc, int failed) {
            this.once = once;
            this.rc = rc;
            this.failed = failed;
        }

        @Override
        public Mono<T> apply(Throwable e) {
            if (failed >= rc.maxAttempts() || !retryable(e)) {
                return Mono.error(e);
            }
            return Mono.delay(backoff(rc, failed)).then(once.onErrorResume(new MonoRetry<>(once, rc, failed + 1)));
        }
    }

    /** As {@link MonoRetry}, and only while no attempt emitted an element (no duplicated rows). */
    private static final class FluxRetry<T> implements Function<Throwable, Flux<T>> {
        private final Flux<T> once;
        private final ResilienceConfig rc;
        private final AtomicBoolean emitted;
        private final int failed;

        FluxRetry(Flux<T> once, ResilienceConfig rc, AtomicBoolean emitted, int failed) {
            this.once = once;
            this.rc = rc;
            this.emitted = emitted;
            this.failed = failed;
        }

        @Override
        public Flux<T> apply(Throwable e) {
            if (failed >= rc.maxAttempts() || emitted.get() || !retryable(e)) {
                return Flux.error(e);
            }
            return Mono.delay(backoff(rc, failed))
                    .thenMany(once.onErrorResume(new FluxRetry<>(once, rc, emitted, failed + 1)));
        }
    }

    /**
     * Wraps a resolver so each attempt takes permission from the circuit breaker of the node it is
     * routed to, and is refused with {@link CircuitOpenException} when that circuit is open.
     *
     * @param delegate the resolver choosing the node
     * @return the guarded resolver
     */
    public TargetResolver guard(TargetResolver delegate) {
        Objects.requireNonNull(delegate, "delegate");
        guarded = true;
        return (engine, tenant, kind) -> delegate.resolve(engine, tenant, kind)
                .flatMap(target -> Mono.deferContextual(ctx -> admit(target, ctx.getOrDefault(Attempt.class, null))));
    }

    private Mono<Target> admit(Target target, Attempt attempt) {
        if (!engineConfig(target.engine()).circuitBreakerEnabled()) {
            return Mono.just(target);
        }
        CircuitBreaker cb = breakers.of(target.engine(), target.node());
        if (attempt == null) {
            // resolved outside an operation (provisioning, health): no outcome will be reported,
            // so only the state is checked, no permission taken
            return permits(target.engine(), target.node()) ? Mono.just(target)
                    : Mono.error(breakers.refused(target.engine(), target.node(), target.tenant(), cb));
        }
        if (attempt.breaker() == cb) {
            return Mono.just(target);
        }
        if (!cb.tryAcquirePermission()) {
            return Mono.error(breakers.refused(target.engine(), target.node(), target.tenant(), cb));
        }
        if (!attempt.hold(cb)) {
            cb.releasePermission();
        }
        return Mono.just(target);
    }

    /**
     * @param engine the engine
     * @param node   a node
     * @return whether the node's circuit lets operations through (routers skip nodes where not)
     */
    public boolean permits(DatabaseType engine, NodeAddress node) {
        return breakers.permits(engine, node);
    }

    /**
     * @param engine the engine
     * @param node   a node
     * @return the state of its circuit breaker (CLOSED, OPEN, HALF_OPEN, ...)
     */
    public String circuitState(DatabaseType engine, NodeAddress node) {
        return breakers.of(engine, node).getState().name();
    }

    /** @return tenants whose bulkhead is currently held (bounded by the builder's maxTenants) */
    public long tenantLimitersHeld() {
        return limits.tenantCount();
    }

    private static String tierNote(ResilienceConfig rc) {
        return rc.tier() == null ? "" : " (or move the tenant to another tier in the tenant directory)";
    }

    private static Throwable quota(OperationInfo op, ResilienceConfig rc, Throwable e) {
        if (e instanceof BulkheadFullException) {
            return new QuotaExceededException("more than " + rc.maxConcurrent() + " concurrent operations: '" + op.name()
                    + "' refused; wait for running ones or raise " + rc.keyOf("bulkhead.max_concurrent")
                    + tierNote(rc), op.tenant(), op.engine());
        }
        if (e instanceof RequestNotPermitted) {
            return new QuotaExceededException("more than " + rc.limitPerSecond() + " operations per second: '" + op.name()
                    + "' refused; slow down or raise " + rc.keyOf("rate_limiter.limit_per_second") + tierNote(rc),
                    op.tenant(), op.engine());
        }
        return e;
    }

    /** Builds a {@link ResilienceOperator}. */
    public static final class Builder {
        /** Default bound on tenants whose limiters are held. */
        public static final long DEFAULT_MAX_TENANTS = 100_000;
        /** Default idle time after which a tenant's limiters are dropped. */
        public static final Duration DEFAULT_IDLE_EVICTION = Duration.ofMinutes(10);

        private final Map<DatabaseType, ResilienceConfig> engines = new EnumMap<>(DatabaseType.class);
        private BiFunction<DatabaseType, TenantId, ResilienceConfig> perTenant;
        /** Default time after which a tenant's tier is looked up again. */
        public static final Duration DEFAULT_TIER_REFRESH = Duration.ofSeconds(1);

        private long maxTenants = DEFAULT_MAX_TENANTS;
        private Duration idleEviction = DEFAULT_IDLE_EVICTION;
        private TenantDirectory directory;
        private Duration tierRefresh = DEFAULT_TIER_REFRESH;

        private Builder() {
        }

        /** @param config an engine's configuration; its {@code resilience} section is used @return this */
        public Builder engine(DatabaseConfig config) {
            return engine(config.type(), ResilienceConfig.from(config));
        }

        /** @param engine an engine @param config its settings @return this */
        public Builder engine(DatabaseType engine, ResilienceConfig config) {
            engines.put(Objects.requireNonNull(engine, "engine"), Objects.requireNonNull(config, "config"));
            return this;
        }

        /**
         * Quotas by tier: a tenant's {@link TenantRecord#tier()} picks its {@code resilience.tiers} entry
         * (tenants the directory does not know, or of a tier not configured, get the engine's quotas).
         * Its first operation waits for the (cached) lookup; a tier changed in the directory applies
         * within {@link #tierRefresh} plus the directory's own propagation (its poll interval).
         *
         * @param directory the tenant directory, or null for no tiers
         * @return this
         */
        public Builder directory(TenantDirectory directory) {
            this.directory = directory;
            return this;
        }

        /** @param refresh positive: how often a tenant's tier is looked up again (in the background) @return this */
        public Builder tierRefresh(Duration refresh) {
            if (refresh == null || refresh.isZero() || refresh.isNegative()) {
                throw new IllegalArgumentException("tierRefresh must be > 0, got " + refresh);
            }
            this.tierRefresh = refresh;
            return this;
        }

        /**
         * @param overrides settings for a tenant on an engine, or null for the engine's (and its tier's);
         *                  asked when the tenant's limiters are created and when its tier changes
         * @return this
         */
        public Builder perTenant(BiFunction<DatabaseType, TenantId, ResilienceConfig> overrides) {
            this.perTenant = overrides;
            return this;
        }

        /** @param max &gt; 0: tenants whose limiters are held at once @return this */
        public Builder maxTenants(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxTenants must be > 0, got " + max);
            }
            this.maxTenants = max;
            return this;
        }

        /** @param idle positive: idle time after which a tenant's limiters are dropped @return this */
        public Builder idleEviction(Duration idle) {
            if (idle == null || idle.isZero() || idle.isNegative()) {
                throw new IllegalArgumentException("idleEviction must be > 0, got " + idle);
            }
            this.idleEviction = idle;
            return this;
        }

        /** @return the operator */
        public ResilienceOperator build() {
            return new ResilienceOperator(this);
        }
    }
}
