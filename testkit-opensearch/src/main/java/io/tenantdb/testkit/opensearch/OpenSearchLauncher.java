package io.tenantdb.testkit.opensearch;

import org.codelibs.opensearch.runner.OpenSearchRunner;
import org.opensearch.http.HttpServerTransport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a single OpenSearch node bound to 127.0.0.1 until its standard input closes or it gets a signal.
 *
 * <p>Usage: {@code OpenSearchLauncher <home-dir> <port-file>}. The node's HTTP port is written to
 * {@code <port-file>} (atomically, once the node is started) and printed as {@code OPENSEARCH_HTTP_PORT=<port>}.
 * The node runs as a single-node cluster (no discovery), with its own free HTTP and transport ports, no disk
 * watermarks (a shared test machine may have little free space), and only the modules bundled with the runner
 * (nothing that contacts the network).
 */
public final class OpenSearchLauncher {

    private OpenSearchLauncher() {
    }

    /**
     * @param args home directory, port file
     * @throws Exception when the node cannot start (the JVM then exits non-zero)
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: OpenSearchLauncher <home-dir> <port-file>");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        Path portFile = Path.of(args[1]).toAbsolutePath();
        Files.createDirectories(home);
        int httpPort = freePort();
        int transportPort = freePort();

        OpenSearchRunner runner = new OpenSearchRunner();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(runner, stopped), "opensearch-launcher-stop"));

        runner.onBuild((number, settings) -> settings
                .put("network.host", "127.0.0.1")
                .put("http.port", String.valueOf(httpPort))
                .put("transport.port", String.valueOf(transportPort))
                .put("discovery.type", "single-node")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("bootstrap.memory_lock", false)
                .put("action.auto_create_index", true)
                .put("search.max_open_pit_context", 1000)
                .putList("node.roles", "cluster_manager", "data", "ingest"));
        runner.build(OpenSearchRunner.newConfigs()
                .basePath(home.toString())
                .clusterName("tenantdb-test")
                .numOfNode(1)
                .disableESLogger());
        runner.ensureYellow();

        int bound = runner.getInstance(HttpServerTransport.class).boundAddress().publishAddress().getPort();
        Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
        Files.writeString(tmp, Integer.toString(bound), StandardCharsets.US_ASCII);
        Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("OPENSEARCH_HTTP_PORT=" + bound);
        System.out.flush();

        // The parent holds our stdin open; when it dies (or closes it on purpose) we stop.
        Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buffer = new byte[256];
                while (in.read(buffer) >= 0) {
                    // ignore input; only end-of-stream matters
                }
            } catch (IOException ignored) {
                // stdin broken: treat as closed
            }
            stop(runner, stopped);
            System.exit(0);
        }, "opensearch-launcher-stdin");
        watcher.setDaemon(true);
        watcher.start();
        stopped.await();
    }

    private static void stop(OpenSearchRunner runner, CountDownLatch stopped) {
        synchronized (OpenSearchLauncher.class) {
            if (stopped.getCount() == 0) {
                return;
            }
            try {
                if (!runner.isClosed()) {
                    runner.close();
                }
            } catch (IOException | RuntimeException e) {
                System.err.println("opensearch-launcher: close failed: " + e);
            } finally {
                stopped.countDown();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

}
