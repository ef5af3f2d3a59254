package io.tenantdb.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.spi.Health;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Sentinel topology against a real Sentinel: this test starts its own Redis master and Sentinel
 * (child processes on free ports, nothing kept on disk) so it never touches the shared servers.
 */
class RedisSentinelIT {

    private static final String MASTER = "tdbmaster";
    private static final List<Process> processes = new ArrayList<>();
    private static int masterPort;
    private static int sentinelPort;
    private static Path dir;

    @BeforeAll
    static void startMasterAndSentinel() throws Exception {
        if (!onPath("redis-server")) {
            String message = "redis-server is not installed: bash scripts/services.sh redis";
            if (TestServers.ci()) {
                throw new IllegalStateException(message);
            }
            Assumptions.abort(message);
        }
        dir = Files.createTempDirectory("tenantdb-sentinel");
        masterPort = freePort();
        sentinelPort = freePort();
        start("redis-server", "--port", String.valueOf(masterPort), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", dir.toString());
        awaitPing(masterPort);
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, "port " + sentinelPort + "\nbind 127.0.0.1\ndir " + dir + "\nsentinel monitor " + MASTER
                + " 127.0.0.1 " + masterPort + " 1\n");
        start("redis-server", conf.toString(), "--sentinel");
        awaitPing(sentinelPort);
    }

    @AfterAll
    static void stop() throws IOException {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void theMasterIsFoundThroughTheSentinel() {
        TenantId tenant = RedisIt.uniqueTenant("sen");
        TenantDb db = RedisIt.db(RedisTestConfigs.config(List.of(NodeAddress.of("127.0.0.1", sentinelPort)),
                IsolationStrategy.SCHEMA_PER_TENANT, Map.of("topology", "sentinel", "sentinel_master", MASTER)));
        RedisClient raw = RedisClient.create(RedisURI.create("127.0.0.1", masterPort));
        try (StatefulRedisConnection<String, String> master = raw.connect()) {
            RedisKeyValueSession kv = RedisIt.session(db);
            kv.set("k", "via sentinel").contextWrite(TenantContext.of(tenant)).block(Duration.ofSeconds(10));
            assertThat(kv.get("k").contextWrite(TenantContext.of(tenant)).block(Duration.ofSeconds(10)))
                    .isEqualTo("via sentinel");
            assertThat(master.sync().get("{tenant_" + tenant.value() + "}:k")).isEqualTo("via sentinel");
            assertThat(db.health().collectList().block(Duration.ofSeconds(10))).singleElement()
                    .satisfies(h -> assertThat(h.node()).isEqualTo("sentinel:" + MASTER))
                    .extracting(Health::status).isEqualTo(Health.Status.UP);
            db.deprovision(tenant).block(Duration.ofSeconds(10));
            assertThat(master.sync().dbsize()).isZero();
        } finally {
            db.close();
            raw.shutdown();
        }
    }

    private static void start(String... command) throws IOException {
        processes.add(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("process-" + processes.size() + ".log").toFile()).start());
    }

    private static void awaitPing(int port) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (TestServers.answers("127.0.0.1", port)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("redis-server did not start on port " + port + ", see " + dir);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String binary) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(p, binary))) {
                return true;
            }
        }
        return false;
    }
}
