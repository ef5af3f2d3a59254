package io.tenantdb.redis.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lettuce.core.Consumer;
import io.lettuce.core.KeyValue;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanStream;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.redis.RedisKeyValueSession;
import io.tenantdb.redis.RedisMessage;
import io.tenantdb.redis.RedisStreamMessage;
import io.tenantdb.redis.RedisTransaction;
import io.tenantdb.redis.internal.RedisSettings.Topology;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** The Redis session: every method resolves the tenant's scope and runs through the operator chain. */
final class DefaultRedisKeyValueSession implements RedisKeyValueSession {

    private static final DatabaseType REDIS = DatabaseType.REDIS;
    private static final int SCAN_COUNT = 200;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final RedisEngine engine;

    DefaultRedisKeyValueSession(RedisEngine engine) {
        this.engine = engine;
    }

    @Override
    public DatabaseType engine() {
        return REDIS;
    }

    private <T> Mono<T> mono(OperationKind kind, String name, Function<TenantScope, Mono<T>> body) {
        return engine.context().operations().mono(REDIS, kind, name, tenant -> engine.withScope(tenant, kind, body)
                .onErrorMap(e -> RedisErrors.map(e, tenant)));
    }

    private <T> Flux<T> flux(OperationKind kind, String name, Function<TenantScope, Publisher<T>> body) {
        return engine.context().operations().flux(REDIS, kind, name, tenant -> engine.withScopeMany(tenant, kind, body)
                .onErrorMap(e -> RedisErrors.map(e, tenant)));
    }

