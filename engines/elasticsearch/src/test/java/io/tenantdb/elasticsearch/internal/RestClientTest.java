package io.tenantdb.elasticsearch.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.ConfigLoader;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RestClientTest {

    private static DatabaseConfig config(String user, Secret password) {
        return DatabaseConfig.builder(DatabaseType.ELASTICSEARCH)
                .connection(new ConnectionConfig(List.of(NodeAddress.of("127.0.0.1", 9200)), null, user, password,
                        TlsConfig.DISABLED, Duration.ofSeconds(1), Map.of()))
                .build();
    }

    @Test
    void basicAuthFromUserAndPassword() {
        String header = RestClient.authorization(config("elastic", Secret.literal("s3cret")));
        assertThat(header).startsWith("Basic ");
        assertThat(new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8))
                .isEqualTo("elastic:s3cret");
    }

    @Test
    void apiKeyFromTheElasticsearchSectionWins(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("elasticsearch.yml"), "connection:\n  hosts: [\"es1:9200\"]\n"
                + "  user: elastic\n  password: ${env:ES_PW}\n"
                + "elasticsearch:\n  api_key: ${env:ES_KEY}\n");
        DatabaseConfig config = ConfigLoader.of(dir, Map.of("ES_PW", "pw", "ES_KEY", "a2V5OnNlY3JldA=="))
                .loadDatabaseConfig(DatabaseType.ELASTICSEARCH, null, "production");
        assertThat(RestClient.authorization(config)).isEqualTo("ApiKey a2V5OnNlY3JldA==");
        assertThat(config.toString()).doesNotContain("a2V5OnNlY3JldA==").doesNotContain("pw,");
    }

    @Test
    void noCredentialsNoHeader() {
        assertThat(RestClient.authorization(config(null, Secret.NONE))).isNull();
    }

    @Test
    void flavorFromTheRootEndpoint() throws Exception {
        Flavor os = Flavor.of(RestClient.JSON.readTree(
                "{\"version\":{\"distribution\":\"opensearch\",\"number\":\"2.19.1\"}}"));
        assertThat(os.openSearch()).isTrue();
        assertThat(os.hasPointInTime()).isTrue();
        assertThat(os.tieBreaker(true)).isEqualTo("_id");
        Flavor es = Flavor.of(RestClient.JSON.readTree("{\"version\":{\"number\":\"8.15.0\"}}"));
        assertThat(es.openSearch()).isFalse();
        assertThat(es.openPitPath("i", "60s")).isEqualTo("/i/_pit?keep_alive=60s");
        assertThat(es.tieBreaker(true)).isEqualTo("_shard_doc");
        assertThat(Flavor.of(RestClient.JSON.readTree("{\"version\":{\"number\":\"7.9.3\"}}")).hasPointInTime())
                .isFalse();
    }
}
