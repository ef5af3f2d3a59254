package io.tenantdb.testkit;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Real redis-server binaries (codemonstur embedded-redis, Redis 6.2) started on a free port of
 * 127.0.0.1, without persistence or password.
 */
final class EmbeddedRedisServer {

    private static final int ATTEMPTS = 3;

    private EmbeddedRedisServer() {
    }

    static ServerEndpoint start() {
        IOException last = null;
        // the free port may be taken between probing and binding: try a few
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = TestServers.freePort();
            try {
                RedisServer redis = RedisServer.newRedisServer()
                        .bind("127.0.0.1")
                        .port(port)
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .setting("daemonize no")
                        .build();
                redis.start();
                TestServers.stopAtExit("redis", () -> {
                    try {
                        redis.stop();
                    } catch (IOException e) {
                        System.err.println("tenantdb testkit: embedded Redis did not stop: " + e);
                    }
                });
                return new ServerEndpoint("redis", "127.0.0.1", port, null, "", null, "embedded");
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("embedded Redis did not start", last);
    }
}
