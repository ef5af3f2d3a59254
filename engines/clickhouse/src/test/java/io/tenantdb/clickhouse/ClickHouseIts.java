package io.tenantdb.clickhouse;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared set-up of the ClickHouse ITs: TenantDbs on the test server, and an administrator's HTTP view of it. */
final class ClickHouseIts {

    static final String TRACKS = "(id Int64, name String, plays Int64) ENGINE = MergeTree ORDER BY id";
    static final String SHARED_TRACKS = "(id Int64, name String, plays Int64) ENGINE = MergeTree ORDER BY (tenant_id, id)";

    private ClickHouseIts() {
    }

    static ServerEndpoint server() {
        return TestServers.clickhouse();
    }

    /**
     * @param strategy the isolation strategy
     * @param database the shared database (created by provisioning)
     * @param hosts    the nodes (the server's address when empty)
     * @return a TenantDb with only ClickHouse
     */
    static TenantDb tenantDb(IsolationStrategy strategy, String database, NodeAddress... hosts) {
        ServerEndpoint server = server();
        List<NodeAddress> nodes = hosts.length == 0 ? List.of(NodeAddress.of(server.host(), server.port())) : List.of(hosts);
        DatabaseConfig config = DatabaseConfig.builder(DatabaseType.CLICKHOUSE)
                .connection(new ConnectionConfig(nodes, database, server.user(),
                        server.password().isEmpty() ? Secret.NONE : Secret.literal(server.password()),
                        TlsConfig.DISABLED, Duration.ofSeconds(2), Map.of()))
                .isolation(new IsolationConfig(strategy, "tdbit_{{tenant_id}}_", "none"))
                .build();
        return TenantDb.builder().engineConfig(config).engines(DatabaseType.CLICKHOUSE).build();
    }

    static ClickHouseSession session(TenantDb db) {
        return db.session(DatabaseType.CLICKHOUSE, ClickHouseSession.class);
    }

    static void provision(TenantDb db, TenantId... tenants) {
        for (TenantId t : tenants) {
            db.deprovision(t).block(Duration.ofSeconds(120));
            db.provision(t).block(Duration.ofSeconds(60));
        }
    }

    /**
     * Runs SQL as the server's administrator, outside tenantdb (test set-up and inspection only).
     *
     * @param sql the SQL
     * @return the TSV lines of the answer
     */
    static List<String> admin(String sql) {
        ServerEndpoint server = server();
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(server.httpUrl() + "/?user="
                            + URLEncoder.encode(server.user(), StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(sql)).build();
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(sql + " -> " + response.body());
            }
            List<String> lines = new ArrayList<>();
            for (String line : response.body().split("\n")) {
                if (!line.isEmpty()) {
                    lines.add(line);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
