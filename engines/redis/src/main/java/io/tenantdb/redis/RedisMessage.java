package io.tenantdb.redis;

/**
 * A pub/sub message received by a tenant.
 *
 * @param channel the logical channel (the tenant's prefix removed)
 * @param pattern the logical pattern that matched, or {@code null} for a plain subscription
 * @param message the message, as UTF-8 text
 */
public record RedisMessage(String channel, String pattern, String message) {
}
