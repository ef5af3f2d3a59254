package io.tenantdb.core.config;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IsolationConfigTest {

    private static final IsolationConfig DEFAULT = IsolationConfig.DEFAULT;

    @Test
    void namesAndPrefixesFollowTheTemplate() {
        TenantId t = TenantId.of("spotify_free");
        assertThat(DEFAULT.prefixFor(t)).isEqualTo("tenant_spotify_free_");
        assertThat(DEFAULT.nameFor(t)).isEqualTo("tenant_spotify_free");
    }

    @Test
    void tenantsDifferingOnlyInTrailingUnderscoresNeverShareAName() {
        assertThat(DEFAULT.nameFor(TenantId.of("acme"))).isEqualTo("tenant_acme");
        assertThat(DEFAULT.nameFor(TenantId.of("acme_"))).isEqualTo("tenant_acme_");
        assertThat(DEFAULT.nameFor(TenantId.of("acme__"))).isEqualTo("tenant_acme__");
        IsolationConfig suffixed = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, "t_{{tenant_id}}_db_", "none");
        assertThat(suffixed.nameFor(TenantId.of("acme_"))).isEqualTo("t_acme__db");
    }

    @Test
    void aTemplateWithoutThePlaceholderIsRefused() {
        assertThatThrownBy(() -> new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, "tenant_", "none"))
                .hasMessageContaining("{{tenant_id}}");
    }
}
