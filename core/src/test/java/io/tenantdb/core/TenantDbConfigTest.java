package io.tenantdb.core;

import io.tenantdb.core.testengine.InMemoryEngineProvider;
import io.tenantdb.core.testengine.InMemoryEngineProvider.InMemoryEngine;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The façade built from the shipped sample configuration directory. */
class TenantDbConfigTest {

    private static Path sampleConfig() {
        Path p = Path.of("..", "config");
        return Files.isDirectory(p) ? p : Path.of("config");
    }

    @Test
    void buildsFromTheSampleDirectoryWithTenantFilesMerged() {
        try (TenantDb db = TenantDb.builder().configDirectory(sampleConfig()).environment("development")
                .environmentVariables(Map.of()).engines(DatabaseType.REDIS).build()) {
            InMemoryEngine engine = InMemoryEngineProvider.CREATED.get(InMemoryEngineProvider.CREATED.size() - 1);
            assertThat(db.engineTypes()).containsExactly(DatabaseType.REDIS);
            TenantId premium = TenantId.of("spotify_premium");
            TenantId unknown = TenantId.of("some_new_tenant");
            assertThat(engine.context().config(premium).tenant()).contains(premium);
            assertThat(engine.context().config(premium).isolation().strategy()).isEqualTo(IsolationStrategy.DATABASE_PER_TENANT);
            assertThat(engine.context().config(unknown).tenant()).isEmpty();
            assertThat(engine.context().config().environment()).isEqualTo("development");
        }
    }
}
