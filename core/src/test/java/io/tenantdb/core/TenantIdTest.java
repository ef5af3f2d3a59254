package io.tenantdb.core;

import io.tenantdb.core.exception.InvalidTenantException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantIdTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "spotify_premium", "spotify_free", "t1", "a_", "a__b", "z9_9z"})
    void acceptsLowerCaseLetterThenLettersDigitsUnderscores(String id) {
        assertThat(TenantId.of(id).value()).isEqualTo(id);
        assertThat(TenantId.isValid(id)).isTrue();
    }

    @Test
    void fortyEightCharactersIsTheLimit() {
        String max = "a" + "b".repeat(47);
        assertThat(TenantId.of(max).value()).hasSize(48);
        assertThatThrownBy(() -> TenantId.of(max + "c"))
                .isInstanceOf(InvalidTenantException.class)
                .hasMessageContaining("at most 48 characters, this one has 49");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("x'; DROP TABLE t;--", "found ' at position 1"),
                Arguments.of("a/b", "found / at position 1"),
                Arguments.of("a.b", "found . at position 1"),
                Arguments.of("{a}", "must start with a lower-case letter"),
                Arguments.of("a{b}", "found { at position 1"),
                Arguments.of("a*", "found * at position 1"),
                Arguments.of("a b", "found   at position 1"),
                Arguments.of("a-b", "found - at position 1"),
                Arguments.of("a:b", "found : at position 1"),
                Arguments.of("\u0430cme", "must start with a lower-case letter"),     // Cyrillic a
                Arguments.of("spotify_fr\u0435e", "found \\u0435 at position 10"),     // Cyrillic e
                Arguments.of("\uff41cme", "must start with a lower-case letter"),     // fullwidth a
                Arguments.of("ac\uff4de", "found \\uff4d at position 2"),             // fullwidth m
                Arguments.of("Acme", "must start with a lower-case letter"),
                Arguments.of("acMe", "found M at position 2"),
                Arguments.of("1acme", "must start with a lower-case letter"),
                Arguments.of("_acme", "must start with a lower-case letter"),
                Arguments.of("acme\r\nx", "found \\u000d at position 4"),
                Arguments.of("acme\n", "found \\u000a at position 4"),
                Arguments.of("ac\u0000me", "found \\u0000 at position 2"),
                Arguments.of("acme\u200b", "found \\u200b at position 4"),              // zero-width space
                Arguments.of("", "must not be empty"));
    }

    @ParameterizedTest
    @MethodSource
    void refused(String input, String problem) {
        assertThat(TenantId.isValid(input)).isFalse();
        assertThatThrownBy(() -> TenantId.of(input))
                .isInstanceOf(InvalidTenantException.class)
                .hasMessageContaining(problem)
                .hasMessageContaining("rule: lower-case letter first");
    }

    @Test
    void nullIsRefused() {
        assertThat(TenantId.isValid(null)).isFalse();
        assertThatThrownBy(() -> TenantId.of(null))
                .isInstanceOf(InvalidTenantException.class)
                .hasMessageContaining("invalid tenant id null")
                .hasMessageContaining("required but was null");
    }

    @Test
    void theMessageEscapesControlAndNonAsciiCharacters() {
        assertThatThrownBy(() -> TenantId.of("a\r\nb\u0000\"\\\u0430"))
                .isInstanceOf(InvalidTenantException.class)
                .hasMessageContaining("\"a\\u000d\\u000ab\\u0000\\u0022\\u005c\\u0430\"")
                .message().doesNotContain("\r").doesNotContain("\n").doesNotContain("\u0000").doesNotContain("\u0430");
    }

    @Test
    void theMessageTruncatesLongInput() {
        String huge = "x'; DROP TABLE t;--" + "A".repeat(100_000);
        assertThatThrownBy(() -> TenantId.of(huge))
                .isInstanceOf(InvalidTenantException.class)
                .hasMessageContaining("...(100019 chars)")
                .message().hasSizeLessThan(400);
    }

    @Test
    void comparesByValue() {
        assertThat(TenantId.of("acme")).isEqualTo(TenantId.of("acme")).hasSameHashCodeAs(TenantId.of("acme"))
                .isNotEqualTo(TenantId.of("acme2"));
        assertThat(TenantId.of("a")).isLessThan(TenantId.of("b"));
        assertThat(TenantId.of("acme")).hasToString("acme");
    }
}
