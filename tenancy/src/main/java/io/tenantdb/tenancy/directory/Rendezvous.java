package io.tenantdb.tenancy.directory;

import io.tenantdb.core.TenantId;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Rendezvous (highest random weight) hashing of tenants over shards: each tenant goes to the shard
 * with the highest hash of (tenant, shard). Adding a shard moves only the tenants that now hash
 * highest on it (about 1/n of them); removing one moves only its own tenants.
 */
public final class Rendezvous {

    private Rendezvous() {
    }

    /**
     * @param tenant the tenant
     * @param shards shard names, at least one
     * @return the shard for the tenant
     */
    public static String place(TenantId tenant, List<String> shards) {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("no shard to place tenant " + tenant.value()
                    + " on: configure at least one entry under 'shards'");
        }
        String best = null;
        long bestScore = Long.MIN_VALUE;
        for (String shard : shards) {
            long score = hash(tenant.value() + '\u0000' + shard);
            if (best == null || score > bestScore || score == bestScore && shard.compareTo(best) < 0) {
                best = shard;
                bestScore = score;
            }
        }
        return best;
    }

    /** 64-bit FNV-1a followed by a murmur3 finaliser (well spread, stable across JVMs). */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
