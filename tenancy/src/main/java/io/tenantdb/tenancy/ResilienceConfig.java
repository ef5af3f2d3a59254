package io.tenantdb.tenancy;

import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.DatabaseConfig;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Resilience settings of one engine, from the YAML {@code resilience} section:
 *
 * <pre>
 * resilience:
 *   circuit_breaker: {failure_rate_threshold: 50, wait_duration_in_open_state: 30s, sliding_window_size: 100}
 *   retry: {max_attempts: 3, backoff: 100ms}      # reads only, transient errors only; 1 = off
 *   timeout: 10s                                    # per attempt; for streams, the longest gap between elements
 *   bulkhead: {max_concurrent: 100}                 # per tenant
 *   rate_limiter: {limit_per_second: 1000}          # per tenant
 *   tiers:                                          # per tier (TenantRecord.tier); absent keys: the values above
 *     free:    {bulkhead: {max_concurrent: 5},   rate_limiter: {limit_per_second: 50}}
 *     premium: {bulkhead: {max_concurrent: 500}, rate_limiter: {limit_per_second: 100000}}
 * </pre>
 *
 * {@code circuit_breaker}, {@code bulkhead} and {@code rate_limiter} each take {@code enabled: false}; a
 * disabled feature adds no operator to the chain.
 *
 * <p>Immutable; absent keys take the {@code DEFAULT_*} values.
 */
public final class ResilienceConfig {

    /** Default failure rate (percent) that opens a node's circuit. */
    public static final double DEFAULT_FAILURE_RATE_THRESHOLD = 50;
    /** Default time a circuit stays open before letting trial calls through. */
    public static final Duration DEFAULT_WAIT_IN_OPEN_STATE = Duration.ofSeconds(30);
    /** Default number of calls the failure rate is computed over. */
    public static final int DEFAULT_SLIDING_WINDOW_SIZE = 100;
    /** Default attempts of a read (1 = no retry). */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    /** Default first backoff between read attempts (doubles each time, with jitter). */
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(100);
    /** Default time limit of one attempt (for streams: of each element). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** Default concurrent operations per tenant. */
    public static final int DEFAULT_MAX_CONCURRENT = 100;
    /** Default operations per second per tenant. */
    public static final int DEFAULT_LIMIT_PER_SECOND = 1000;

    /** The defaults. */
    public static final ResilienceConfig DEFAULT = builder().build();

    private final double failureRateThreshold;
    private final Duration waitDurationInOpenState;
    private final int slidingWindowSize;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration timeout;
    private final int maxConcurrent;
    private final int limitPerSecond;
    private final boolean circuitBreakerEnabled;
    private final boolean bulkheadEnabled;
    private final boolean rateLimiterEnabled;
    private final Map<String, ResilienceConfig> tiers;
    private final String tier;

