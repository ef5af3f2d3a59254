package io.tenantdb.redis.internal;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.IsolationViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyNamespaceTest {

    private static final IsolationConfig DEFAULT = IsolationConfig.DEFAULT;

    private static KeyNamespace ns(String tenant, boolean hashTag) {
        return KeyNamespace.of(TenantId.of(tenant), DEFAULT, hashTag);
    }

    @Test
    void prefixIsTheTenantNameWithADelimiterAndOptionalHashTag() {
        assertThat(ns("acme", true).key("user:1")).isEqualTo("{tenant_acme}:user:1");
        assertThat(ns("acme", false).key("user:1")).isEqualTo("tenant_acme:user:1");
    }

    @Test
    void similarTenantIdsNeverShareKeys() {
        for (boolean tag : new boolean[] {true, false}) {
            KeyNamespace a = ns("a", tag);
            KeyNamespace ab = ns("a_b", tag);
            KeyNamespace ab2 = ns("ab", tag);
            // the key tenant a_b uses for "x" is not one tenant a could write with any logical key
            assertThat(a.owns(ab.key("x"))).isFalse();
            assertThat(a.owns(ab2.key("x"))).isFalse();
            assertThat(ab.owns(a.key("b_x"))).isFalse();
            assertThat(ab.owns(a.key("x"))).isFalse();
            assertThat(a.key("b_x")).isNotEqualTo(ab.key("x"));
            assertThat(a.key("b:x")).isNotEqualTo(ab.key("x"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a*", "a?", "a[1]", "a]", "a\\b", "*"})
    void globCharactersInLiteralKeysAreRefused(String key) {
        KeyNamespace a = ns("a", true);
        assertThatThrownBy(() -> a.key(key)).isInstanceOf(IsolationViolationException.class)
                .hasMessageContaining("glob").hasMessageContaining("tenant=a").hasMessageContaining("engine=redis");
        assertThatThrownBy(() -> a.channel(key)).isInstanceOf(IsolationViolationException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\r\nFLUSHALL", "a\nb", "a\rb", "a\0b"})
    void controlCharactersAreRefusedEverywhere(String text) {
        KeyNamespace a = ns("a", true);
        assertThatThrownBy(() -> a.key(text)).isInstanceOf(IsolationViolationException.class)
                .hasMessageContaining("CR, LF or NUL");
        assertThatThrownBy(() -> a.pattern(text)).isInstanceOf(IsolationViolationException.class);
    }

    @Test
    void emptyKeysAreRefused() {
        assertThatThrownBy(() -> ns("a", true).key("")).isInstanceOf(IsolationViolationException.class);
        assertThatThrownBy(() -> ns("a", true).keys()).isInstanceOf(IsolationViolationException.class);
    }

    @Test
    void patternsAreConfinedToTheEscapedPrefix() {
        assertThat(ns("acme", true).pattern("user:*")).isEqualTo("{tenant_acme}:user:*");
        // a template with glob-looking characters cannot exist (names are [A-Za-z0-9_.-]),
        // but escaping is still applied to whatever the prefix holds
        assertThat(KeyNamespace.escapeGlob("a*b?[c]\\")).isEqualTo("a\\*b\\?\\[c\\]\\\\");
    }

    @Test
    void stripRemovesThePrefixAndRefusesForeignKeys() {
        KeyNamespace a = ns("a", true);
        assertThat(a.strip("{tenant_a}:x")).isEqualTo("x");
        assertThatThrownBy(() -> a.strip("{tenant_a_b}:x")).isInstanceOf(IsolationViolationException.class);
    }

    @Test
    void templatesThatRenderUnsafeNamesAreRefused() {
        IsolationConfig colon = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, "t:{{tenant_id}}", "none");
        IsolationConfig brace = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, "{{{tenant_id}}}", "none");
        assertThatThrownBy(() -> KeyNamespace.of(TenantId.of("a"), colon, true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("change the template");
        assertThatThrownBy(() -> KeyNamespace.of(TenantId.of("a"), brace, true)).isInstanceOf(ConfigException.class);
    }
}
