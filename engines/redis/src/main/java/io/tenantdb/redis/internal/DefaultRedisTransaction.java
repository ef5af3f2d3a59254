package io.tenantdb.redis.internal;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.tenantdb.redis.RedisTransaction;
import org.reactivestreams.Publisher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/** Records a transaction's commands with the tenant's physical keys, checked as they are added. */
final class DefaultRedisTransaction implements RedisTransaction {

    private final KeyNamespace namespace;
    private final List<Function<RedisReactiveCommands<String, byte[]>, Publisher<?>>> commands = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();

    DefaultRedisTransaction(KeyNamespace namespace) {
        this.namespace = namespace;
    }

    List<Function<RedisReactiveCommands<String, byte[]>, Publisher<?>>> commands() {
        return Collections.unmodifiableList(commands);
    }

    /** @return every physical key used, in order */
    List<String> keys() {
        return Collections.unmodifiableList(keys);
    }

    private String key(String key) {
        String k = namespace.key(key);
        keys.add(k);
        return k;
    }

    private RedisTransaction add(Function<RedisReactiveCommands<String, byte[]>, Publisher<?>> command) {
        commands.add(command);
        return this;
    }

    private static Duration positive(Duration ttl) {
        if (ttl == null || ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("ttl must be > 0, was " + ttl);
        }
        return ttl;
    }

    @Override
    public RedisTransaction set(String key, String value) {
        String k = key(key);
        byte[] v = Values.bytes(value);
        return add(r -> r.set(k, v));
    }

    @Override
    public RedisTransaction set(String key, String value, Duration ttl) {
        String k = key(key);
        byte[] v = Values.bytes(value);
        SetArgs args = SetArgs.Builder.px(positive(ttl));
        return add(r -> r.set(k, v, args));
    }

    @Override
    public RedisTransaction get(String key) {
        String k = key(key);
        return add(r -> r.get(k));
    }

    @Override
    public RedisTransaction delete(String... keys) {
        String[] ks = namespace.keys(keys);
        Collections.addAll(this.keys, ks);
        return add(r -> r.del(ks));
    }

    @Override
    public RedisTransaction incrementBy(String key, long delta) {
        String k = key(key);
        return add(r -> r.incrby(k, delta));
    }

    @Override
    public RedisTransaction expire(String key, Duration ttl) {
        String k = key(key);
        Duration t = positive(ttl);
        return add(r -> r.pexpire(k, t));
    }

    @Override
    public RedisTransaction hset(String key, String field, String value) {
        String k = key(key);
        if (field == null) {
            throw new IllegalArgumentException("field must not be null");
        }
        byte[] v = Values.bytes(value);
        return add(r -> r.hset(k, field, v));
    }

    @Override
    public RedisTransaction rpush(String key, String... values) {
        String k = key(key);
        byte[][] v = Values.bytes(values);
        return add(r -> r.rpush(k, v));
    }

    @Override
    public RedisTransaction sadd(String key, String... members) {
        String k = key(key);
        byte[][] v = Values.bytes(members);
        return add(r -> r.sadd(k, v));
    }

    @Override
    public RedisTransaction zadd(String key, double score, String member) {
        String k = key(key);
        byte[] v = Values.bytes(member);
        return add(r -> r.zadd(k, score, v));
    }
}
