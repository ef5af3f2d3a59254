package io.tenantdb.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.redis.RedisKeyValueSession;
import io.tenantdb.redis.RedisMessage;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health and the cache on real Redis servers: the local one (through the testkit) for the cache and
 * its invalidation bus over Redis pub/sub, and a Redis server of this test's own, on a free port,
 * that the health test stops and restarts (the machine's own servers are never touched). Tenants are
 * unique per run and deprovisioned afterwards.
 */
class RedisHealthAndCacheIT {

    private static final TenantId TENANT = TenantId.of("obs" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36));
    /** Cache invalidations of every tenant travel on this tenant's pub/sub channel. */
    private static final TenantId BUS_TENANT = TenantId.of("tenantdb_bus");

    @TempDir
    static Path configDir;
    private static TenantDb db;

    @BeforeAll
    static void start() throws IOException {
        ServerEndpoint redis = TestServers.redis();
        writeRedisConfig(configDir, redis.host(), redis.port());
        db = TenantDb.builder().configDirectory(configDir).environmentVariables(Map.of()).engines(DatabaseType.REDIS).build();
        db.provision(TENANT).block(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.deprovision(TENANT).block(Duration.ofSeconds(60));
            db.close();
        }
    }

    private static void writeRedisConfig(Path dir, String host, int port) throws IOException {
        Files.writeString(dir.resolve("redis.yml"), "connection:\n"
                + "  hosts: [\"" + host + ":" + port + "\"]\n"
                + "  connect_timeout: 2s\n"
                + "tenant_isolation:\n  strategy: schema_per_tenant\n"
                + "redis:\n  command_timeout: 2s\n");
    }

    private static Tuple2<Integer, String> get(ObservabilityServer server, String path) {
        return HttpClient.create().option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT).baseUrl("http://127.0.0.1:" + server.port()).get().uri(path)
                .responseSingle((res, body) -> body.asString().defaultIfEmpty("").map(b -> Tuples.of(res.status().code(), b)))
                .block(Duration.ofSeconds(10));
    }

    @Test
    void healthGoesDownWithinOneIntervalWhenRedisStopsAndUpAfterRestart(@TempDir Path dir) throws Exception {
        int port = freePort();
        Process redis = startRedis(port);
        writeRedisConfig(dir, "127.0.0.1", port);
        Duration interval = Duration.ofSeconds(1);
        try (TenantDb own = TenantDb.builder().configDirectory(dir).environmentVariables(Map.of()).engines(DatabaseType.REDIS).build();
             HealthMonitor health = HealthMonitor.builder(own).interval(interval).timeout(Duration.ofSeconds(3)).build().start();
             ObservabilityServer server = ObservabilityServer.builder().health(health).start().block(Duration.ofSeconds(10))) {
            awaitStatus(server, 200, Duration.ofSeconds(15));

            redis.destroy();
            assertThat(redis.waitFor(10, TimeUnit.SECONDS)).isTrue();
            long stopped = System.nanoTime();
            Tuple2<Integer, String> down = awaitStatus(server, 503, Duration.ofSeconds(15));
            // one interval, plus the check itself (a refused connection fails at once)
            assertThat(Duration.ofNanos(System.nanoTime() - stopped)).isLessThan(interval.plus(Duration.ofSeconds(3)));
            assertThat(down.getT2()).contains("\"status\":\"DOWN\"", "127.0.0.1:" + port);

            redis = startRedis(port);
            awaitStatus(server, 200, Duration.ofSeconds(30));
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static Tuple2<Integer, String> awaitStatus(ObservabilityServer server, int status, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Tuple2<Integer, String> last = null;
        while (System.nanoTime() < deadline) {
            last = get(server, "/health");
            if (last.getT1() == status) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("/health did not answer " + status + " within " + limit + "; last: " + last);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Process startRedis(int port) throws Exception {
        Process p = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!TestServers.answers("127.0.0.1", port)) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroy();
                throw new IllegalStateException("redis-server did not start on port " + port);
            }
            Thread.sleep(50);
        }
        return p;
    }

    /** A bus over the Redis engine's pub/sub, on one channel of a dedicated tenant. */
    private static CacheInvalidationBus redisBus(TenantDb tenantDb) {
        RedisKeyValueSession kv = tenantDb.session(DatabaseType.REDIS, RedisKeyValueSession.class);
        return CacheInvalidationBus.over(
                message -> kv.publish("cache_invalidation", message).contextWrite(TenantContext.of(BUS_TENANT)).then(),
                kv.subscribe("cache_invalidation").map(RedisMessage::message).contextWrite(TenantContext.of(BUS_TENANT)).share());
    }

    @Test
    void anInvalidationReachesTheOtherInstancesFirstLevelWithin100ms() throws Exception {
        try (TenantDb second = TenantDb.builder().configDirectory(configDir).environmentVariables(Map.of()).engines(DatabaseType.REDIS).build()) {
            CacheInvalidationBus bus1 = redisBus(db);
            CacheInvalidationBus bus2 = redisBus(second);
            SimpleMeterRegistry meters2 = new SimpleMeterRegistry();
            AtomicInteger loads = new AtomicInteger();
            try (TenantCache<String> cache1 = TenantCache.builder("it_titles", CacheCodec.string())
                         .l2(db.keyValue(DatabaseType.REDIS), Duration.ofMinutes(1)).invalidationBus(bus1).build();
                 TenantCache<String> cache2 = TenantCache.builder("it_titles", CacheCodec.string())
                         .l2(second.keyValue(DatabaseType.REDIS), Duration.ofMinutes(1)).invalidationBus(bus2)
                         .meterRegistry(meters2).build()) {
                awaitSubscribed(bus1, bus2);
                var loader = (java.util.function.Function<String, Mono<String>>) k -> Mono.fromSupplier(() -> "v" + loads.incrementAndGet());

                assertThat(cache1.get("track:1", loader).contextWrite(TenantContext.of(TENANT)).block()).isEqualTo("v1");
                assertThat(cache2.get("track:1", loader).contextWrite(TenantContext.of(TENANT)).block())
                        .as("instance two reads instance one's value from L2").isEqualTo("v1");
                assertThat(cache2.l1HitCount()).isZero();

                cache1.invalidate("track:1").contextWrite(TenantContext.of(TENANT)).block(Duration.ofSeconds(10));
                long published = System.nanoTime();
                while (remoteInvalidations(meters2) < 1 && System.nanoTime() - published < TimeUnit.SECONDS.toNanos(5)) {
                    Thread.sleep(1);
                }
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - published);
                assertThat(remoteInvalidations(meters2)).isEqualTo(1.0);
                assertThat(tookMs).as("invalidation reached instance two's L1 after %d ms", tookMs).isLessThanOrEqualTo(100);

                assertThat(cache2.get("track:1", loader).contextWrite(TenantContext.of(TENANT)).block())
                        .as("L1 and L2 dropped: instance two loads again").isEqualTo("v2");

                cache2.get("track:2", loader).contextWrite(TenantContext.of(TENANT)).block();
                cache1.invalidateTenant().contextWrite(TenantContext.of(TENANT)).block(Duration.ofSeconds(10));
                assertThat(db.keyValue(DatabaseType.REDIS).scan("tdbcache:it_titles:*").contextWrite(TenantContext.of(TENANT))
                        .collectList().block(Duration.ofSeconds(10))).as("the tenant's L2 entries are gone").isEmpty();
                long sent = System.nanoTime();
                while (meters2.get(MetricNames.CACHE_INVALIDATIONS).tag("origin", "remote").tag("scope", "tenant")
                        .functionCounter().count() < 1 && System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(5)) {
                    Thread.sleep(1);
                }
                assertThat(cache2.estimatedSize()).as("instance two dropped the tenant's L1 entries").isZero();
            }
        }
    }

    private static double remoteInvalidations(SimpleMeterRegistry meters) {
        return meters.get(MetricNames.CACHE_INVALIDATIONS).tag("origin", "remote").tag("scope", "key").functionCounter().count();
    }

    /** Pub/sub keeps nothing: publish probes until instance two's subscription sees one. */
    private static void awaitSubscribed(CacheInvalidationBus bus1, CacheInvalidationBus bus2) {
        CacheInvalidation probe = new CacheInvalidation("it_probe", TENANT, "probe", "probe");
        // a pub/sub connection that failed to open is retried (as TenantCache does), not fatal here
        Mono<CacheInvalidation> seen = bus2.invalidations().retryWhen(Retry.backoff(20, Duration.ofMillis(100)))
                .filter(m -> m.cache().equals("it_probe")).next();
        Flux.interval(Duration.ZERO, Duration.ofMillis(50)).onBackpressureDrop().concatMap(i -> bus1.publish(probe).onErrorResume(e -> Mono.empty()))
                .takeUntilOther(seen).blockLast(Duration.ofSeconds(10));
    }
}
