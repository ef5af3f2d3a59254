package io.tenantdb.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantdb.core.TenantId;

import java.util.Objects;

/**
 * A message telling every instance to drop entries from its first-level cache.
 *
 * @param cache  the cache's name
 * @param tenant the tenant whose entries go
 * @param key    the logical key, or {@code null} for every entry of the tenant
 * @param origin the instance that published it (instances ignore their own messages)
 */
public record CacheInvalidation(String cache, TenantId tenant, String key, String origin) {

    private static final ObjectMapper JSON = warmed(new ObjectMapper());

    /**
     * Builds the tree deserializer now: the first read builds and caches it under Jackson's lock,
     * which the bus's subscribers would otherwise contend for on their event loops.
     */
    private static ObjectMapper warmed(ObjectMapper mapper) {
        try {
            mapper.readTree("{\"c\":\"\"}");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return mapper;
    }

    /** Checks the values. */
    public CacheInvalidation {
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(origin, "origin");
    }

    /** @return whether every entry of the tenant goes */
    public boolean wholeTenant() {
        return key == null;
    }

    /** @return the message as compact JSON, for a string pub/sub channel */
    public String encode() {
        ObjectNode n = JSON.createObjectNode();
        n.put("c", cache);
        n.put("t", tenant.value());
        n.put("o", origin);
        if (key != null) {
            n.put("k", key);
        }
        return n.toString();
    }

    /**
     * @param text what {@link #encode()} wrote
     * @return the message
     * @throws IllegalArgumentException when the text is not such a message (the tenant id is validated)
     */
    public static CacheInvalidation decode(String text) {
        try {
            JsonNode n = JSON.readTree(text);
            JsonNode k = n.get("k");
            return new CacheInvalidation(n.get("c").asText(), TenantId.of(n.get("t").asText()),
                    k == null || k.isNull() ? null : k.asText(), n.get("o").asText());
        } catch (Exception e) {
            throw new IllegalArgumentException("not a cache invalidation message (ignored)", e);
        }
    }
}
