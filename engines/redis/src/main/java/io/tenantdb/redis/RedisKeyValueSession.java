package io.tenantdb.redis;

import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.tenantdb.core.session.KeyValueSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Redis session: {@link KeyValueSession} plus Redis's data types, pub/sub, streams, Lua scripts
 * and transactions, all confined to the current tenant's namespace. Get it with
 * {@code (RedisKeyValueSession) db.keyValue(DatabaseType.REDIS)} or
 * {@code db.session(DatabaseType.REDIS, RedisKeyValueSession.class)}.
 *
 * <p>Keys, channels and stream names are logical: the engine prefixes them and strips the prefix
 * from what it returns. A key with a glob character ({@code * ? [ ] \}), or CR, LF or NUL, is refused
 * with an {@link io.tenantdb.core.exception.IsolationViolationException}.
 *
 * <p>Values are stored as bytes: text as UTF-8, {@link #setBytes bytes} unchanged and
 * {@link #setJson JSON} as UTF-8 JSON (Jackson), so a value written with one codec reads with the
 * matching one.
 *
 * <p>{@link #withNative(Class, java.util.function.Function)} offers
 * {@code io.lettuce.core.api.StatefulRedisConnection} and
 * {@code io.lettuce.core.api.reactive.RedisReactiveCommands} (codec: {@code String} keys,
 * {@code byte[]} values) on a connection of its own, only where the server itself scopes it: a
 * tenant under {@code row_level_security} with its own ACL user (in a cluster, a connection to the
 * master serving the tenant's hash-tag slot). Keys there are physical: the caller prefixes them. Under the other strategies a native client could reach every tenant's keys, so
 * it is refused with an {@link io.tenantdb.core.exception.UnsupportedFeatureException}.
 *
 * @apiNote nothing happens until subscription; the tenant is read from the subscriber's context.
 */
public interface RedisKeyValueSession extends KeyValueSession {

    // ---- strings -----------------------------------------------------------------------------

    /**
     * {@code SET ... XX}: stores only when the key exists.
     *
     * @param key   the key
     * @param value the value
     * @param ttl   time to live, or {@code null} for none
     * @return {@code true} when stored, {@code false} when the key did not exist
     */
    Mono<Boolean> setIfPresent(String key, String value, Duration ttl);

    /** @param key the key @param delta how much to add (may be negative) @return the value after */
    Mono<Long> incrementBy(String key, long delta);

    /** @param key the key @return the raw value, or empty */
    Mono<byte[]> getBytes(String key);

    /**
     * @param key   the key
     * @param value the raw value
     * @param ttl   time to live, or {@code null} for none
     * @return completes when stored
     */
    Mono<Void> setBytes(String key, byte[] value, Duration ttl);

    /**
     * @param key  the key
     * @param type the type to read the JSON value as
     * @param <T>  the type
     * @return the value, or empty; a {@link io.tenantdb.core.exception.DataAccessException} when the
     *     stored value is not JSON of that type
     */
    <T> Mono<T> getJson(String key, Class<T> type);

    /**
     * @param key   the key
     * @param value a value Jackson can write
     * @param ttl   time to live, or {@code null} for none
     * @return completes when stored
     */
    Mono<Void> setJson(String key, Object value, Duration ttl);

    /** @param key the key @return whether a time to live was removed */
    Mono<Boolean> persist(String key);

    // ---- hashes ------------------------------------------------------------------------------

    /** @param key the hash @param fields fields and values @return how many fields were new */
    Mono<Long> hset(String key, Map<String, String> fields);

    /** @param key the hash @param fields the fields @return how many were removed */
    Mono<Long> hdel(String key, String... fields);

    /** @param key the hash @param field the field @param delta how much to add @return the value after */
    Mono<Long> hincrby(String key, String field, long delta);

    // ---- lists -------------------------------------------------------------------------------

    /** @param key the list @param values values to prepend @return the length after */
    Mono<Long> lpush(String key, String... values);

    /** @param key the list @param values values to append @return the length after */
    Mono<Long> rpush(String key, String... values);

    /** @param key the list @return the first element removed, or empty */
    Mono<String> lpop(String key);

    /** @param key the list @return the last element removed, or empty */
    Mono<String> rpop(String key);

    /**
     * @param key   the list
     * @param start first index (0-based, negative from the end)
     * @param stop  last index, inclusive
     * @return the elements
     */
    Flux<String> lrange(String key, long start, long stop);

    /** @param key the list @return its length */
    Mono<Long> llen(String key);

    // ---- sets --------------------------------------------------------------------------------

    /** @param key the set @param members members to add @return how many were new */
    Mono<Long> sadd(String key, String... members);

    /** @param key the set @param members members to remove @return how many were removed */
    Mono<Long> srem(String key, String... members);

    /** @param key the set @return its members, streamed with {@code SSCAN} */
    Flux<String> smembers(String key);

    /** @param key the set @param member a member @return whether it is in the set */
    Mono<Boolean> sismember(String key, String member);

    /** @param key the set @return its size */
    Mono<Long> scard(String key);

    // ---- sorted sets -------------------------------------------------------------------------

    /** @param key the sorted set @param score the score @param member the member @return whether it was new */
    Mono<Boolean> zadd(String key, double score, String member);

    /** @param key the sorted set @param delta how much to add @param member the member @return the score after */
    Mono<Double> zincrby(String key, double delta, String member);

    /** @param key the sorted set @param member the member @return its score, or empty */
    Mono<Double> zscore(String key, String member);

    /** @param key the sorted set @param members members to remove @return how many were removed */
    Mono<Long> zrem(String key, String... members);

    /**
     * @param key   the sorted set
     * @param start first rank (0-based, negative from the end)
     * @param stop  last rank, inclusive
     * @return members with scores, lowest score first
     */
    Flux<ScoredValue<String>> zrangeWithScores(String key, long start, long stop);

    /**
     * @param key the sorted set
     * @param min lowest score, inclusive
     * @param max highest score, inclusive
     * @return members in that score range, lowest first
     */
    Flux<String> zrangeByScore(String key, double min, double max);

    // ---- pub/sub -----------------------------------------------------------------------------

    /**
     * @param channel the logical channel
     * @param message the message
     * @return how many subscribers received it
     */
    Mono<Long> publish(String channel, String message);

    /**
     * Subscribes to the tenant's channels on a connection of its own, unsubscribed and closed on
     * cancel. Messages published before the server acknowledged the subscription are not seen
     * (pub/sub keeps nothing); messages beyond demand are buffered.
     *
     * @param channels logical channels
     * @return the messages, endlessly
     */
    Flux<RedisMessage> subscribe(String... channels);

    /**
     * Like {@link #subscribe(String...)} with a glob ({@code PSUBSCRIBE}) confined to the tenant's
     * channels.
     *
     * @param pattern a glob relative to the tenant's namespace, e.g. {@code orders:*}
     * @return the messages, endlessly
     */
    Flux<RedisMessage> psubscribe(String pattern);

    // ---- streams -----------------------------------------------------------------------------

    /**
     * @param stream the logical stream key
     * @param body   fields and values (at least one)
     * @return the new entry's id
     */
    Mono<String> xadd(String stream, Map<String, String> body);

    /**
     * Creates a consumer group reading from the start of the stream, creating the stream if needed.
     *
     * @param stream the logical stream key
     * @param group  the group name
     * @return {@code true} when created, {@code false} when it already existed
     */
    Mono<Boolean> xgroupCreate(String stream, String group);

    /**
     * Reads new entries for a consumer of a group ({@code XREADGROUP ... >}), endlessly: batches of at
     * most {@code batchSize} as demand allows, pausing {@code redis.stream_poll_interval} when the
     * stream has nothing new. It never sends a blocking {@code XREADGROUP BLOCK}, which would stall the
     * shared connection. Entries stay pending until {@link #xack acknowledged}.
     *
     * @param stream    the logical stream key
     * @param group     the group
     * @param consumer  this consumer's name
     * @param batchSize entries per read, &gt; 0
     * @return the entries
     */
    Flux<RedisStreamMessage> xreadgroup(String stream, String group, String consumer, int batchSize);

    /**
     * @param stream the logical stream key
     * @param group  the group
     * @param ids    entry ids
     * @return how many were acknowledged
     */
    Mono<Long> xack(String stream, String group, String... ids);

    // ---- scripts -----------------------------------------------------------------------------

    /**
     * Runs a Lua script ({@code EVAL}). The engine prefixes every name in {@code keys}, so the script
     * sees the tenant's physical keys in {@code KEYS[]}.
     *
     * <p><b>Limit:</b> a script must touch only keys passed in {@code keys}. The engine cannot look
     * inside the script: one that builds key names itself (from {@code ARGV} or literals) escapes
     * the tenant's namespace under {@code schema_per_tenant} and {@code database_per_tenant}. Under
     * {@code row_level_security} with ACL users the server refuses such access. Key names a script
     * returns are physical (prefixed).
     *
     * @param script the Lua source
     * @param type   the reply type
     * @param keys   logical keys, checked and prefixed
     * @param args   arguments, passed as given
     * @return the reply: {@code Long}, {@code Boolean}, {@code String} (values decoded as UTF-8), or a
     *     {@code List} of those for {@link ScriptOutputType#MULTI}; empty for a nil reply
     */
    Mono<Object> eval(String script, ScriptOutputType type, List<String> keys, List<String> args);

    // ---- transactions ------------------------------------------------------------------------

    /**
     * Runs commands atomically with {@code MULTI}/{@code EXEC} on a connection of its own (so no
     * other command interleaves). In Redis Cluster every key must be in the same slot, which holds
     * for one tenant's keys with {@code redis.hash_tag: true}; otherwise the transaction is refused
     * before anything is sent.
     *
     * @param commands records the commands on the given transaction (called once per subscription)
     * @return one result per command, in order
     */
    Mono<List<Object>> transaction(Consumer<RedisTransaction> commands);
}
