package io.tenantdb.redis;

import java.time.Duration;

/**
 * The commands of one {@code MULTI}/{@code EXEC} transaction, recorded by
 * {@link RedisKeyValueSession#transaction}. Keys are logical and checked like every other key. Each
 * command adds one element to the transaction's result list (strings for values, numbers for
 * counts, {@code "OK"} for status replies). Redis runs the commands atomically but does not roll
 * back the others when one fails.
 */
public interface RedisTransaction {

    /** @param key the key @param value the value @return this */
    RedisTransaction set(String key, String value);

    /** @param key the key @param value the value @param ttl time to live, &gt; 0 @return this */
    RedisTransaction set(String key, String value, Duration ttl);

    /** @param key the key @return this */
    RedisTransaction get(String key);

    /** @param keys the keys @return this */
    RedisTransaction delete(String... keys);

    /** @param key the key @param delta how much to add @return this */
    RedisTransaction incrementBy(String key, long delta);

    /** @param key the key @param ttl the new time to live @return this */
    RedisTransaction expire(String key, Duration ttl);

    /** @param key the hash @param field the field @param value the value @return this */
    RedisTransaction hset(String key, String field, String value);

    /** @param key the list @param values values to append @return this */
    RedisTransaction rpush(String key, String... values);

    /** @param key the set @param members members to add @return this */
    RedisTransaction sadd(String key, String... members);

    /** @param key the sorted set @param score the score @param member the member @return this */
    RedisTransaction zadd(String key, double score, String member);
}
