package io.tenantdb.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * The 6-node Redis Cluster of {@code scripts/services.d/40-redis-cluster.sh} on 127.0.0.1:7000-7005,
 * like {@link TestServers} for the other servers: when it does not answer, a test fails under
 * {@code CI=true} and is skipped otherwise, with how to start it.
 */
public final class RedisClusterServers {

    /** The cluster's ports: three masters and three replicas. */
    public static final List<Integer> PORTS = IntStream.rangeClosed(7000, 7005).boxed().toList();
    private static final String HOW = "start it with: bash scripts/services.sh redis-cluster";

    private RedisClusterServers() {
    }

    /** @return seed nodes of a healthy cluster */
    public static List<NodeAddress> seeds() {
        if (!TestServers.answers("127.0.0.1", 7000)) {
            unavailable("Redis Cluster is not running on 127.0.0.1:7000-7005");
        }
        if (!healthy()) {
            // a previous run may have left it degraded: the script repairs (recreates) it
            runScript();
            if (!healthy()) {
                unavailable("Redis Cluster on 127.0.0.1:7000-7005 does not report cluster_state:ok");
            }
        }
        return PORTS.subList(0, 3).stream().map(p -> NodeAddress.of("127.0.0.1", p)).toList();
    }

    /** @return whether every node answers cluster_state:ok and there are 3 masters with a replica each */
    public static boolean healthy() {
        for (int port : PORTS) {
            String info = info(port, "cluster info");
            if (info == null || !info.contains("cluster_state:ok")) {
                return false;
            }
        }
        String nodes = info(7000, "cluster nodes");
        return nodes != null && count(nodes, "master") == 3 && count(nodes, "slave") == 3;
    }

    /**
     * Waits until the cluster is healthy; recreates it with the script when it is not within the time.
     *
     * @param within how long to wait before recreating
     */
    public static void restore(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (healthy()) {
                return;
            }
            sleep(500);
        }
        runScript("--recreate");
    }

    private static int count(String text, String word) {
        int n = 0;
        for (String line : text.split("\n")) {
            if (line.contains(word)) {
                n++;
            }
        }
        return n;
    }

    private static String info(int port, String command) {
        RedisClient client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withTimeout(Duration.ofSeconds(2)).build());
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return command.equals("cluster info") ? c.sync().clusterInfo() : c.sync().clusterNodes();
        } catch (RuntimeException e) {
            return null;
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** Runs the service script (blocking; test threads only). */
    static void runScript(String... args) {
        Path root = Path.of(System.getProperty("tenantdb.root", "."));
        Path script = root.resolve("scripts/services.d/40-redis-cluster.sh");
        if (!Files.isRegularFile(script)) {
            return;
        }
        try {
            List<String> command = new java.util.ArrayList<>(List.of("bash", script.toString()));
            command.addAll(List.of(args));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // reported by the health check that follows
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void unavailable(String what) {
        String message = what + ": " + HOW;
        if (TestServers.ci()) {
            throw new IllegalStateException(message + " (CI=true: an unavailable server fails the build)");
        }
        Assumptions.abort(message);
    }
}
