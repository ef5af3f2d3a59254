package io.tenantdb.clickhouse.internal;

import io.tenantdb.core.session.Statement;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClickHouseLiteralsTest {

    @Test
    void quotesAndBackslashesAreEscaped() {
        assertThat(ClickHouseLiterals.quote("it's")).isEqualTo("'it\\'s'");
        assertThat(ClickHouseLiterals.quote("a\\b")).isEqualTo("'a\\\\b'");
        assertThat(ClickHouseLiterals.quote("\\'")).isEqualTo("'\\\\\\''");
        assertThat(ClickHouseLiterals.quote("x'); DROP TABLE t; --")).isEqualTo("'x\\'); DROP TABLE t; --'");
    }

    @Test
    void controlCharactersAndNulAreEscapedUnicodeIsKept() {
        assertThat(ClickHouseLiterals.quote("a\0b")).isEqualTo("'a\\0b'");
        assertThat(ClickHouseLiterals.quote("\n\r\t\b\f")).isEqualTo("'\\n\\r\\t\\b\\f'");
        assertThat(ClickHouseLiterals.quote("\u0001\u007f")).isEqualTo("'\\x01\\x7F'");
        assertThat(ClickHouseLiterals.quote("日本 🎵")).isEqualTo("'日本 🎵'");
    }

    @Test
    void everyQuoteInsideALiteralIsPrecededByAnOddNumberOfBackslashes() {
        String rendered = ClickHouseLiterals.quote("\\\\'\\'''\\");
        String inner = rendered.substring(1, rendered.length() - 1);
        for (int i = 0; i < inner.length(); i++) {
            if (inner.charAt(i) == '\'') {
                int backslashes = 0;
                for (int j = i - 1; j >= 0 && inner.charAt(j) == '\\'; j--) {
                    backslashes++;
                }
                assertThat(backslashes % 2).as("quote at %d of %s", i, inner).isEqualTo(1);
            }
        }
        // and the lexer sees exactly one string token
        assertThat(SqlLexer.tokenize(rendered)).hasSize(1).first().extracting(SqlLexer.Token::kind).isEqualTo(SqlLexer.Kind.STRING);
    }

    @Test
    void identifiersUseBackticks() {
        assertThat(ClickHouseLiterals.identifier("tracks")).isEqualTo("`tracks`");
        assertThat(ClickHouseLiterals.identifier("a`b")).isEqualTo("`a\\`b`");
        assertThat(ClickHouseLiterals.identifier("a\\b")).isEqualTo("`a\\\\b`");
        assertThat(ClickHouseLiterals.qualified("db", "t")).isEqualTo("`db`.`t`");
        assertThatThrownBy(() -> ClickHouseLiterals.identifier("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClickHouseLiterals.identifier("a\0")).isInstanceOf(IllegalArgumentException.class);
        assertThat(SqlLexer.tokenize(ClickHouseLiterals.identifier("x`; DROP TABLE y; --"))).hasSize(1);
    }

    @Test
    void numbersBooleansAndNull() {
        assertThat(ClickHouseLiterals.literal(42)).isEqualTo("42");
        assertThat(ClickHouseLiterals.literal(-7L)).isEqualTo("-7");
        assertThat(ClickHouseLiterals.literal(new BigInteger("18446744073709551615"))).isEqualTo("18446744073709551615");
        assertThat(ClickHouseLiterals.literal(new BigDecimal("1E+3"))).isEqualTo("toDecimal128('1000', 0)");
        assertThat(ClickHouseLiterals.literal(new BigDecimal("-0.050"))).isEqualTo("toDecimal128('-0.050', 3)");
        assertThatThrownBy(() -> ClickHouseLiterals.literal(new BigDecimal("1" + "0".repeat(40))))
                .hasMessageContaining("38 digits");
        assertThat(ClickHouseLiterals.literal(1.5d)).isEqualTo("1.5");
        assertThat(ClickHouseLiterals.literal(Double.NaN)).isEqualTo("nan");
        assertThat(ClickHouseLiterals.literal(Double.NEGATIVE_INFINITY)).isEqualTo("-inf");
        assertThat(ClickHouseLiterals.literal(true)).isEqualTo("1");
        assertThat(ClickHouseLiterals.literal(false)).isEqualTo("0");
        assertThat(ClickHouseLiterals.literal(new Statement.Null(String.class))).isEqualTo("NULL");
    }

    @Test
    void datesTimesUuidsArraysAndBytes() {
        assertThat(ClickHouseLiterals.literal(LocalDate.of(2024, 1, 2))).isEqualTo("toDate('2024-01-02')");
        assertThat(ClickHouseLiterals.literal(LocalDateTime.of(2024, 1, 2, 3, 4, 5))).isEqualTo("toDateTime('2024-01-02 03:04:05')");
        assertThat(ClickHouseLiterals.literal(Instant.ofEpochSecond(1_700_000_000))).isEqualTo("toDateTime(1700000000)");
        assertThat(ClickHouseLiterals.literal(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2))))
                .isEqualTo("toDateTime(" + Instant.parse("2024-01-02T01:04:05Z").getEpochSecond() + ")");
        UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(ClickHouseLiterals.literal(id)).isEqualTo("toUUID('123e4567-e89b-12d3-a456-426614174000')");
        assertThat(ClickHouseLiterals.literal(List.of("a'", 1, List.of()))).isEqualTo("['a\\'', 1, []]");
        assertThat(ClickHouseLiterals.literal(new String[] {"x"})).isEqualTo("['x']");
        assertThat(ClickHouseLiterals.literal(new byte[] {0, (byte) 0xff, '\''})).isEqualTo("'\\x00\\xFF\\x27'");
    }

    @Test
    void valuesClickHouseCannotHoldAreRefusedWithTheFix() {
        assertThatThrownBy(() -> ClickHouseLiterals.literal(LocalDateTime.of(2024, 1, 2, 3, 4, 5, 1)))
                .hasMessageContaining("whole seconds").hasMessageContaining("truncatedTo");
        assertThatThrownBy(() -> ClickHouseLiterals.literal(Instant.ofEpochSecond(-1)))
                .hasMessageContaining("1970-01-01");
        assertThatThrownBy(() -> ClickHouseLiterals.literal(Map.of("a", 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot bind");
        assertThatThrownBy(() -> ClickHouseLiterals.literal(new int[] {1}))
                .hasMessageContaining("List");
    }
}