    private ResilienceConfig(Builder b) {
        this.failureRateThreshold = b.failureRateThreshold;
        this.waitDurationInOpenState = b.waitDurationInOpenState;
        this.slidingWindowSize = b.slidingWindowSize;
        this.maxAttempts = b.maxAttempts;
        this.backoff = b.backoff;
        this.timeout = b.timeout;
        this.maxConcurrent = b.maxConcurrent;
        this.limitPerSecond = b.limitPerSecond;
        this.circuitBreakerEnabled = b.circuitBreakerEnabled;
        this.bulkheadEnabled = b.bulkheadEnabled;
        this.rateLimiterEnabled = b.rateLimiterEnabled;
        this.tier = b.tierName;
        Map<String, ResilienceConfig> t = new LinkedHashMap<>();
        b.tiers.forEach((name, quota) -> t.put(name, b.copy().tierName(name)
                .maxConcurrent(quota.maxConcurrent() > 0 ? quota.maxConcurrent() : b.maxConcurrent)
                .limitPerSecond(quota.limitPerSecond() > 0 ? quota.limitPerSecond() : b.limitPerSecond)
                .noTiers().build()));
        this.tiers = Collections.unmodifiableMap(t);
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param config an engine's configuration
     * @return its {@code resilience} section, defaults for what is absent
     */
    public static ResilienceConfig from(DatabaseConfig config) {
        return from(config.section("resilience"));
    }

    /**
     * @param section a {@code resilience} section (may be empty)
     * @return the settings, defaults for what is absent
     */
    public static ResilienceConfig from(ConfigNode section) {
        ConfigNode cb = section.node("circuit_breaker");
        ConfigNode retry = section.node("retry");
        Builder b = builder()
                .failureRateThreshold(cb.number("failure_rate_threshold", DEFAULT_FAILURE_RATE_THRESHOLD))
                .waitDurationInOpenState(cb.duration("wait_duration_in_open_state", DEFAULT_WAIT_IN_OPEN_STATE))
                .slidingWindowSize(cb.integer("sliding_window_size", DEFAULT_SLIDING_WINDOW_SIZE))
                .maxAttempts(retry.integer("max_attempts", DEFAULT_MAX_ATTEMPTS))
                .backoff(retry.duration("backoff", DEFAULT_BACKOFF))
                .timeout(section.duration("timeout", DEFAULT_TIMEOUT))
                .maxConcurrent(section.node("bulkhead").integer("max_concurrent", DEFAULT_MAX_CONCURRENT))
                .limitPerSecond(section.node("rate_limiter").integer("limit_per_second", DEFAULT_LIMIT_PER_SECOND))
                .circuitBreakerEnabled(cb.bool("enabled", true))
                .bulkheadEnabled(section.node("bulkhead").bool("enabled", true))
                .rateLimiterEnabled(section.node("rate_limiter").bool("enabled", true));
        ConfigNode tiers = section.node("tiers");
        for (String name : tiers.keys()) {
            ConfigNode tier = tiers.node(name);
            b.tier(name, new TierQuota(tier.node("bulkhead").integer("max_concurrent", 0),
                    tier.node("rate_limiter").integer("limit_per_second", 0)));
        }
        return b.build();
    }

    /**
     * The settings for a tenant of a tier: these with the tier's quotas.
     *
     * @param tier a tier name (from the tenant directory), or null
     * @return the tier's settings; these when the tier is null or not configured
     */
    public ResilienceConfig forTier(String tier) {
        if (tier == null) {
            return this;
        }
        ResilienceConfig t = tiers.get(tier);
        return t != null ? t : this;
    }

    /** @return the tier these settings were made for by {@link #forTier}, or null for an engine's own */
    public String tier() {
        return tier;
    }

    /**
     * @param key a quota key under {@code resilience}, e.g. {@code bulkhead.max_concurrent}
     * @return where it is configured for these settings: under the tier when they are a tier's
     */
    public String keyOf(String key) {
        return tier == null ? "resilience." + key : "resilience.tiers." + tier + "." + key;
    }

    /** @return the configured tier names (quotas per tier, see {@link #forTier}) */
    public java.util.Set<String> tierNames() {
        return tiers.keySet();
    }

    /** @return whether node circuit breakers are on */
    public boolean circuitBreakerEnabled() {
        return circuitBreakerEnabled;
    }

    /** @return whether the per-tenant bulkhead is on */
    public boolean bulkheadEnabled() {
        return bulkheadEnabled;
    }

    /** @return whether the per-tenant rate limiter is on */
    public boolean rateLimiterEnabled() {
        return rateLimiterEnabled;
    }

    /** @return the failure rate, in percent, that opens a node's circuit */
    public double failureRateThreshold() {
        return failureRateThreshold;
    }

    /** @return how long a circuit stays open before trial calls */
    public Duration waitDurationInOpenState() {
        return waitDurationInOpenState;
    }

    /** @return the number of calls the failure rate is computed over (and the minimum before it is) */
    public int slidingWindowSize() {
        return slidingWindowSize;
    }

    /** @return attempts of a read; writes are tried once */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** @return the first backoff between read attempts */
    public Duration backoff() {
        return backoff;
    }

    /** @return the time limit of an attempt (of each element, for streams) */
    public Duration timeout() {
        return timeout;
    }

    /** @return concurrent operations allowed per tenant */
    public int maxConcurrent() {
        return maxConcurrent;
    }

    /** @return operations per second allowed per tenant */
    public int limitPerSecond() {
        return limitPerSecond;
    }

    @Override
    public String toString() {
        return "ResilienceConfig{failureRateThreshold=" + failureRateThreshold + ", waitDurationInOpenState="
                + waitDurationInOpenState + ", slidingWindowSize=" + slidingWindowSize + ", maxAttempts=" + maxAttempts
                + ", backoff=" + backoff + ", timeout=" + timeout + ", maxConcurrent=" + maxConcurrent
                + ", limitPerSecond=" + limitPerSecond + ", circuitBreakerEnabled=" + circuitBreakerEnabled
                + ", bulkheadEnabled=" + bulkheadEnabled + ", rateLimiterEnabled=" + rateLimiterEnabled
                + (tier == null ? ", tiers=" + tiers.keySet() : ", tier=" + tier) + '}';
    }

    /**
     * A tier's quotas.
     *
     * @param maxConcurrent  concurrent operations per tenant of the tier; 0 = the engine's
     * @param limitPerSecond operations per second per tenant of the tier; 0 = the engine's
     */
    public record TierQuota(int maxConcurrent, int limitPerSecond) {
        /** Checks the values. */
        public TierQuota {
            if (maxConcurrent < 0 || limitPerSecond < 0) {
                throw new IllegalArgumentException("tier quotas must be >= 0 (0 = the engine's), got max_concurrent="
                        + maxConcurrent + ", limit_per_second=" + limitPerSecond);
            }
        }
    }

    /** Builds a {@link ResilienceConfig}. */
    public static final class Builder {
        private double failureRateThreshold = DEFAULT_FAILURE_RATE_THRESHOLD;
        private Duration waitDurationInOpenState = DEFAULT_WAIT_IN_OPEN_STATE;
        private int slidingWindowSize = DEFAULT_SLIDING_WINDOW_SIZE;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration backoff = DEFAULT_BACKOFF;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int maxConcurrent = DEFAULT_MAX_CONCURRENT;
        private int limitPerSecond = DEFAULT_LIMIT_PER_SECOND;
        private boolean circuitBreakerEnabled = true;
        private boolean bulkheadEnabled = true;
        private boolean rateLimiterEnabled = true;
        private final Map<String, TierQuota> tiers = new LinkedHashMap<>();
        private String tierName;

        private Builder() {
        }

        private Builder tierName(String name) {
            this.tierName = name;
            return this;
        }

        private Builder copy() {
            Builder c = new Builder();
            c.failureRateThreshold = failureRateThreshold;
            c.waitDurationInOpenState = waitDurationInOpenState;
            c.slidingWindowSize = slidingWindowSize;
            c.maxAttempts = maxAttempts;
            c.backoff = backoff;
            c.timeout = timeout;
            c.maxConcurrent = maxConcurrent;
            c.limitPerSecond = limitPerSecond;
            c.circuitBreakerEnabled = circuitBreakerEnabled;
            c.bulkheadEnabled = bulkheadEnabled;
            c.rateLimiterEnabled = rateLimiterEnabled;
            return c;
        }

        private Builder noTiers() {
            tiers.clear();
            return this;
        }

        /** @param enabled whether node circuit breakers are on (default true) @return this */
        public Builder circuitBreakerEnabled(boolean enabled) {
            this.circuitBreakerEnabled = enabled;
            return this;
        }

        /** @param enabled whether the per-tenant bulkhead is on (default true) @return this */
        public Builder bulkheadEnabled(boolean enabled) {
            this.bulkheadEnabled = enabled;
            return this;
        }

        /** @param enabled whether the per-tenant rate limiter is on (default true) @return this */
        public Builder rateLimiterEnabled(boolean enabled) {
            this.rateLimiterEnabled = enabled;
            return this;
        }

        /**
         * @param name  a tier name as the tenant directory records it ({@code [a-z_][a-z0-9_]*})
         * @param quota its quotas
         * @return this
         */
        public Builder tier(String name, TierQuota quota) {
            if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("tier name must be a lower-case identifier, got " + name);
            }
            tiers.put(name, Objects.requireNonNull(quota, "quota"));
            return this;
        }

        /** @param percent in (0, 100] @return this */
        public Builder failureRateThreshold(double percent) {
            if (!(percent > 0 && percent <= 100)) {
                throw new IllegalArgumentException("failure_rate_threshold must be in (0, 100], got " + percent);
            }
            this.failureRateThreshold = percent;
            return this;
        }

        /** @param wait positive @return this */
        public Builder waitDurationInOpenState(Duration wait) {
            this.waitDurationInOpenState = positive(wait, "wait_duration_in_open_state");
            return this;
        }

        /** @param size &gt; 0 @return this */
        public Builder slidingWindowSize(int size) {
            this.slidingWindowSize = atLeastOne(size, "sliding_window_size");
            return this;
        }

        /** @param attempts &gt; 0 (1 disables retries) @return this */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = atLeastOne(attempts, "retry.max_attempts");
            return this;
        }

        /** @param backoff positive @return this */
        public Builder backoff(Duration backoff) {
            this.backoff = positive(backoff, "retry.backoff");
            return this;
        }

        /** @param timeout positive @return this */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /** @param max &gt; 0 @return this */
        public Builder maxConcurrent(int max) {
            this.maxConcurrent = atLeastOne(max, "bulkhead.max_concurrent");
            return this;
        }

        /** @param limit &gt; 0 @return this */
        public Builder limitPerSecond(int limit) {
            this.limitPerSecond = atLeastOne(limit, "rate_limiter.limit_per_second");
            return this;
        }

        /** @return the settings */
        public ResilienceConfig build() {
            return new ResilienceConfig(this);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be > 0, got " + d);
            }
            return d;
        }

        private static int atLeastOne(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be > 0, got " + v);
            }
            return v;
        }
    }
}
