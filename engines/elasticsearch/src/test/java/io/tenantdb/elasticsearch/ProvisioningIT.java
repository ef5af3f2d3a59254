package io.tenantdb.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.netty.http.client.HttpClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Provisioning from a configuration directory, one tenant per strategy on one engine: what provision creates,
 * that it is idempotent, and that deprovision removes exactly the tenant's indices, alias and documents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisioningIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId PREMIUM = TenantId.of("prov_premium");
    private static final TenantId BASIC = TenantId.of("prov_basic");
    private static final TenantId FREE = TenantId.of("prov_free");
    private static final TenantId FREE2 = TenantId.of("prov_free2");

    private TenantDb db;
    private ElasticsearchSession es;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        ServerEndpoint node = TestServers.opensearch();
        Files.writeString(dir.resolve("elasticsearch.yml"), "connection:\n"
                + "  hosts: [\"" + node.host() + ":" + node.port() + "\"]\n"
                + "tenant_isolation:\n  strategy: schema_per_tenant\n  prefix: \"p_{{tenant_id}}_\"\n"
                + "elasticsearch:\n  flavor: auto\n  indices: [albums]\n  number_of_shards: 1\n"
                + "  number_of_replicas: 0\n  page_size: 7\n  write_refresh: wait_for\n");
        for (Object[] t : new Object[][] {{PREMIUM, "database_per_tenant"}, {FREE, "row_level_security"},
                {FREE2, "row_level_security"}}) {
            Path tenantDir = Files.createDirectories(dir.resolve("tenants").resolve(t[0].toString()));
            Files.writeString(tenantDir.resolve("elasticsearch.yml"), "tenant_isolation:\n  strategy: " + t[1] + "\n");
        }
        db = TenantDb.builder().configDirectory(dir).engines(DatabaseType.ELASTICSEARCH).build();
        es = db.session(DatabaseType.ELASTICSEARCH, ElasticsearchSession.class);
    }

    @AfterAll
    void stop() {
        if (db != null) {
            for (TenantId t : List.of(PREMIUM, BASIC, FREE, FREE2)) {
                db.deprovision(t).block(Duration.ofSeconds(60));
            }
            db.close();
        }
    }

    private static JsonNode get(String path) throws Exception {
        String body = HttpClient.create().baseUrl(TestServers.opensearch().httpUrl()).get().uri(path)
                .responseSingle((r, c) -> c.asString()).block(Duration.ofSeconds(30));
        return JSON.readTree(body);
    }

    private static List<String> names(String catPath, String field) throws Exception {
        List<String> names = new ArrayList<>();
        get(catPath).forEach(row -> names.add(row.path(field).asText()));
        return names;
    }

    @Test
    void provisionCreatesPerStrategyIsIdempotentAndDeprovisionRemovesOnlyTheTenant() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (TenantId t : List.of(PREMIUM, BASIC, FREE, FREE2)) {
                db.provision(t).block(Duration.ofSeconds(60));
            }
        }
        assertThat(names("/_cat/indices?format=json&h=index", "index"))
                .contains("p_prov_premium_-albums", "p_prov_basic_-albums", "tenantdb-shared-albums")
                .doesNotContain("p_prov_free_-albums");
        assertThat(names("/_cat/aliases?format=json&h=alias", "alias"))
                .contains("p_prov_free_-albums", "p_prov_free2_-albums");
        assertThat(get("/p_prov_premium_-albums/_settings").path("p_prov_premium_-albums").path("settings")
                .path("index").path("number_of_replicas").asText()).isEqualTo("0");

        for (TenantId t : List.of(PREMIUM, BASIC, FREE, FREE2)) {
            as(t, es.bulk("albums", reactor.core.publisher.Flux.range(1, 20).map(i -> new io.tenantdb.core.session
                    .SearchHit("albums", "a" + i, Double.NaN, JSON.createObjectNode().put("owner", t.value())))));
        }
        // write_refresh: wait_for makes the writes visible; page_size 7 makes 20 hits take three pages
        for (TenantId t : List.of(PREMIUM, BASIC, FREE, FREE2)) {
            assertThat(all(t, es.search("albums", null))).hasSize(20)
                    .allMatch(hit -> hit.source().get("owner").asText().equals(t.value()));
        }

        db.deprovision(FREE).block(Duration.ofSeconds(60));
        db.deprovision(PREMIUM).block(Duration.ofSeconds(60));
        db.deprovision(PREMIUM).block(Duration.ofSeconds(60));
        assertThat(names("/_cat/indices?format=json&h=index", "index")).doesNotContain("p_prov_premium_-albums")
                .contains("p_prov_basic_-albums", "tenantdb-shared-albums");
        assertThat(names("/_cat/aliases?format=json&h=alias", "alias")).doesNotContain("p_prov_free_-albums")
                .contains("p_prov_free2_-albums");
        assertThat(get("/tenantdb-shared-albums/_count?q=tenant_id:prov_free").path("count").asLong()).isZero();
        assertThat(as(FREE2, es.count("albums", null))).isEqualTo(20L);
        assertThat(as(BASIC, es.count("albums", null))).isEqualTo(20L);

        assertThatThrownBy(() -> all(FREE, es.search("albums", null))).isInstanceOf(NotProvisionedException.class)
                .hasMessageContaining("tenant=prov_free");
        assertThatThrownBy(() -> as(FREE, es.index("albums", "x", JSON.createObjectNode().put("a", 1))))
                .as("a shared-strategy write never auto-creates an index named like the alias")
                .isInstanceOf(NotProvisionedException.class);
        assertThat(names("/_cat/indices?format=json&h=index", "index")).doesNotContain("p_prov_free_-albums");
    }
}
