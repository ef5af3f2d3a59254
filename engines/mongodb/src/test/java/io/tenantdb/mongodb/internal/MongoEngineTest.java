package io.tenantdb.mongodb.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.internal.DefaultEngineContext;
import io.tenantdb.core.session.DocumentSession;
import io.tenantdb.core.session.KeyValueSession;
import io.tenantdb.core.spi.OperationRunner;
import io.tenantdb.core.spi.TargetResolver;
import io.tenantdb.mongodb.MongoDocumentSession;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MongoEngineTest {

    private static DatabaseConfig config(String template) {
        return DatabaseConfig.builder(DatabaseType.MONGODB)
                .connection(new ConnectionConfig(List.of(NodeAddress.of("127.0.0.1", 1)), "shared", null, Secret.NONE,
                        TlsConfig.DISABLED, Duration.ofSeconds(1), Map.of()))
                .isolation(new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, template, "none"))
                .build();
    }

    @Test
    void prefixesOfTenantsWhoseIdsExtendEachOtherNeverCollide() {
        DatabaseConfig c = config("tenant_{{tenant_id}}_");
        String a = MongoEngine.collectionPrefix(c, TenantId.of("a"));
        String ab = MongoEngine.collectionPrefix(c, TenantId.of("a_b"));
        assertThat(a).isEqualTo("tenant_a-");
        assertThat(a + "b_users").isNotEqualTo(ab + "users");
        assertThat((ab + "users").startsWith(a)).isFalse();
    }

    @Test
    void aTemplateThatWouldBlurTheSeparatorIsRefused() {
        assertThatThrownBy(() -> MongoEngine.collectionPrefix(config("t_{{tenant_id}}-x"), TenantId.of("a")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("tenant_isolation.prefix");
    }

    @Test
    void offersTheDocumentSessionsOnlyAndDoesNotConnectWhenCreated() {
        MongoEngine engine = new MongoEngine(new DefaultEngineContext(DatabaseType.MONGODB, config("tenant_{{tenant_id}}_"),
                Map.of(), (TargetResolver) null, OperationRunner.none()));
        assertThat(engine.session(DocumentSession.class)).isSameAs(engine.session(MongoDocumentSession.class));
        assertThatThrownBy(() -> engine.session(KeyValueSession.class)).isInstanceOf(UnsupportedFeatureException.class);
        assertThat(engine.supportedStrategies()).containsExactlyInAnyOrder(IsolationStrategy.values());
        engine.closeAsync().block(Duration.ofSeconds(10));
    }
}
