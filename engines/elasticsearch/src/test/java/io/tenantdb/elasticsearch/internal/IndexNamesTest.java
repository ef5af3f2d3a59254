package io.tenantdb.elasticsearch.internal;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.IsolationViolationException;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexNamesTest {

    private static final IsolationConfig ISOLATION = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT,
            "tenant_{{tenant_id}}_", "none");

    @Test
    void tenantNamesCarryThePrefixAndTheLogicalName() {
        assertThat(IndexNames.tenantName(ISOLATION, TenantId.of("acme"), "tracks")).isEqualTo("tenant_acme_-tracks");
        assertThat(IndexNames.sharedName("tracks", TenantId.of("acme"))).isEqualTo("tenantdb-shared-tracks");
    }

    @Test
    void tenantsWhoseIdsAndIndexNamesOverlapNeverShareAName() {
        // under {prefix}{tenant}_{name}, (acme, b_tracks) and (acme_b, tracks) would both be tenant_acme_b_tracks
        Set<String> names = new HashSet<>();
        for (String tenant : List.of("acme", "acme_b", "acme_b_", "acme__b")) {
            for (String logical : List.of("tracks", "b_tracks", "b__tracks", "tracks_b")) {
                String name = IndexNames.tenantName(ISOLATION, TenantId.of(tenant), logical);
                assertThat(names.add(name)).as("%s / %s -> %s", tenant, logical, name).isTrue();
                assertThat(name).doesNotStartWith(IndexNames.SHARED_PREFIX);
            }
        }
    }

    @Test
    void wildcardsCommasAndForeignNamesAreRefused() {
        TenantId tenant = TenantId.of("acme");
        for (String bad : List.of("*", "tracks*", "a,b", "_all", "tenant_other_-tracks", "Tracks", "-x", "a b",
                "a:b", "a/b", "..", "", "a#b", "x".repeat(101))) {
            assertThatThrownBy(() -> IndexNames.tenantName(ISOLATION, tenant, bad)).as(bad)
                    .isInstanceOf(IsolationViolationException.class)
                    .hasMessageContaining("tenant=acme");
        }
        assertThatThrownBy(() -> IndexNames.tenantName(ISOLATION, tenant, null))
                .isInstanceOf(IsolationViolationException.class);
    }

    @Test
    void namesLongerThan255BytesAreRefused() {
        IsolationConfig longPrefix = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT,
                "p".repeat(200) + "_{{tenant_id}}_", "none");
        assertThatThrownBy(() -> IndexNames.tenantName(longPrefix, TenantId.of("a".repeat(48)), "tracks"))
                .isInstanceOf(IsolationViolationException.class).hasMessageContaining("255 bytes");
    }

    @Test
    void templatesThatCouldCollideAreRefusedAtStart() {
        for (String template : List.of("t-{{tenant_id}}_", "{{tenant_id}}-", "T_{{tenant_id}}", "_{{tenant_id}}",
                "a*{{tenant_id}}")) {
            IsolationConfig isolation = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, template, "none");
            assertThatThrownBy(() -> IndexNames.checkTemplate(isolation)).as(template)
                    .isInstanceOf(ConfigException.class);
        }
        IndexNames.checkTemplate(ISOLATION);
        IndexNames.checkTemplate(new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, "{{tenant_id}}", "none"));
    }
}
