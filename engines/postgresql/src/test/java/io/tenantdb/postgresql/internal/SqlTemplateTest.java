package io.tenantdb.postgresql.internal;

import io.tenantdb.core.session.Statement;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlTemplateTest {

    @Test
    void namedParametersBecomePositionalInOrderOfFirstUse() {
        Statement s = Statement.of("SELECT * FROM t WHERE a = :a AND b = :b OR a2 = :a").bind("b", 2).bind("a", 1);
        SqlTemplate.Rendered r = SqlTemplate.render(s, null);
        assertThat(r.sql()).isEqualTo("SELECT * FROM t WHERE a = $1 AND b = $2 OR a2 = $1");
        assertThat(r.binds()).containsExactly(1, 2);
    }

    @Test
    void namedParametersAreNumberedAfterPositionalOnes() {
        Statement s = Statement.of("SELECT $1, :x", "p").bind("x", "n");
        SqlTemplate.Rendered r = SqlTemplate.render(s, null);
        assertThat(r.sql()).isEqualTo("SELECT $1, $2");
        assertThat(r.binds()).containsExactly("p", "n");
    }

    @Test
    void castsLiteralsCommentsAndDollarQuotesAreLeftAlone() {
        String body = "SELECT x::text, ':nope', \":nope\", E'\\':nope', $$ :nope {schema} $$, $f$ :no $f$ -- :nope {schema}\n"
                + "/* :nope {schema} */ FROM ";
        SqlTemplate.Rendered r = SqlTemplate.render(Statement.of(body + "{schema}.t WHERE y = :y").bind("y", 1), "\"tenant_a\"");
        assertThat(r.sql()).isEqualTo(body + "\"tenant_a\".t WHERE y = $1");
        assertThat(r.binds()).containsExactly(1);
        assertThat(r.usesSchema()).isTrue();
    }

    @Test
    void schemaPlaceholderInsideALiteralIsNotReplaced() {
        SqlTemplate.Rendered r = SqlTemplate.render(Statement.of("SELECT '{schema}'"), "\"s\"");
        assertThat(r.sql()).isEqualTo("SELECT '{schema}'");
        assertThat(r.usesSchema()).isFalse();
    }

    @Test
    void missingOrExtraNamedValuesAreRefused() {
        assertThatThrownBy(() -> SqlTemplate.render(Statement.of("SELECT :a"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":a");
        assertThatThrownBy(() -> SqlTemplate.render(Statement.of("SELECT 1").bind("zz", 1), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(":zz");
    }

    @Test
    void positionalOnlyStatementsKeepTheirBinds() {
        SqlTemplate.Rendered r = SqlTemplate.render(Statement.of("SELECT $1, $2", 1, "x"), null);
        assertThat(r.sql()).isEqualTo("SELECT $1, $2");
        assertThat(r.binds()).isEqualTo(List.of(1, "x"));
        assertThat(r.usesSchema()).isFalse();
    }

    @Test
    void theSameStatementRendersForEachSchemaFromOneParse() {
        Statement s = Statement.of("SELECT * FROM {schema}.t WHERE id = $1", 1);
        assertThat(SqlTemplate.render(s, "\"a\"").sql()).isEqualTo("SELECT * FROM \"a\".t WHERE id = $1");
        assertThat(SqlTemplate.render(s, "\"b\"").sql()).isEqualTo("SELECT * FROM \"b\".t WHERE id = $1");
        assertThat(SqlTemplate.render(s, "\"a\"").sql()).isEqualTo("SELECT * FROM \"a\".t WHERE id = $1");
        assertThat(SqlTemplate.render(s, null).sql()).isEqualTo("SELECT * FROM {schema}.t WHERE id = $1");
    }

    @Test
    void statementsThatMayChangeTheSessionAreRecognised() {
        for (String sql : List.of("SET search_path = x", " reset all", "DISCARD ALL", "select set_config('app.tenant_id', 'x', false)",
                "SELECT 1; SET app.tenant_id = 'x'", "BEGIN", "COMMIT", "rollback", "DO $$ BEGIN END $$", "CALL p()")) {
            assertThat(SqlTemplate.render(Statement.of(sql), null).changesSession()).as(sql).isTrue();
        }
        for (String sql : List.of("SELECT id FROM tracks WHERE id = $1", "INSERT INTO settings (k) VALUES ('x')",
                "UPDATE t SET a = 1", "SELECT current_setting('app.tenant_id', true)")) {
            assertThat(SqlTemplate.render(Statement.of(sql), null).changesSession()).as(sql).isFalse();
        }
    }
}
