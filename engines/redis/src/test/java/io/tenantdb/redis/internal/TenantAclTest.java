package io.tenantdb.redis.internal;

import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.Secret;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TenantAclTest {

    @Test
    void passwordsAreDerivedFromTheSecretAndDifferPerTenant() {
        TenantAcl one = TenantAcl.of(Secret.literal("s3cret"));
        TenantAcl two = TenantAcl.of(Secret.literal("s3cret"));
        TenantAcl other = TenantAcl.of(Secret.literal("other"));
        TenantId a = TenantId.of("a");
        assertThat(one.password(a)).isEqualTo(two.password(a)).hasSize(64);
        assertThat(one.password(a)).isNotEqualTo(one.password(TenantId.of("b")));
        assertThat(one.password(a)).isNotEqualTo(other.password(a));
    }

    @Test
    void withoutASecretEachInstanceHasItsOwnRandomOne() {
        TenantId a = TenantId.of("a");
        assertThat(TenantAcl.of(Secret.NONE).password(a)).isNotEqualTo(TenantAcl.of(Secret.NONE).password(a));
    }

    @Test
    void rulesConfineKeysAndChannelsToThePrefixAndRemoveDangerousCommands() {
        TenantAcl acl = TenantAcl.of(Secret.literal("x"));
        TenantId a = TenantId.of("a");
        KeyNamespace ns = KeyNamespace.of(a, IsolationConfig.DEFAULT, true);
        assertThat(acl.user(a)).isEqualTo("tenantdb_a");
        assertThat(acl.rules(a, ns, true)).startsWith("reset", "resetchannels", "on")
                .contains("~{tenant_a}:*", "&{tenant_a}:*", "-@dangerous", "-@admin", "-keys", "-flushall", "-config",
                        "-scan", "-script", "-function")
                .doesNotContain("allkeys", "~*", "allchannels", "&*");
        assertThat(acl.rules(a, ns, false)).contains("-script").doesNotContain("-function");
        assertThat(acl.toString()).doesNotContain(acl.password(a));
    }
}
