package io.tenantdb.postgresql.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.exception.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PgIdentifiersTest {

    private static final IsolationConfig DEFAULT = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT,
            "tenant_{{tenant_id}}_", "none");

    @Test
    void quotesAndDoublesInnerQuotes() {
        assertThat(PgIdentifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
        assertThat(PgIdentifiers.quoteQualified("public.tracks")).isEqualTo("\"public\".\"tracks\"");
        assertThatThrownBy(() -> PgIdentifiers.quoteQualified("t; DROP TABLE x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgIdentifiers.quoteQualified("a.b.c")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tenantNameFollowsTheTemplate() {
        assertThat(PgIdentifiers.tenantObjectName(DEFAULT, TenantId.of("spotify_premium"), DatabaseType.POSTGRESQL))
                .isEqualTo("tenant_spotify_premium");
    }

    @Test
    void aTenantIdEndingInUnderscoreKeepsItsOwnName() {
        assertThat(PgIdentifiers.tenantObjectName(DEFAULT, TenantId.of("acme_"), DatabaseType.POSTGRESQL)).isEqualTo("tenant_acme_");
        assertThat(PgIdentifiers.tenantObjectName(DEFAULT, TenantId.of("acme"), DatabaseType.POSTGRESQL)).isEqualTo("tenant_acme");
        IsolationConfig suffixed = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, "t_{{tenant_id}}_db", "none");
        assertThat(PgIdentifiers.tenantObjectName(suffixed, TenantId.of("acme_"), DatabaseType.POSTGRESQL)).isEqualTo("t_acme__db");
    }

    @Test
    void namesLongerThan63BytesAreRefusedBecausePostgresWouldTruncateThem() {
        String id = "a".repeat(48);
        IsolationConfig longPrefix = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT,
                "tenant_database_{{tenant_id}}_", "none");
        assertThatThrownBy(() -> PgIdentifiers.tenantObjectName(longPrefix, TenantId.of(id), DatabaseType.POSTGRESQL))
                .isInstanceOf(ConfigException.class).hasMessageContaining("63").hasMessageContaining("engine=postgresql");
        assertThat(PgIdentifiers.tenantObjectName(DEFAULT, TenantId.of(id), DatabaseType.POSTGRESQL)).hasSize(55);
    }
}
