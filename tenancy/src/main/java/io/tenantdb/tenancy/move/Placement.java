package io.tenantdb.tenancy.move;

import io.tenantdb.core.IsolationStrategy;

import java.util.Objects;

/**
 * Where a tenant's data lives on one engine: a shard (from the engine's {@code shards} section)
 * and an isolation strategy.
 *
 * @param shard    the shard's name, or {@code null} for the engine's own {@code connection}
 * @param strategy the isolation strategy
 */
public record Placement(String shard, IsolationStrategy strategy) {

    /** Checks the strategy. */
    public Placement {
        Objects.requireNonNull(strategy, "strategy");
    }

    /** @param shard a shard @param strategy a strategy @return the placement */
    public static Placement of(String shard, IsolationStrategy strategy) {
        return new Placement(shard, strategy);
    }

    @Override
    public String toString() {
        return (shard == null ? "(no shard)" : "shard " + shard) + ", " + strategy.id();
    }
}
