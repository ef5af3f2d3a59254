package io.tenantdb.clickhouse;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.Statement;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine built from the shipped configuration directory ({@code config/}, environment
 * {@code testing}): {@code spotify_premium} has its own database (its tenant file), a tenant without
 * a file gets the base file's table prefix. Uses a table of its own and removes it.
 */
class ClickHouseSampleConfigIT {

    private static Path configDirectory() {
        String root = System.getProperty("tenantdb.root");
        Path dir = root == null ? Path.of("..", "..", "config") : Path.of(root, "config");
        assertThat(Files.isDirectory(dir)).as("sample configuration at %s", dir).isTrue();
        return dir;
    }

    @Test
    void tenantsOfTheSampleConfigurationGetTheirOwnStrategy() {
        ClickHouseIts.server();
        TenantId premium = TenantId.of("spotify_premium");
        TenantId other = TenantId.of("chcfg_other");
        try (TenantDb db = TenantDb.builder().configDirectory(configDirectory()).environment("testing")
                .engines(DatabaseType.CLICKHOUSE).build()) {
            assertThat(db.engine(DatabaseType.CLICKHOUSE).supportedStrategies()).contains(IsolationStrategy.DATABASE_PER_TENANT);
            ClickHouseSession ch = ClickHouseIts.session(db);
            String table = "chcfg_it_tracks";
            try {
                for (TenantId t : List.of(premium, other)) {
                    db.provision(t).block(Duration.ofSeconds(30));
                    ch.dropTable(table).then(ch.createTable(table, ClickHouseIts.TRACKS))
                            .then(ch.insert(table, Flux.just(Map.of("id", 1, "name", t.value(), "plays", 1))))
                            .contextWrite(TenantContext.of(t)).block(Duration.ofSeconds(30));
                }
                for (TenantId t : List.of(premium, other)) {
                    assertThat(ch.query(Statement.of("SELECT name FROM {table:" + table + "}"), r -> r.get(0, String.class))
                            .contextWrite(TenantContext.of(t)).collectList().block(Duration.ofSeconds(30)))
                            .containsExactly(t.value());
                }
                // where each tenant's table went, as the sample configuration says
                assertThat(ClickHouseIts.admin("EXISTS TABLE tenant_spotify_premium." + table)).containsExactly("1");
                assertThat(ClickHouseIts.admin("EXISTS TABLE default.`tenant_chcfg_other_$" + table + "`")).containsExactly("1");
            } finally {
                for (TenantId t : List.of(premium, other)) {
                    ch.dropTable(table).contextWrite(TenantContext.of(t)).block(Duration.ofSeconds(30));
                }
                db.deprovision(other).block(Duration.ofSeconds(30));
            }
        }
    }
}
