package io.tenantdb.tenancy.warming;

import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.DatabaseConfig;

import java.time.Duration;
import java.util.Objects;

/**
 * Pool warming settings of one engine, from the YAML {@code pool.warming} section:
 *
 * <pre>
 * pool:
 *   warming:
 *     enabled: false        # off by default
 *     interval: 30s         # how often predicted tenants are looked at
 *     half_life: 5m         # of the per-tenant operation-rate average
 *     min_rate: 0.05        # operations per second from which a tenant is predicted to come back
 *     max_per_cycle: 10     # pools warmed at most per interval
 *     tracked_tenants: 10000  # tenants whose rate is kept (the busiest)
 * </pre>
 *
 * @param enabled        whether the warmer runs
 * @param interval       time between warming cycles
 * @param halfLife       half-life of the rate average
 * @param minRate        operations per second from which a tenant is warmed
 * @param maxPerCycle    pools warmed at most per cycle
 * @param trackedTenants bound on tenants whose rate is kept
 */
public record WarmingConfig(boolean enabled, Duration interval, Duration halfLife, double minRate, int maxPerCycle,
                            int trackedTenants) {

    /** Default interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    /** Default half-life. */
    public static final Duration DEFAULT_HALF_LIFE = Duration.ofMinutes(5);
    /** Default minimum rate (operations per second). */
    public static final double DEFAULT_MIN_RATE = 0.05;
    /** Default pools warmed per cycle. */
    public static final int DEFAULT_MAX_PER_CYCLE = 10;
    /** Default bound on tracked tenants. */
    public static final int DEFAULT_TRACKED_TENANTS = 10_000;
    /** The defaults: off. */
    public static final WarmingConfig DEFAULT = new WarmingConfig(false, DEFAULT_INTERVAL, DEFAULT_HALF_LIFE, DEFAULT_MIN_RATE,
            DEFAULT_MAX_PER_CYCLE, DEFAULT_TRACKED_TENANTS);

    /** Checks the values. */
    public WarmingConfig {
        positive(interval, "pool.warming.interval");
        positive(halfLife, "pool.warming.half_life");
        if (!(minRate > 0)) {
            throw new IllegalArgumentException("pool.warming.min_rate must be > 0, got " + minRate);
        }
        if (maxPerCycle < 1) {
            throw new IllegalArgumentException("pool.warming.max_per_cycle must be > 0, got " + maxPerCycle);
        }
        if (trackedTenants < 1) {
            throw new IllegalArgumentException("pool.warming.tracked_tenants must be > 0, got " + trackedTenants);
        }
    }

    /**
     * @param config an engine's configuration
     * @return its {@code pool.warming} section, defaults for what is absent
     */
    public static WarmingConfig from(DatabaseConfig config) {
        return from(config.section("pool").node("warming"));
    }

    /**
     * @param section a {@code pool.warming} section (may be empty)
     * @return the settings
     */
    public static WarmingConfig from(ConfigNode section) {
        return new WarmingConfig(section.bool("enabled", false), section.duration("interval", DEFAULT_INTERVAL),
                section.duration("half_life", DEFAULT_HALF_LIFE), section.number("min_rate", DEFAULT_MIN_RATE),
                section.integer("max_per_cycle", DEFAULT_MAX_PER_CYCLE),
                section.integer("tracked_tenants", DEFAULT_TRACKED_TENANTS));
    }

    /** @param on whether the warmer runs @return a copy */
    public WarmingConfig withEnabled(boolean on) {
        return new WarmingConfig(on, interval, halfLife, minRate, maxPerCycle, trackedTenants);
    }

    private static void positive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be > 0, got " + d);
        }
    }
}
