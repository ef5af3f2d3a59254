package io.tenantdb.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.MissingTenantException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis session against the local Redis, tenants isolated by key prefix. Tenants are unique per
 * run and deprovisioned (their keys deleted) afterwards; nothing else on the server is touched.
 */
class RedisKeyValueIT {

    private static TenantDb db;
    private static RedisKeyValueSession kv;
    private static RedisClient raw;
    private static RedisCommands<String, String> redis;
    private static final String RUN = RedisIt.uniqueTenant("r").value();
    private static final TenantId A = TenantId.of(RUN);
    private static final TenantId A_B = TenantId.of(RUN + "_b");
    private static final TenantId AB = TenantId.of(RUN + "b");
    private static final TenantId C = TenantId.of(RUN + "_c");

    @BeforeAll
    static void start() {
        ServerEndpoint server = TestServers.redis();
        db = RedisIt.db(RedisTestConfigs.config(server.host(), server.port(), IsolationStrategy.SCHEMA_PER_TENANT,
                Map.of("command_timeout", Duration.ofSeconds(3), "stream_poll_interval", Duration.ofMillis(20))));
        kv = RedisIt.session(db);
        raw = RedisClient.create(RedisURI.create(server.host(), server.port()));
        redis = raw.connect().sync();
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            for (TenantId t : List.of(A, A_B, AB, C)) {
                db.deprovision(t).block(Duration.ofSeconds(30));
            }
            assertThat(redis.keys("{tenant_" + RUN + "*")).isEmpty();
            db.close();
        }
        if (raw != null) {
            raw.shutdown();
        }
    }

    private static <T> Mono<T> as(TenantId tenant, Mono<T> mono) {
        return mono.contextWrite(TenantContext.of(tenant));
    }

    private static <T> Flux<T> as(TenantId tenant, Flux<T> flux) {
        return flux.contextWrite(TenantContext.of(tenant));
    }

    private static <T> T run(TenantId tenant, Mono<T> mono) {
        return as(tenant, mono).block(Duration.ofSeconds(10));
    }

    @Test
    void stringsLandUnderTheTenantsHashTaggedPrefix() {
        run(A, kv.set("greeting", "hello"));
        assertThat(run(A, kv.get("greeting"))).isEqualTo("hello");
        assertThat(redis.get("{tenant_" + A.value() + "}:greeting")).isEqualTo("hello");
        assertThat(run(A, kv.exists("greeting"))).isTrue();
        assertThat(run(A, kv.delete("greeting", "absent"))).isEqualTo(1L);
        assertThat(run(A, kv.get("greeting"))).isNull();
    }

    @Test
    void ttlNxXxAndCounters() {
        run(A, kv.set("ttl", "v", Duration.ofSeconds(60)));
        assertThat(run(A, kv.ttl("ttl"))).isBetween(Duration.ofSeconds(50), Duration.ofSeconds(60));
        assertThat(run(A, kv.persist("ttl"))).isTrue();
        assertThat(run(A, kv.ttl("ttl"))).isNull();
        assertThat(run(A, kv.expire("ttl", Duration.ofSeconds(30)))).isTrue();
        assertThat(run(A, kv.setIfAbsent("nx", "first", null))).isTrue();
        assertThat(run(A, kv.setIfAbsent("nx", "second", Duration.ofSeconds(5)))).isFalse();
        assertThat(run(A, kv.setIfPresent("xx", "x", null))).isFalse();
        assertThat(run(A, kv.setIfPresent("nx", "third", null))).isTrue();
        assertThat(run(A, kv.get("nx"))).isEqualTo("third");
        assertThat(run(A, kv.increment("n"))).isEqualTo(1L);
        assertThat(run(A, kv.incrementBy("n", 41))).isEqualTo(42L);
        StepVerifier.create(as(A, kv.expire("ttl", Duration.ZERO))).expectError(DataAccessException.class).verify();
    }

    record Track(String title, int plays) {
    }

    @Test
    void bytesAndJsonCodecs() {
        byte[] bytes = {0, 1, (byte) 0xff, 13, 10};
        run(A, kv.setBytes("bin", bytes, null));
        assertThat(run(A, kv.getBytes("bin"))).isEqualTo(bytes);
        run(A, kv.setJson("track", new Track("Song", 3), Duration.ofMinutes(1)));
        assertThat(run(A, kv.getJson("track", Track.class))).isEqualTo(new Track("Song", 3));
        assertThat(run(A, kv.get("track"))).contains("\"title\":\"Song\"");
        run(A, kv.set("notjson", "{oops"));
        StepVerifier.create(as(A, kv.getJson("notjson", Track.class)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DataAccessException.class)
                        .hasMessageContaining("not JSON"))
                .verify();
    }

    @Test
    void hashesListsSetsAndSortedSets() {
        assertThat(run(A, kv.hset("h", "f1", "v1"))).isTrue();
        assertThat(run(A, kv.hset("h", Map.of("f2", "v2", "n", "1")))).isEqualTo(2L);
        assertThat(run(A, kv.hget("h", "f2"))).isEqualTo("v2");
        assertThat(run(A, kv.hincrby("h", "n", 4))).isEqualTo(5L);
        assertThat(run(A, kv.hgetall("h"))).containsEntry("f1", "v1").containsEntry("n", "5").hasSize(3);
        assertThat(run(A, kv.hdel("h", "f1"))).isEqualTo(1L);

        assertThat(run(A, kv.rpush("l", "b", "c"))).isEqualTo(2L);
        assertThat(run(A, kv.lpush("l", "a"))).isEqualTo(3L);
        assertThat(run(A, kv.lrange("l", 0, -1).collectList())).containsExactly("a", "b", "c");
        assertThat(run(A, kv.lpop("l"))).isEqualTo("a");
        assertThat(run(A, kv.rpop("l"))).isEqualTo("c");
        assertThat(run(A, kv.llen("l"))).isEqualTo(1L);

        assertThat(run(A, kv.sadd("s", "x", "y", "z"))).isEqualTo(3L);
        assertThat(run(A, kv.srem("s", "z"))).isEqualTo(1L);
        assertThat(run(A, kv.smembers("s").collectList())).containsExactlyInAnyOrder("x", "y");
        assertThat(run(A, kv.sismember("s", "x"))).isTrue();
        assertThat(run(A, kv.scard("s"))).isEqualTo(2L);

        assertThat(run(A, kv.zadd("z", 2, "two"))).isTrue();
        run(A, kv.zadd("z", 1, "one"));
        assertThat(run(A, kv.zincrby("z", 10, "one"))).isEqualTo(11.0);
        assertThat(run(A, kv.zscore("z", "two"))).isEqualTo(2.0);
        assertThat(run(A, kv.zrangeWithScores("z", 0, -1).map(sv -> sv.getValue() + "=" + sv.getScore()).collectList()))
                .containsExactly("two=2.0", "one=11.0");
        assertThat(run(A, kv.zrangeByScore("z", 5, 20).collectList())).containsExactly("one");
        assertThat(run(A, kv.zrem("z", "two"))).isEqualTo(1L);

        StepVerifier.create(as(A, kv.hget("l", "f"))).expectErrorSatisfies(e -> assertThat(e)
                .isInstanceOf(DataAccessException.class).hasMessageContaining("WRONGTYPE")).verify();
    }

    @Test
    void scanStreamsOnlyTheTenantsKeysWithBackPressure() {
        Flux.range(0, 120).concatMap(i -> as(C, kv.set("scan:" + i, "v"))).blockLast(Duration.ofSeconds(20));
        run(AB, kv.set("scan:999", "other tenant"));
        run(A_B, kv.set("scan:998", "other tenant"));
        List<String> keys = run(C, kv.scan("scan:*").collectList());
        assertThat(keys).hasSize(120).allMatch(k -> k.startsWith("scan:")).doesNotContain("scan:999", "scan:998");
        StepVerifier.create(as(C, kv.scan("*")), 5).expectNextCount(5).thenCancel().verify(Duration.ofSeconds(10));
        // a pattern cannot climb out of the namespace
        assertThat(run(C, kv.scan("*" + AB.value() + "*").collectList())).isEmpty();
    }

    @Test
    void similarTenantIdsNeverSeeEachOthersKeys() {
        run(A, kv.set("b_x", "written by a"));
        run(A, kv.set("x", "a's x"));
        run(A_B, kv.set("x", "a_b's x"));
        run(AB, kv.set("x", "ab's x"));
        assertThat(run(A, kv.get("x"))).isEqualTo("a's x");
        assertThat(run(A_B, kv.get("x"))).isEqualTo("a_b's x");
        assertThat(run(AB, kv.get("x"))).isEqualTo("ab's x");
        assertThat(run(A_B, kv.get("b_x"))).isNull();
        assertThat(run(A_B, kv.scan("*").collectList())).containsExactly("x");
        assertThat(run(A_B, kv.delete("b_x"))).isZero();
        assertThat(run(A, kv.get("b_x"))).isEqualTo("written by a");
    }

    @Test
    void globAndControlCharactersInKeysAreRefused() {
        for (String bad : List.of("a*", "a?", "a[0]", "a\\", "x\r\nFLUSHALL", "x\0y")) {
            StepVerifier.create(as(A, kv.get(bad)))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                            .hasMessageContaining("tenant=" + A.value()).hasMessageContaining("refused"))
                    .verify();
        }
        StepVerifier.create(as(A, kv.scan("a\nb"))).expectError(IsolationViolationException.class).verify();
        StepVerifier.create(as(A, kv.publish("ch*", "m"))).expectError(IsolationViolationException.class).verify();
    }

    @Test
    void withoutATenantNothingRuns() {
        StepVerifier.create(kv.get("x")).expectError(MissingTenantException.class).verify();
    }

    @Test
    void luaScriptsSeeOnlyPrefixedKeys() {
        Object reply = run(A, kv.eval("redis.call('SET', KEYS[1], ARGV[1]); return redis.call('GET', KEYS[1])",
                ScriptOutputType.VALUE, List.of("lua"), List.of("from lua")));
        assertThat(reply).isEqualTo("from lua");
        assertThat(redis.get("{tenant_" + A.value() + "}:lua")).isEqualTo("from lua");
        Object keys = run(A, kv.eval("return KEYS", ScriptOutputType.MULTI, List.of("k1", "k2"), List.of()));
        assertThat(keys).isEqualTo(List.of("{tenant_" + A.value() + "}:k1", "{tenant_" + A.value() + "}:k2"));
        StepVerifier.create(as(A, kv.eval("return 1", ScriptOutputType.INTEGER, List.of("bad*"), List.of())))
                .expectError(IsolationViolationException.class).verify();
    }

    @Test
    void transactionsAreAtomicOnTheTenantsKeys() {
        List<Object> results = run(A, kv.transaction(tx -> tx.set("tx1", "one").incrementBy("txn", 5).get("tx1")
                .sadd("txs", "m").expire("tx1", Duration.ofMinutes(1))));
        assertThat(results).containsExactly("OK", 5L, "one", 1L, true);
        assertThat(redis.get("{tenant_" + A.value() + "}:tx1")).isEqualTo("one");
        StepVerifier.create(as(A, kv.transaction(tx -> tx.set("tx1", "x").hset("tx1", "f", "v"))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DataAccessException.class)
                        .hasMessageContaining("command 2"))
                .verify();
    }

    @Test
    void concurrentCommandsArePipelinedOnTheSharedConnection() {
        List<Long> values = as(A, Flux.range(0, 200).flatMap(i -> kv.increment("pipelined"), 64))
                .collectList().block(Duration.ofSeconds(20));
        assertThat(values).hasSize(200).contains(200L);
    }

    @Test
    void pubSubIsConfinedToTheTenantsChannels() {
        String channel = "news";
        Flux<RedisMessage> received = as(A, kv.subscribe(channel));
        Flux<RedisMessage> otherTenant = as(A_B, kv.subscribe(channel));
        AtomicBoolean sawForeign = new AtomicBoolean();
        otherTenant.subscribe(m -> sawForeign.set(true));
        StepVerifier.create(received.take(1))
                .then(() -> as(A, Flux.interval(Duration.ofMillis(50)).onBackpressureDrop().concatMap(i -> kv.publish(channel, "hi")).take(200))
                        .subscribe())
                .assertNext(m -> assertThat(m).isEqualTo(new RedisMessage("news", null, "hi")))
                .verifyComplete();
        assertThat(sawForeign).isFalse();
        // once the subscriber cancelled, its connection was released: nobody listens any more
        String physical = "{tenant_" + A.value() + "}:news";
        Mono.delay(Duration.ofMillis(300)).block();
        assertThat(redis.pubsubNumsub(physical)).containsEntry(physical, 0L);

        StepVerifier.create(as(A, kv.psubscribe("ev:*")).take(1))
                .then(() -> as(A, Flux.interval(Duration.ofMillis(50)).onBackpressureDrop().concatMap(i -> kv.publish("ev:1", "e")).take(200))
                        .subscribe())
                .assertNext(m -> assertThat(m).isEqualTo(new RedisMessage("ev:1", "ev:*", "e")))
                .verifyComplete();
    }

    @Test
    void streamsWithConsumerGroups() {
        assertThat(run(A, kv.xgroupCreate("orders", "g"))).isTrue();
        assertThat(run(A, kv.xgroupCreate("orders", "g"))).isFalse();
        for (int i = 0; i < 5; i++) {
            run(A, kv.xadd("orders", Map.of("n", String.valueOf(i))));
        }
        List<RedisStreamMessage> read = run(A, kv.xreadgroup("orders", "g", "c1", 2).take(5).collectList());
        assertThat(read).extracting(m -> m.body().get("n")).containsExactly("0", "1", "2", "3", "4");
        assertThat(read).allMatch(m -> m.stream().equals("orders"));
        assertThat(run(A, kv.xack("orders", "g", read.stream().map(RedisStreamMessage::id).toArray(String[]::new))))
                .isEqualTo(5L);
        // the reader polls without blocking the shared connection: other commands still run meanwhile
        StepVerifier.create(as(A, kv.xreadgroup("orders", "g", "c1", 10)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(200))
                .then(() -> run(A, kv.xadd("orders", Map.of("n", "late"))))
                .assertNext(m -> assertThat(m.body()).containsEntry("n", "late"))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void withNativeIsRefusedWhereItWouldBeUnscoped() {
        StepVerifier.create(as(A, kv.withNative(RedisReactiveCommands.class, c -> c.ping())))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnsupportedFeatureException.class)
                        .hasMessageContaining("row_level_security"))
                .verify();
        StepVerifier.create(as(A, kv.withNative(StatefulRedisConnection.class, c -> Mono.just(1))))
                .expectError(UnsupportedFeatureException.class).verify();
        StepVerifier.create(as(A, kv.withNative(String.class, c -> Mono.just(1))))
                .expectError(UnsupportedFeatureException.class).verify();
    }

    @Test
    void aClosedTenantDbRefusesNewWork() {
        ServerEndpoint server = TestServers.redis();
        TenantDb other = RedisIt.db(RedisTestConfigs.config(server.host(), server.port(),
                IsolationStrategy.SCHEMA_PER_TENANT, Map.of()));
        RedisKeyValueSession session = RedisIt.session(other);
        assertThat(session.exists("nothing").contextWrite(TenantContext.of(A)).block(Duration.ofSeconds(10))).isFalse();
        StepVerifier.create(other.closeAsync()).verifyComplete();
        StepVerifier.create(session.get("x").contextWrite(TenantContext.of(A)))
                .expectError(io.tenantdb.core.exception.EngineUnavailableException.class).verify(Duration.ofSeconds(10));
    }

    @Test
    void healthReportsTheNode() {
        assertThat(db.health().collectList().block(Duration.ofSeconds(10)))
                .singleElement().satisfies(h -> assertThat(h.status().name()).isEqualTo("UP"));
    }
}
