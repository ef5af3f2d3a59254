package io.tenantdb.tenancy.directory;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the directory knows of one tenant.
 *
 * @param tenant     the tenant
 * @param status     its lifecycle state
 * @param tier       its tier (quotas are chosen by tier), e.g. {@code standard}
 * @param strategies its isolation strategy per engine, where it differs from the engine's default
 * @param placement  its shard per engine, where placed
 * @param version    a counter that grows with every change (for change propagation)
 */
public record TenantRecord(TenantId tenant, TenantStatus status, String tier,
                           Map<DatabaseType, IsolationStrategy> strategies, Map<DatabaseType, String> placement,
                           long version) {

    /** Default tier. */
    public static final String DEFAULT_TIER = "standard";

    /** Copies the maps and checks nothing is null. */
    public TenantRecord {
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(tier, "tier");
        strategies = strategies.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(strategies));
        placement = placement.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(placement));
    }

    /** @param tenant a tenant @return an active tenant of the default tier, not yet placed */
    public static TenantRecord active(TenantId tenant) {
        return new TenantRecord(tenant, TenantStatus.ACTIVE, DEFAULT_TIER, Map.of(), Map.of(), 0);
    }

    /** @param engine an engine @return its shard, if placed */
    public Optional<String> shard(DatabaseType engine) {
        return Optional.ofNullable(placement.get(engine));
    }

    /** @param s the new status @return a copy with it */
    public TenantRecord withStatus(TenantStatus s) {
        return new TenantRecord(tenant, s, tier, strategies, placement, version);
    }

    /** @param engine an engine @param shard its shard, or null for none (the engine's own connection) @return a copy placed there */
    public TenantRecord withShard(DatabaseType engine, String shard) {
        Map<DatabaseType, String> p = new EnumMap<>(DatabaseType.class);
        p.putAll(placement);
        if (shard == null) {
            p.remove(engine);
        } else {
            p.put(engine, shard);
        }
        return new TenantRecord(tenant, status, tier, strategies, p, version);
    }

    /** @param engine an engine @param strategy its isolation strategy for this tenant @return a copy with it */
    public TenantRecord withStrategy(DatabaseType engine, IsolationStrategy strategy) {
        Map<DatabaseType, IsolationStrategy> s = new EnumMap<>(DatabaseType.class);
        s.putAll(strategies);
        s.put(engine, strategy);
        return new TenantRecord(tenant, status, tier, s, placement, version);
    }

    /** @param t the tier @return a copy with it */
    public TenantRecord withTier(String t) {
        return new TenantRecord(tenant, status, t, strategies, placement, version);
    }
}
