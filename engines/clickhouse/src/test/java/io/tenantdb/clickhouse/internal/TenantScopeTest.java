package io.tenantdb.clickhouse.internal;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.exception.IsolationViolationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantScopeTest {

    private static TenantScope scope(String tenant, IsolationStrategy strategy, String template) {
        return new TenantScope(TenantId.of(tenant), strategy, new IsolationConfig(strategy, template, "none"), "app", "sandbox");
    }

    @Test
    void namesPerStrategy() {
        assertThat(scope("acme", IsolationStrategy.DATABASE_PER_TENANT, "tenant_{{tenant_id}}_").qualified("tracks"))
                .isEqualTo("`tenant_acme`.`tracks`");
        assertThat(scope("acme", IsolationStrategy.SCHEMA_PER_TENANT, "tenant_{{tenant_id}}_").qualified("tracks"))
                .isEqualTo("`app`.`tenant_acme_$tracks`");
        assertThat(scope("acme", IsolationStrategy.ROW_LEVEL_SECURITY, "tenant_{{tenant_id}}_").qualified("tracks"))
                .isEqualTo("`app`.`tracks`");
    }

    @Test
    void noTwoTenantsShareADatabaseOrATable() {
        assertThat(scope("acme", IsolationStrategy.DATABASE_PER_TENANT, "tenant_{{tenant_id}}_").tenantDatabase())
                .isNotEqualTo(scope("acme_", IsolationStrategy.DATABASE_PER_TENANT, "tenant_{{tenant_id}}_").tenantDatabase());
        assertThat(scope("acme", IsolationStrategy.SCHEMA_PER_TENANT, "tenant_{{tenant_id}}_").physicalTable("x_tracks"))
                .isNotEqualTo(scope("acme_x", IsolationStrategy.SCHEMA_PER_TENANT, "tenant_{{tenant_id}}_").physicalTable("tracks"));
    }

    @Test
    void aTenantDatabaseThatWouldBeASharedOneIsRefused() {
        for (String tenant : new String[] {"system", "default", "app", "sandbox"}) {
            assertThatThrownBy(() -> scope(tenant, IsolationStrategy.DATABASE_PER_TENANT, "{{tenant_id}}"))
                    .isInstanceOf(IsolationViolationException.class).hasMessageContaining("prefix");
        }
    }

    @Test
    void otherTenantsDatabasesAreRecognised() {
        TenantScope s = scope("acme", IsolationStrategy.DATABASE_PER_TENANT, "tenant_{{tenant_id}}_");
        assertThat(s.deniedDatabase("tenant_acme")).isFalse();
        assertThat(s.deniedDatabase("tenant_other")).isTrue();
        assertThat(s.deniedDatabase("Tenant_Other")).isTrue();
        assertThat(s.deniedDatabase("tenant_acme_")).isTrue();
        assertThat(s.deniedDatabase("SYSTEM")).isTrue();
        assertThat(s.deniedDatabase("app")).isTrue();
        assertThat(s.deniedDatabase("t")).isFalse(); // a table alias
        assertThatThrownBy(() -> s.physicalTable("a$b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.physicalTable("a`b")).isInstanceOf(IllegalArgumentException.class);
    }
}
