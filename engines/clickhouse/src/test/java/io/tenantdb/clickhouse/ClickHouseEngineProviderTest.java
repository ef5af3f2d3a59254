package io.tenantdb.clickhouse;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.MissingTenantException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.DocumentSession;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.core.spi.Engine;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Discovery and configuration checks; nothing here connects (the engine opens connections lazily). */
class ClickHouseEngineProviderTest {

    private static DatabaseConfig config(TlsConfig tls, String database) {
        return DatabaseConfig.builder(DatabaseType.CLICKHOUSE)
                .connection(new ConnectionConfig(List.of(NodeAddress.of("127.0.0.1", 1)), database, "default", Secret.NONE,
                        tls, Duration.ofSeconds(1), Map.of()))
                .isolation(new IsolationConfig(IsolationStrategy.ROW_LEVEL_SECURITY, "tenant_{{tenant_id}}_", "none"))
                .build();
    }

    @Test
    void foundByServiceLoaderAndOffersSqlSessions() {
        try (TenantDb db = TenantDb.builder().engineConfig(config(TlsConfig.DISABLED, "analytics")).build()) {
            assertThat(db.engineTypes()).contains(DatabaseType.CLICKHOUSE);
            Engine engine = db.engine(DatabaseType.CLICKHOUSE);
            assertThat(engine.supportedStrategies()).containsExactlyInAnyOrder(IsolationStrategy.values());
            assertThat(db.sql(DatabaseType.CLICKHOUSE)).isInstanceOf(ClickHouseSession.class);
            assertThat(db.session(DatabaseType.CLICKHOUSE, ClickHouseSession.class)).isSameAs(db.session(DatabaseType.CLICKHOUSE, SqlSession.class));
            assertThatThrownBy(() -> db.session(DatabaseType.CLICKHOUSE, DocumentSession.class))
                    .isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("SqlSession");
            StepVerifier.create(db.sql(DatabaseType.CLICKHOUSE).query("SELECT 1"))
                    .expectError(MissingTenantException.class).verify(Duration.ofSeconds(5));
        }
    }

    @Test
    void unsupportedOrUnsafeConfigurationIsRefusedAtStartUp() {
        assertThatThrownBy(() -> TenantDb.builder().engineConfig(config(new TlsConfig(true, true, null, null, null), "analytics")).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("tls");
        assertThatThrownBy(() -> TenantDb.builder().engineConfig(config(TlsConfig.DISABLED, "bad`name")).build())
                .isInstanceOf(ConfigException.class).hasMessageContaining("connection.database");
    }
}
