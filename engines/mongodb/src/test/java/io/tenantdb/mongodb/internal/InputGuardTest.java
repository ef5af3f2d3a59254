package io.tenantdb.mongodb.internal;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.IsolationViolationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InputGuardTest {

    private static final TenantId T = TenantId.of("acme");

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "a\\b", "a.b", "a b", "a\"b", "a$b", "a*b", "a<b", "a>b", "a:b", "a|b", "a?b", "a\0b",
            "a\nb", ""})
    void badNamesAreRefused(String name) {
        assertThatThrownBy(() -> InputGuard.checkName("collection", name, T)).isInstanceOf(DataAccessException.class)
                .hasMessageContaining("tenant=acme").hasMessageContaining("engine=mongodb");
    }

    @Test
    void namesMustBeShorterThan64Bytes() {
        assertThatCode(() -> InputGuard.checkName("collection", "x".repeat(63), T)).doesNotThrowAnyException();
        assertThatThrownBy(() -> InputGuard.checkName("collection", "x".repeat(64), T))
                .hasMessageContaining("64 bytes");
        assertThatThrownBy(() -> InputGuard.checkName("collection", "ø".repeat(32), T))
                .hasMessageContaining("64 bytes");
        assertThatCode(() -> InputGuard.checkName("collection", "play-lists_2", T)).doesNotThrowAnyException();
    }

    @Test
    void serverSideJavaScriptIsRefusedUnlessAllowed() {
        TenantScope strict = ScopeFixtures.scope(IsolationStrategy.DATABASE_PER_TENANT, "acme", false);
        TenantScope lenient = ScopeFixtures.scope(IsolationStrategy.DATABASE_PER_TENANT, "acme", true);
        for (Map<String, Object> filter : List.of(Map.<String, Object>of("$where", "true"),
                Map.<String, Object>of("$and", List.of(Map.of("$expr", Map.of("$function", Map.of())))))) {
            assertThatThrownBy(() -> InputGuard.checkFilter(filter, strict, "filter"))
                    .isInstanceOf(IsolationViolationException.class).hasMessageContaining("allow_server_side_js");
            assertThatCode(() -> InputGuard.checkFilter(filter, lenient, "filter")).doesNotThrowAnyException();
        }
    }

    @Test
    void storedFieldNamesMayNotBeOperators() {
        TenantScope s = ScopeFixtures.scope(IsolationStrategy.DATABASE_PER_TENANT, "acme", false);
        assertThatThrownBy(() -> InputGuard.checkDocument(Map.of("a", List.of(Map.of("$inc", 1))), s))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("'$inc'");
        assertThatThrownBy(() -> InputGuard.checkDocument(Map.of("a\0b", 1), s)).hasMessageContaining("NUL");
        assertThatCode(() -> InputGuard.checkDocument(Map.of("a", Map.of("b", "$notAnOperatorAsValue")), s))
                .doesNotThrowAnyException();
    }

    @Test
    void plainValuesMayNotHoldOperators() {
        TenantScope s = ScopeFixtures.rowLevel("acme");
        assertThatThrownBy(() -> InputGuard.checkPlainValue("file id", Map.of("$gt", ""), s))
                .isInstanceOf(IsolationViolationException.class);
        assertThatCode(() -> InputGuard.checkPlainValue("file id", "abc", s)).doesNotThrowAnyException();
        assertThat(InputGuard.printable("a\0b")).isEqualTo("a\\u0000b");
    }
}
