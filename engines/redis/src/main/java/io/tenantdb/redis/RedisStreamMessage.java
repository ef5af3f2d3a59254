package io.tenantdb.redis;

import java.util.Map;

/**
 * One entry of a Redis stream, read by a consumer group.
 *
 * @param stream the logical stream key (the tenant's prefix removed)
 * @param id     the entry id, to acknowledge with {@link RedisKeyValueSession#xack}
 * @param body   the entry's fields and values, as UTF-8 text
 */
public record RedisStreamMessage(String stream, String id, Map<String, String> body) {

    /** Copies the body. */
    public RedisStreamMessage {
        body = Map.copyOf(body);
    }
}