    private static Duration positive(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be > 0, was " + ttl);
        }
        return ttl;
    }

    // ---- KeyValueSession ----------------------------------------------------------------------

    @Override
    public Mono<String> get(String key) {
        return getBytes(key, "get").map(Values::text);
    }

    private Mono<byte[]> getBytes(String key, String name) {
        return mono(OperationKind.READ, name, s -> s.commands().get(s.namespace().key(key)));
    }

    @Override
    public Mono<Void> set(String key, String value) {
        return mono(OperationKind.WRITE, "set", s -> s.commands().set(s.namespace().key(key), Values.bytes(value)).then());
    }

    @Override
    public Mono<Void> set(String key, String value, Duration ttl) {
        return setBytes(key, value == null ? null : Values.bytes(value), positive(ttl), "set");
    }

    @Override
    public Mono<Boolean> setIfAbsent(String key, String value, Duration ttl) {
        return conditionalSet(key, value, ttl, true);
    }

    @Override
    public Mono<Boolean> setIfPresent(String key, String value, Duration ttl) {
        return conditionalSet(key, value, ttl, false);
    }

    private Mono<Boolean> conditionalSet(String key, String value, Duration ttl, boolean ifAbsent) {
        return mono(OperationKind.WRITE, ifAbsent ? "setIfAbsent" : "setIfPresent", s -> {
            SetArgs args = ifAbsent ? SetArgs.Builder.nx() : SetArgs.Builder.xx();
            if (ttl != null) {
                args.px(positive(ttl));
            }
            return s.commands().set(s.namespace().key(key), Values.bytes(value), args).map("OK"::equals)
                    .defaultIfEmpty(false);
        });
    }

    @Override
    public Mono<Long> delete(String... keys) {
        return mono(OperationKind.WRITE, "delete", s -> s.commands().del(s.namespace().keys(keys)));
    }

    @Override
    public Mono<Boolean> exists(String key) {
        return mono(OperationKind.READ, "exists", s -> s.commands().exists(s.namespace().key(key)).map(n -> n > 0));
    }

    @Override
    public Mono<Long> increment(String key) {
        return mono(OperationKind.WRITE, "increment", s -> s.commands().incr(s.namespace().key(key)));
    }

    @Override
    public Mono<Long> incrementBy(String key, long delta) {
        return mono(OperationKind.WRITE, "incrementBy", s -> s.commands().incrby(s.namespace().key(key), delta));
    }

    @Override
    public Mono<Boolean> expire(String key, Duration ttl) {
        return mono(OperationKind.WRITE, "expire", s -> s.commands().pexpire(s.namespace().key(key), positive(ttl)));
    }

    @Override
    public Mono<Boolean> persist(String key) {
        return mono(OperationKind.WRITE, "persist", s -> s.commands().persist(s.namespace().key(key)));
    }

    @Override
    public Mono<Duration> ttl(String key) {
        return mono(OperationKind.READ, "ttl", s -> s.commands().pttl(s.namespace().key(key))
                .filter(ms -> ms >= 0)
                .map(Duration::ofMillis));
    }

    @Override
    public Flux<String> scan(String pattern) {
        // The service connection: ACL users may not SCAN (the server does not filter SCAN by key pattern).
        return flux(OperationKind.READ, "scan", s -> engine.scan(s.service(), s.namespace(),
                s.namespace().pattern(pattern)).map(s.namespace()::strip));
    }

    @Override
    public Mono<Boolean> hset(String key, String field, String value) {
        return mono(OperationKind.WRITE, "hset", s -> s.commands().hset(s.namespace().key(key), field(field),
                Values.bytes(value)));
    }

    @Override
    public Mono<Long> hset(String key, Map<String, String> fields) {
        return mono(OperationKind.WRITE, "hset", s -> {
            if (fields == null || fields.isEmpty()) {
                throw new IllegalArgumentException("fields must not be empty");
            }
            Map<String, byte[]> values = new LinkedHashMap<>();
            fields.forEach((f, v) -> values.put(field(f), Values.bytes(v)));
            return s.commands().hset(s.namespace().key(key), values);
        });
    }

    @Override
    public Mono<String> hget(String key, String field) {
        return mono(OperationKind.READ, "hget", s -> s.commands().hget(s.namespace().key(key), field(field))
                .map(Values::text));
    }

    @Override
    public Mono<Map<String, String>> hgetall(String key) {
        return mono(OperationKind.READ, "hgetall", s -> s.commands().hgetall(s.namespace().key(key))
                .filter(KeyValue::hasValue)
                .collectMap(KeyValue::getKey, kv -> Values.text(kv.getValue()), LinkedHashMap::new));
    }

    @Override
    public Mono<Long> hdel(String key, String... fields) {
        return mono(OperationKind.WRITE, "hdel", s -> s.commands().hdel(s.namespace().key(key), fields(fields)));
    }

    @Override
    public Mono<Long> hincrby(String key, String field, long delta) {
        return mono(OperationKind.WRITE, "hincrby", s -> s.commands().hincrby(s.namespace().key(key), field(field), delta));
    }

    private static String field(String field) {
        if (field == null) {
            throw new IllegalArgumentException("field must not be null");
        }
        return field;
    }

    private static String[] fields(String... fields) {
        if (fields == null || fields.length == 0) {
            throw new IllegalArgumentException("at least one field is required");
        }
        for (String f : fields) {
            field(f);
        }
        return fields;
    }

    // ---- strings: bytes and JSON ----------------------------------------------------------------

    @Override
    public Mono<byte[]> getBytes(String key) {
        return getBytes(key, "getBytes");
    }

    @Override
    public Mono<Void> setBytes(String key, byte[] value, Duration ttl) {
        return setBytes(key, value, ttl, "setBytes");
    }

    private Mono<Void> setBytes(String key, byte[] value, Duration ttl, String name) {
        return mono(OperationKind.WRITE, name, s -> {
            if (value == null) {
                throw new IllegalArgumentException("value must not be null");
            }
            String k = s.namespace().key(key);
            return (ttl == null ? s.commands().set(k, value) : s.commands().set(k, value, SetArgs.Builder.px(positive(ttl))))
                    .then();
        });
    }

    @Override
    public <T> Mono<T> getJson(String key, Class<T> type) {
        Objects.requireNonNull(type, "type");
        return mono(OperationKind.READ, "getJson", s -> s.commands().get(s.namespace().key(key)).handle((bytes, sink) -> {
            try {
                sink.next(JSON.readValue(bytes, type));
            } catch (java.io.IOException e) {
                String why = e instanceof JsonProcessingException ? ((JsonProcessingException) e).getOriginalMessage()
                        : e.getMessage();
                sink.error(new DataAccessException("the value of '" + key + "' is not JSON of type " + type.getName()
                        + ": " + why + "; read it with get/getBytes", s.tenant(), REDIS, e));
            }
        }));
    }

    @Override
    public Mono<Void> setJson(String key, Object value, Duration ttl) {
        return mono(OperationKind.WRITE, "setJson", s -> {
            byte[] json;
            try {
                json = JSON.writeValueAsBytes(Objects.requireNonNull(value, "value"));
            } catch (JsonProcessingException e) {
                throw new DataAccessException("cannot write " + value.getClass().getName() + " as JSON: "
                        + e.getOriginalMessage() + "; give Jackson a serializable type", s.tenant(), REDIS, e);
            }
            String k = s.namespace().key(key);
            return (ttl == null ? s.commands().set(k, json) : s.commands().set(k, json, SetArgs.Builder.px(positive(ttl))))
                    .then();
        });
    }

    // ---- lists ----------------------------------------------------------------------------------

    @Override
    public Mono<Long> lpush(String key, String... values) {
        return mono(OperationKind.WRITE, "lpush", s -> s.commands().lpush(s.namespace().key(key), Values.bytes(values)));
    }

    @Override
    public Mono<Long> rpush(String key, String... values) {
        return mono(OperationKind.WRITE, "rpush", s -> s.commands().rpush(s.namespace().key(key), Values.bytes(values)));
    }

    @Override
    public Mono<String> lpop(String key) {
        return mono(OperationKind.WRITE, "lpop", s -> s.commands().lpop(s.namespace().key(key)).map(Values::text));
    }

    @Override
    public Mono<String> rpop(String key) {
        return mono(OperationKind.WRITE, "rpop", s -> s.commands().rpop(s.namespace().key(key)).map(Values::text));
    }

    @Override
    public Flux<String> lrange(String key, long start, long stop) {
        return flux(OperationKind.READ, "lrange", s -> s.commands().lrange(s.namespace().key(key), start, stop)
                .map(Values::text));
    }

    @Override
    public Mono<Long> llen(String key) {
        return mono(OperationKind.READ, "llen", s -> s.commands().llen(s.namespace().key(key)));
    }

    // ---- sets -----------------------------------------------------------------------------------

    @Override
    public Mono<Long> sadd(String key, String... members) {
        return mono(OperationKind.WRITE, "sadd", s -> s.commands().sadd(s.namespace().key(key), Values.bytes(members)));
    }

    @Override
    public Mono<Long> srem(String key, String... members) {
        return mono(OperationKind.WRITE, "srem", s -> s.commands().srem(s.namespace().key(key), Values.bytes(members)));
    }

    @Override
    public Flux<String> smembers(String key) {
        return flux(OperationKind.READ, "smembers", s -> ScanStream.sscan(s.commands(), s.namespace().key(key),
                ScanArgs.Builder.limit(SCAN_COUNT)).map(Values::text));
    }

    @Override
    public Mono<Boolean> sismember(String key, String member) {
        return mono(OperationKind.READ, "sismember", s -> s.commands().sismember(s.namespace().key(key),
                Values.bytes(member)));
    }

    @Override
    public Mono<Long> scard(String key) {
        return mono(OperationKind.READ, "scard", s -> s.commands().scard(s.namespace().key(key)));
    }

    // ---- sorted sets ------------------------------------------------------------------------------

    @Override
    public Mono<Boolean> zadd(String key, double score, String member) {
        return mono(OperationKind.WRITE, "zadd", s -> s.commands().zadd(s.namespace().key(key), score,
                Values.bytes(member)).map(n -> n > 0));
    }

    @Override
    public Mono<Double> zincrby(String key, double delta, String member) {
        return mono(OperationKind.WRITE, "zincrby", s -> s.commands().zincrby(s.namespace().key(key), delta,
                Values.bytes(member)));
    }

    @Override
    public Mono<Double> zscore(String key, String member) {
        return mono(OperationKind.READ, "zscore", s -> s.commands().zscore(s.namespace().key(key), Values.bytes(member)));
    }

    @Override
    public Mono<Long> zrem(String key, String... members) {
        return mono(OperationKind.WRITE, "zrem", s -> s.commands().zrem(s.namespace().key(key), Values.bytes(members)));
    }

    @Override
    public Flux<ScoredValue<String>> zrangeWithScores(String key, long start, long stop) {
        return flux(OperationKind.READ, "zrangeWithScores", s -> s.commands().zrangeWithScores(s.namespace().key(key),
                start, stop).map(sv -> sv.map(Values::text)));
    }

    @Override
    public Flux<String> zrangeByScore(String key, double min, double max) {
        return flux(OperationKind.READ, "zrangeByScore", s -> s.commands().zrangebyscore(s.namespace().key(key), Range.create(min, max))
                .map(Values::text));
    }

    // ---- pub/sub --------------------------------------------------------------------------------

    @Override
    public Mono<Long> publish(String channel, String message) {
        return mono(OperationKind.WRITE, "publish", s -> s.commands().publish(s.namespace().channel(channel),
                Values.bytes(message)));
    }

    @Override
    public Flux<RedisMessage> subscribe(String... channels) {
        return flux(OperationKind.READ, "subscribe", s -> {
            if (channels == null || channels.length == 0) {
                throw new IllegalArgumentException("at least one channel is required");
            }
            String[] physical = new String[channels.length];
            for (int i = 0; i < channels.length; i++) {
                physical[i] = s.namespace().channel(channels[i]);
            }
            return Flux.usingWhen(engine.connections().pubSub(s.endpoint()),
                    c -> c.reactive().observeChannels()
                            .mergeWith(c.reactive().subscribe(physical).then(Mono.empty()))
                            .filter(m -> s.namespace().owns(m.getChannel()))
                            .map(m -> new RedisMessage(s.namespace().strip(m.getChannel()), null,
                                    Values.text(m.getMessage()))),
                    DefaultRedisKeyValueSession::close);
        });
    }

    @Override
    public Flux<RedisMessage> psubscribe(String pattern) {
        return flux(OperationKind.READ, "psubscribe", s -> {
            String physical = s.namespace().pattern(pattern);
            return Flux.usingWhen(engine.connections().pubSub(s.endpoint()),
                    c -> c.reactive().observePatterns()
                            .mergeWith(c.reactive().psubscribe(physical).then(Mono.empty()))
                            .filter(m -> s.namespace().owns(m.getChannel()))
                            .map(m -> new RedisMessage(s.namespace().strip(m.getChannel()), pattern,
                                    Values.text(m.getMessage()))),
                    DefaultRedisKeyValueSession::close);
        });
    }

    private static Mono<Void> close(StatefulRedisPubSubConnection<String, byte[]> c) {
        return Mono.fromFuture(c.closeAsync()).onErrorResume(e -> Mono.empty());
    }

    // ---- streams --------------------------------------------------------------------------------

    @Override
    public Mono<String> xadd(String stream, Map<String, String> body) {
        return mono(OperationKind.WRITE, "xadd", s -> {
            if (body == null || body.isEmpty()) {
                throw new IllegalArgumentException("a stream entry needs at least one field");
            }
            Map<String, byte[]> values = new LinkedHashMap<>();
            body.forEach((f, v) -> values.put(field(f), Values.bytes(v)));
            return s.commands().xadd(s.namespace().key(stream), values);
        });
    }

    @Override
    public Mono<Boolean> xgroupCreate(String stream, String group) {
        return mono(OperationKind.WRITE, "xgroupCreate", s -> s.commands()
                .xgroupCreate(XReadArgs.StreamOffset.from(s.namespace().key(stream), "0"), name(group, "group"),
                        XGroupCreateArgs.Builder.mkstream())
                .thenReturn(true)
                .onErrorResume(e -> e instanceof RedisCommandExecutionException && String.valueOf(e.getMessage())
                        .startsWith("BUSYGROUP"), e -> Mono.just(false)));
    }

    @Override
    @SuppressWarnings("unchecked") // Lettuce's StreamOffset varargs
    public Flux<RedisStreamMessage> xreadgroup(String stream, String group, String consumer, int batchSize) {
        Duration poll = engine.settings().streamPollInterval();
        return flux(OperationKind.READ, "xreadgroup", s -> {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be > 0, was " + batchSize);
            }
            String key = s.namespace().key(stream);
            Consumer<String> who = Consumer.from(name(group, "group"), name(consumer, "consumer"));
            Mono<List<StreamMessage<String, byte[]>>> batch = Mono.defer(() -> s.commands()
                    .xreadgroup(who, XReadArgs.Builder.count(batchSize), XReadArgs.StreamOffset.lastConsumed(key))
                    .collectList());
            return batch
                    .flatMapMany(list -> list.isEmpty() ? Mono.delay(poll).then(Mono.<StreamMessage<String, byte[]>>empty())
                            : Flux.fromIterable(list))
                    .repeat()
                    .map(m -> {
                        Map<String, String> body = new LinkedHashMap<>();
                        m.getBody().forEach((f, v) -> body.put(f, Values.text(v)));
                        return new RedisStreamMessage(s.namespace().strip(m.getStream()), m.getId(), body);
                    });
        });
    }

    @Override
    public Mono<Long> xack(String stream, String group, String... ids) {
        return mono(OperationKind.WRITE, "xack", s -> {
            if (ids == null || ids.length == 0) {
                throw new IllegalArgumentException("at least one id is required");
            }
            return s.commands().xack(s.namespace().key(stream), name(group, "group"), ids);
        });
    }

    private static String name(String name, String what) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return name;
    }

    // ---- scripts --------------------------------------------------------------------------------

    @Override
    public Mono<Object> eval(String script, ScriptOutputType type, List<String> keys, List<String> args) {
        Objects.requireNonNull(type, "type");
        return mono(OperationKind.WRITE, "eval", s -> {
            String[] physical = new String[keys.size()];
            for (int i = 0; i < physical.length; i++) {
                physical[i] = s.namespace().key(keys.get(i));
            }
            byte[][] values = new byte[args.size()][];
            for (int i = 0; i < values.length; i++) {
                values[i] = Values.bytes(args.get(i));
            }
            Flux<Object> reply = s.commands().eval(name(script, "script"), type, physical, values);
            return reply.next().map(Values::decode); // Lettuce emits a MULTI reply as one List
        });
    }

    // ---- transactions ---------------------------------------------------------------------------

    @Override
    public Mono<List<Object>> transaction(java.util.function.Consumer<RedisTransaction> commands) {
        Objects.requireNonNull(commands, "commands");
        return mono(OperationKind.WRITE, "transaction", s -> {
            DefaultRedisTransaction tx = new DefaultRedisTransaction(s.namespace());
            commands.accept(tx);
            if (tx.commands().isEmpty()) {
                return Mono.just(List.<Object>of());
            }
            String first = tx.keys().get(0);
            if (engine.connections().topology() == Topology.CLUSTER) {
                int slot = SlotHash.getSlot(first);
                for (String k : tx.keys()) {
                    if (SlotHash.getSlot(k) != slot) {
                        throw new UnsupportedFeatureException("a transaction's keys must share one cluster slot, but '"
                                + s.namespace().strip(k) + "' and '" + s.namespace().strip(first) + "' do not: set"
                                + " redis.hash_tag: true so all of a tenant's keys share a slot", s.tenant(), REDIS, null);
                    }
                }
            }
            return Mono.usingWhen(engine.connections().dedicated(s.endpoint(), first),
                    c -> exec(c.reactive(), tx, s.tenant()),
                    c -> Mono.fromFuture(c.closeAsync()).onErrorResume(e -> Mono.empty()));
        });
    }

    private static Mono<List<Object>> exec(RedisReactiveCommands<String, byte[]> r, DefaultRedisTransaction tx,
                                           TenantId tenant) {
        return r.multi().flatMap(ok -> {
            // Each command is queued when subscribed; its result arrives with EXEC.
            for (Function<RedisReactiveCommands<String, byte[]>, Publisher<?>> command : tx.commands()) {
                Flux.from(command.apply(r)).subscribe(v -> { }, e -> { });
            }
            return r.exec();
        }).map(result -> results(result, tenant));
    }

    private static List<Object> results(TransactionResult result, TenantId tenant) {
        if (result.wasDiscarded()) {
            throw new DataAccessException("the transaction was discarded by Redis; retry", tenant, REDIS, null);
        }
        List<Object> out = new ArrayList<>(result.size());
        for (int i = 0; i < result.size(); i++) {
            Object o = result.get(i);
            if (o instanceof Throwable) {
                throw new DataAccessException("command " + (i + 1) + " of the transaction failed (" + ((Throwable) o)
                        .getMessage() + "); Redis applied the other commands, it does not roll back", tenant, REDIS,
                        (Throwable) o);
            }
            out.add(Values.decode(o));
        }
        return out;
    }

    // ---- native ---------------------------------------------------------------------------------

    @Override
    public <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work) {
        Objects.requireNonNull(nativeType, "nativeType");
        Objects.requireNonNull(work, "work");
        boolean connection = nativeType == StatefulRedisConnection.class;
        boolean reactive = nativeType == RedisReactiveCommands.class;
        if (!connection && !reactive) {
            return Flux.error(new UnsupportedFeatureException("withNative offers StatefulRedisConnection and"
                    + " RedisReactiveCommands (String keys, byte[] values), not " + nativeType.getName(), null, REDIS, null));
        }
        return flux(OperationKind.WRITE, "native", s -> {
            if (!s.acl()) {
                throw new UnsupportedFeatureException("withNative is only offered where the server scopes the connection:"
                        + " row_level_security with redis.acl_per_tenant. Under " + s.strategy().name().toLowerCase()
                        + " a native client could reach every tenant's keys; use the RedisKeyValueSession methods",
                        s.tenant(), REDIS, null);
            }
            return Flux.usingWhen(engine.connections().dedicated(s.endpoint(), s.namespace().prefix()),
                    c -> work.apply(nativeType.cast(connection ? c : c.reactive())),
                    c -> Mono.fromFuture(c.closeAsync()).onErrorResume(e -> Mono.empty()));
        });
    }
}
