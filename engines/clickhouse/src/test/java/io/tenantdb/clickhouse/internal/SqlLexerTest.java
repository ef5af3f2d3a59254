package io.tenantdb.clickhouse.internal;

import io.tenantdb.clickhouse.internal.SqlLexer.Kind;
import io.tenantdb.clickhouse.internal.SqlLexer.Token;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlLexerTest {

    private static List<Kind> kinds(String sql) {
        return SqlLexer.tokenize(sql).stream().filter(Token::significant).map(Token::kind).collect(Collectors.toList());
    }

    @Test
    void tokensConcatenateBackToTheInput() {
        String sql = "SELECT `a``b`, \"c\", 'd\\'e''f', 1.5e-3 -- x\n/* y */ FROM {table:t} WHERE id = $12 AND n = :name";
        assertThat(SqlLexer.tokenize(sql).stream().map(Token::text).collect(Collectors.joining())).isEqualTo(sql);
    }

    @Test
    void markersInsideStringsIdentifiersAndCommentsAreNotMarkers() {
        assertThat(kinds("SELECT '$1 :x {table:t}'")).containsExactly(Kind.WORD, Kind.STRING);
        assertThat(kinds("SELECT `$1`")).containsExactly(Kind.WORD, Kind.QUOTED_ID);
        assertThat(SqlLexer.tokenize("SELECT 1 -- $1 {table:t}")).extracting(Token::kind).contains(Kind.COMMENT)
                .doesNotContain(Kind.BIND_POSITIONAL, Kind.TABLE);
        assertThat(SqlLexer.tokenize("SELECT /* ' */ 1")).extracting(Token::kind).doesNotContain(Kind.STRING);
    }

    @Test
    void quotedTokensEndWhereClickHouseEndsThem() {
        List<Token> tokens = SqlLexer.tokenize("'a\\'b' 'c''d' `e\\`f`");
        assertThat(tokens.stream().filter(Token::significant).map(Token::value))
                .containsExactly("a\\'b", "c'd", "e\\`f");
    }

    @Test
    void bindsAndPlaceholdersCarryTheirValue() {
        List<Token> sig = SqlLexer.tokenize("$1 :name {table:tracks}").stream().filter(Token::significant).collect(Collectors.toList());
        assertThat(sig).extracting(Token::value).containsExactly("1", "name", "tracks");
    }

    @Test
    void unterminatedThingsAreRefused() {
        assertThatThrownBy(() -> SqlLexer.tokenize("SELECT 'abc")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> SqlLexer.tokenize("SELECT 'abc\\'")).hasMessageContaining("unterminated string");
        assertThatThrownBy(() -> SqlLexer.tokenize("SELECT `abc")).hasMessageContaining("quoted identifier");
        assertThatThrownBy(() -> SqlLexer.tokenize("SELECT 1 /* x")).hasMessageContaining("comment");
        assertThatThrownBy(() -> SqlLexer.tokenize("SELECT {table:x")).hasMessageContaining("unterminated {");
        assertThatThrownBy(() -> SqlLexer.tokenize("SELECT {name:UInt8}")).hasMessageContaining("{table:name}");
        assertThatThrownBy(() -> SqlLexer.tokenize("SELECT $1abc")).hasMessageContaining("bind marker");
    }
}
