package io.tenantdb.benchmarks.cases;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.tenantdb.benchmarks.BenchCase;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Side;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.KeyValueSession;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * {@code redis_getset_raw}: alternating SET and GET of 1,000 keys (16-byte values), 64 in flight, through
 * tenantdb (key-prefix strategy, its shared connection) ÷ raw Lettuce reactive on one shared connection (2 I/O
 * threads). For context, {@code redis_lettuce_vs_server}: raw Lettuce's GET/SET rate ÷ {@code redis-benchmark
 * -P 1 -c 64 -t get,set} (the server's limit on this machine), when {@code redis-benchmark} is installed.
 */
final class RedisCases implements BenchCase {

    private static final int KEYS = 1_000;
    private static final String VALUE = "0123456789abcdef";

    @Override
    public List<String> ids() {
        return List.of("redis_getset_raw", "redis_lettuce_vs_server");
    }

    @Override
    public void run(Bench bench) throws Exception {
        ServerEndpoint s = TestServers.redis();
        TenantId tenant = TenantId.of("bench_a");
        Function<Context, Context> ctx = TenantContext.of(tenant);
        TenantDb db = Common.tenantDb(DatabaseType.REDIS, Common.config(DatabaseType.REDIS, s, null, IsolationStrategy.SCHEMA_PER_TENANT)).build();
        ClientResources resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        RedisURI.Builder uri = RedisURI.builder().withHost(s.host()).withPort(s.port());
        if (s.password() != null && !s.password().isEmpty()) {
            uri.withPassword(s.password().toCharArray());
        }
        RedisClient client = RedisClient.create(resources, uri.build());
        StatefulRedisConnection<String, String> connection = client.connect();
        try {
            KeyValueSession kv = db.keyValue(DatabaseType.REDIS);
            RedisReactiveCommands<String, String> raw = connection.reactive();
            Side lettuce = Side.of("raw Lettuce reactive, one connection", () -> {
                int i = ThreadLocalRandom.current().nextInt(2 * KEYS);
                String key = "bench_raw:k" + (i >> 1);
                return (i & 1) == 0 ? raw.set(key, VALUE) : raw.get(key).defaultIfEmpty("");
            });
            bench.compare("redis_getset_raw", Side.of("tenantdb key prefix", () -> {
                int i = ThreadLocalRandom.current().nextInt(2 * KEYS);
                String key = "k" + (i >> 1);
                return ((i & 1) == 0 ? kv.set(key, VALUE).then(Mono.just("")) : kv.get(key).defaultIfEmpty("")).contextWrite(ctx);
            }), lettuce, Common.IN_FLIGHT, "ops");
            double server = redisBenchmark(s, bench.settings().quick() ? 50_000 : 200_000);
            if (server > 0) {
                double[] lettuceRate = new double[1];
                io.tenantdb.benchmarks.internal.Trial t = io.tenantdb.benchmarks.internal.LoadHarness.run(lettuce.op(), 1,
                        Common.IN_FLIGHT, bench.settings().trial().multipliedBy(3));
                lettuceRate[0] = t.perSecond();
                bench.context("redis_lettuce_vs_server", lettuceRate[0] / server, String.format(Locale.ROOT,
                        "raw Lettuce %.1fk ops/s ÷ redis-benchmark -c 64 GET+SET %.1fk ops/s (one sample each, not interleaved)",
                        lettuceRate[0] / 1e3, server / 1e3));
            } else {
                bench.skipped("redis_lettuce_vs_server", "redis-benchmark is not installed (apt-get install redis-tools)");
            }
            String[] keys = new String[KEYS];
            for (int i = 0; i < KEYS; i++) {
                keys[i] = "bench_raw:k" + i;
            }
            raw.del(keys).block(Common.WAIT);
        } finally {
            connection.close();
            client.shutdown();
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            db.deprovision(tenant).onErrorResume(e -> Mono.empty()).block(Common.WAIT);
            db.close();
        }
    }

    /** @return GET+SET requests/s of {@code redis-benchmark} with 64 clients, or -1 when it is not installed */
    private static double redisBenchmark(ServerEndpoint s, int requests) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("redis-benchmark", "-h", s.host(), "-p", String.valueOf(s.port()),
                "-c", String.valueOf(Common.IN_FLIGHT), "-n", String.valueOf(requests), "-d", "16", "-r", String.valueOf(KEYS),
                "-t", "get,set", "--csv").redirectErrorStream(true);
        if (s.password() != null && !s.password().isEmpty()) {
            pb.command().addAll(List.of("-a", s.password()));
        }
        Process p;
        try {
            p = pb.start();
        } catch (java.io.IOException e) {
            return -1;
        }
        double sum = 0;
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                String[] f = line.replace("\"", "").split(",");
                if (f.length >= 2 && (f[0].equals("SET") || f[0].equals("GET"))) {
                    sum += Double.parseDouble(f[1]);
                    n++;
                }
            }
        }
        p.waitFor(Duration.ofMinutes(2).toSeconds(), TimeUnit.SECONDS);
        return n == 0 ? -1 : sum / n;
    }
}
