package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped sample {@code config/} loads for every engine, environment and tenant. */
class SampleConfigTest {

    /** The repository's {@code config/}, from the module directory surefire runs in. */
    static final Path SAMPLE = Path.of("..", "config");

    static Stream<Arguments> everyCombination() {
        List<Arguments> all = new ArrayList<>();
        for (DatabaseType type : DatabaseType.values()) {
            for (String env : ConfigLoader.ENVIRONMENTS) {
                for (String tenant : Arrays.asList(null, "spotify_free", "spotify_premium")) {
                    all.add(Arguments.of(type, env, tenant));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyCombination")
    void loadsCleanly(DatabaseType type, String environment, String tenant) {
        // no variables at all: unset secret references must not fail loading
        DatabaseConfig config = ConfigLoader.of(SAMPLE, Map.of()).loadDatabaseConfig(type, tenant, environment);

        assertThat(config.type()).isEqualTo(type);
        assertThat(config.environment()).isEqualTo(environment);
        assertThat(config.tenant().map(TenantId::value).orElse(null)).isEqualTo(tenant);
        assertThat(config.connection().primary().host()).isEqualTo("127.0.0.1");
        assertThat(config.connection().primary().port()).isEqualTo(ConfigSchema.defaultPort(type));
        assertThat(config.sources()).isNotEmpty();
        IsolationStrategy expected = tenant == null ? IsolationStrategy.SCHEMA_PER_TENANT
                : tenant.equals("spotify_premium") ? IsolationStrategy.DATABASE_PER_TENANT
                : type == DatabaseType.REDIS ? IsolationStrategy.SCHEMA_PER_TENANT : IsolationStrategy.ROW_LEVEL_SECURITY;
        assertThat(config.isolation().strategy()).isEqualTo(expected);
        assertThat(config.connection().password().isNone()).isEqualTo(!environment.equals("staging"));
    }

    @Test
    void baseFilesPointAtTheLocalTestServers() {
        ConfigLoader loader = ConfigLoader.of(SAMPLE, Map.of());
        DatabaseConfig pg = loader.loadDatabaseConfig(DatabaseType.POSTGRESQL, null, "production");
        assertThat(pg.connection().hosts()).containsExactly(new NodeAddress("127.0.0.1", 5432, "local", "local-a", 1));
        assertThat(pg.connection().user()).isEqualTo("postgres");
        assertThat(pg.connection().database()).isEqualTo("postgres");
        assertThat(loader.loadDatabaseConfig(DatabaseType.REDIS, null, "production").connection().primary().port())
                .isEqualTo(6379);
        assertThat(loader.loadDatabaseConfig(DatabaseType.CLICKHOUSE, null, "production").connection().primary().port())
                .isEqualTo(8123);
        assertThat(loader.loadDatabaseConfig(DatabaseType.MONGODB, null, "production").connection().primary().port())
                .isEqualTo(27017);
        DatabaseConfig es = loader.loadDatabaseConfig(DatabaseType.ELASTICSEARCH, null, "production");
        assertThat(es.connection().primary().port()).isEqualTo(9200);
        assertThat(es.section("elasticsearch").string("flavor", "")).isEqualTo("opensearch");
    }

    @Test
    void sampleHasEveryFileOfTheLayout() {
        for (DatabaseType type : DatabaseType.values()) {
            assertThat(SAMPLE.resolve(type.id() + ".yml")).isRegularFile();
            for (String env : List.of("development", "staging", "testing")) {
                assertThat(SAMPLE.resolve("overrides").resolve(env + "_" + type.id() + ".yml")).isRegularFile();
            }
            for (String tenant : List.of("spotify_free", "spotify_premium")) {
                assertThat(SAMPLE.resolve("tenants").resolve(tenant).resolve(type.id() + ".yml")).isRegularFile();
            }
        }
        assertThat(ConfigLoader.of(SAMPLE, Map.of()).tenants())
                .containsExactly(TenantId.of("spotify_free"), TenantId.of("spotify_premium"));
        assertThat(Files.isDirectory(SAMPLE)).isTrue();
    }
}
