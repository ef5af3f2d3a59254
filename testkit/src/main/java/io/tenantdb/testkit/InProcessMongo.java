package io.tenantdb.testkit;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The MongoDB endpoint: the server {@code TENANTDB_TEST_MONGODB_URI} names (a single
 * {@code mongodb://[user:password@]host[:port][/database]} address), else an in-process wire-protocol
 * server (mongo-java-server, memory backend, oplog on so change streams work) on a free port of
 * 127.0.0.1. Its Netty event loops run in the test JVM; {@link TestkitBlockHoundIntegration} allows
 * their known blocking internals.
 */
final class InProcessMongo {

    /** Environment variable naming a real MongoDB server to use instead of the in-process one. */
    static final String URI_VARIABLE = "TENANTDB_TEST_MONGODB_URI";

    private InProcessMongo() {
    }

    static ServerEndpoint start() {
        String uri = System.getenv(URI_VARIABLE);
        if (uri != null && !uri.isBlank()) {
            return external(uri.trim());
        }
        MemoryBackend backend = new MemoryBackend();
        backend.enableOplog();
        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        TestServers.stopAtExit("mongodb", server::shutdownNow);
        return new ServerEndpoint("mongodb", "127.0.0.1", address.getPort(), null, "", null, "embedded");
    }

    static ServerEndpoint external(String uri) {
        URI parsed;
        try {
            parsed = URI.create(uri);
        } catch (IllegalArgumentException e) {
            // never echo the URI: it may hold a password
            throw new IllegalArgumentException(URI_VARIABLE + " is not a mongodb://host:port URI", e);
        }
        if (!"mongodb".equals(parsed.getScheme()) || parsed.getHost() == null) {
            throw new IllegalArgumentException(URI_VARIABLE
                    + " must be a single-host mongodb://[user:password@]host[:port][/database] URI");
        }
        String user = null;
        String password = "";
        String info = parsed.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            password = colon < 0 ? "" : decode(info.substring(colon + 1));
        }
        String path = parsed.getPath();
        String database = path == null || path.length() <= 1 ? null : path.substring(1);
        return new ServerEndpoint("mongodb", parsed.getHost(), parsed.getPort() < 0 ? 27017 : parsed.getPort(),
                user, password, database, "external");
    }

    private static String decode(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
