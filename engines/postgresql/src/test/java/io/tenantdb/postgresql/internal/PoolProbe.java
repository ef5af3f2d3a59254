package io.tenantdb.postgresql.internal;

import io.tenantdb.core.spi.Engine;

import java.util.Map;
import java.util.TreeMap;

/** Test access to the engine's per-pool binding counters (package-private in production). */
public final class PoolProbe {

    private PoolProbe() {
    }

    /**
     * @param engine a PostgreSQL or TimescaleDB engine
     * @return session-level binding statements run per open pool, by pool name
     *     ({@code host:port/database}, {@code #tenant} appended for a dedicated pool)
     */
    public static Map<String, Long> bindings(Engine engine) {
        PoolRegistry pools = ((PostgresEngine) engine).pools();
        Map<String, Long> out = new TreeMap<>();
        for (PoolRegistry.PoolKey key : pools.keys()) {
            out.merge(key.name(), Math.max(0, pools.bindings(key)), Long::sum);
        }
        return out;
    }

    /**
     * @param engine a PostgreSQL or TimescaleDB engine
     * @param host   a server host
     * @param port   its port
     * @return connections open to it counted against its {@code connection_budget}, -1 without budget
     */
    public static int budgetUsed(Engine engine, String host, int port) {
        return ((PostgresEngine) engine).pools().budgetUsed(host, port);
    }

    /** @param engine a PostgreSQL or TimescaleDB engine @return its open pools */
    public static int pools(Engine engine) {
        return ((PostgresEngine) engine).pools().size();
    }
}
