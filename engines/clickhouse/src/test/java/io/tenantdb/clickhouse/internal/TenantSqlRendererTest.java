package io.tenantdb.clickhouse.internal;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.IsolationViolationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantSqlRendererTest {

    private static final TenantId ACME = TenantId.of("acme");

    private static TenantScope scope(IsolationStrategy strategy) {
        return new TenantScope(ACME, strategy, new IsolationConfig(strategy, "tenant_{{tenant_id}}_", "none"), "app",
                "tenantdb_sandbox");
    }

    private static String render(IsolationStrategy strategy, String sql, Object... binds) {
        return TenantSqlRenderer.render(sql, List.of(binds), Map.of(), scope(strategy)).sql();
    }

    @Test
    void tablePlaceholdersFollowTheStrategy() {
        assertThat(render(IsolationStrategy.DATABASE_PER_TENANT, "SELECT * FROM {table:tracks}"))
                .isEqualTo("SELECT * FROM `tenant_acme`.`tracks`");
        assertThat(render(IsolationStrategy.SCHEMA_PER_TENANT, "SELECT * FROM {table:tracks}"))
                .isEqualTo("SELECT * FROM `app`.`tenant_acme_$tracks`");
        assertThat(render(IsolationStrategy.ROW_LEVEL_SECURITY, "SELECT * FROM {table:tracks} ORDER BY id"))
                .isEqualTo("SELECT * FROM (SELECT * FROM `app`.`tracks` WHERE `tenant_id` = 'acme') AS `tracks` ORDER BY id");
        assertThat(render(IsolationStrategy.ROW_LEVEL_SECURITY, "SELECT t.id FROM {table:tracks} AS t"))
                .isEqualTo("SELECT t.id FROM (SELECT * FROM `app`.`tracks` WHERE `tenant_id` = 'acme') AS t");
    }

    @Test
    void bindsBecomeLiteralsOnlyOutsideStringsAndComments() {
        assertThat(render(IsolationStrategy.DATABASE_PER_TENANT, "SELECT $1, '$1', `x1` -- $2\n", "it's", 2))
                .isEqualTo("SELECT 'it\\'s', '$1', `x1`");
        assertThat(TenantSqlRenderer.render("SELECT :a, :a", List.of(), Map.of("a", 5), scope(IsolationStrategy.DATABASE_PER_TENANT)).sql())
                .isEqualTo("SELECT 5, 5");
        assertThatThrownBy(() -> render(IsolationStrategy.DATABASE_PER_TENANT, "SELECT $2", 1))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("no value bound for $2").hasMessageContaining("acme");
        assertThatThrownBy(() -> TenantSqlRenderer.render("SELECT :b", List.of(), Map.of(), scope(IsolationStrategy.DATABASE_PER_TENANT)))
                .hasMessageContaining(":b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"' OR 1=1 --", "x'); DROP TABLE t; --", "\\'", "\\", "a\\' OR '1'='1", "{table:other}", "$1", "/*"})
    void injectionThroughBindsStaysOneLiteral(String attack) {
        String sql = render(IsolationStrategy.ROW_LEVEL_SECURITY, "SELECT name FROM {table:tracks} WHERE name = $1", attack);
        List<SqlLexer.Token> tokens = SqlLexer.tokenize(sql);
        long strings = tokens.stream().filter(t -> t.kind() == SqlLexer.Kind.STRING).count();
        assertThat(strings).as(sql).isEqualTo(2); // the tenant filter and the value
        assertThat(sql).endsWith("WHERE name = " + ClickHouseLiterals.quote(attack));
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void otherTenantsSystemAndSharedDatabasesAreRefused(IsolationStrategy strategy) {
        for (String sql : List.of("SELECT * FROM tenant_other.tracks", "SELECT * FROM `tenant_other`.tracks",
                "SELECT * FROM \"tenant_other\" . tracks", "SELECT * FROM TENANT_OTHER.tracks", "SELECT * FROM system.processes",
                "SELECT * FROM `system`.query_log", "SELECT * FROM app.tracks", "SELECT * FROM tenantdb_sandbox.x",
                "SELECT * FROM tenant_acme_x.tracks", "SELECT * FROM /* c */ tenant_other /* d */ . tracks",
                "INSERT INTO {table:t} (a) SELECT a FROM tenant_other.t",
                "SELECT * FROM {table:t} WHERE id IN (SELECT id FROM system.one)")) {
            assertThatThrownBy(() -> render(strategy, sql)).as(sql).isInstanceOf(IsolationViolationException.class)
                    .hasMessageContaining("acme");
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void functionsAndStatementsReachingElsewhereAreRefused(IsolationStrategy strategy) {
        for (String sql : List.of("SELECT * FROM remote('127.0.0.1', 'db', 't')", "SELECT * FROM merge('app', '.*')",
                "SELECT * FROM `merge`('app', '.*')", "SELECT * FROM url('http://x', CSV, 'a String')",
                "SELECT * FROM file('x', CSV, 'a String')", "SELECT dictGetString('d', 'a', toUInt64(1))",
                "SELECT joinGet('app.j', 'v', 1)", "SELECT * FROM cluster('c', 'app', 't')",
                "KILL QUERY WHERE 1", "SHOW DATABASES", "SHOW PROCESSLIST", "SYSTEM RELOAD DICTIONARIES",
                "DETACH TABLE {table:t}", "ATTACH TABLE {table:t}", "SHOW TABLES FROM app", "SELECT 1 INTO OUTFILE 'x'",
                "SELECT 1 FORMAT TSV", "SELECT * FROM {table:t} WHERE `a$b` = 1", "SELECT `a\\`` FROM {table:t}",
                "CREATE TABLE {table:t} (a UInt8) ENGINE = Merge(app, '.*')",
                "CREATE TABLE {table:t} (a UInt8) ENGINE = Distributed(c, app, t)",
                "DROP DATABASE tenant_other",
                "CREATE TABLE {table:t} (a UInt8) ENGINE = ReplicatedMergeTree('/clickhouse/tables/tenant_other_t', 'r1') ORDER BY a",
                "ALTER TABLE {table:t} FETCH PARTITION 201901 FROM '/clickhouse/tables/tenant_other_t'")) {
            assertThatThrownBy(() -> render(strategy, sql)).as(sql).isInstanceOf(IsolationViolationException.class);
        }
    }

    @Test
    void malformedStatementsAreDataAccessErrors() {
        for (String sql : List.of("SELECT 1; DROP TABLE x", "SELECT (1", "SELECT 1)", "SELECT 'x", "SELEC 1", "  ")) {
            assertThatThrownBy(() -> render(IsolationStrategy.DATABASE_PER_TENANT, sql)).as(sql)
                    .isInstanceOf(DataAccessException.class);
        }
        assertThat(render(IsolationStrategy.DATABASE_PER_TENANT, "SELECT 1;")).isEqualTo("SELECT 1");
    }

    @Test
    void databasePerTenantAllowsItsOwnDatabaseAndPlainNames() {
        assertThat(render(IsolationStrategy.DATABASE_PER_TENANT, "SELECT t.id FROM tenant_acme.tracks AS t"))
                .isEqualTo("SELECT t.id FROM tenant_acme.tracks AS t");
        assertThat(render(IsolationStrategy.DATABASE_PER_TENANT, "CREATE TABLE x (a UInt8) ENGINE = Memory"))
                .isEqualTo("CREATE TABLE x (a UInt8) ENGINE = Memory");
    }

    @ParameterizedTest
    @EnumSource(value = IsolationStrategy.class, names = {"SCHEMA_PER_TENANT", "ROW_LEVEL_SECURITY"})
    void sharedStrategiesNeedPlaceholdersAsStatementTargets(IsolationStrategy strategy) {
        for (String sql : List.of("INSERT INTO tracks (a) VALUES (1)", "ALTER TABLE tracks DELETE WHERE 1",
                "DROP TABLE tracks", "TRUNCATE TABLE tracks", "CREATE TABLE x (a UInt8) ENGINE = Memory",
                "CREATE VIEW v AS SELECT 1", "RENAME TABLE {table:a} TO b", "DESCRIBE TABLE tracks")) {
            assertThatThrownBy(() -> render(strategy, sql)).as(sql).isInstanceOf(IsolationViolationException.class);
        }
        assertThat(render(strategy, "SHOW TABLES")).isEqualTo("SHOW TABLES");
    }

    @Test
    void rowLevelInsertsAreStampedWithTheTenant() {
        TenantSqlRenderer.Rendered r = TenantSqlRenderer.render("INSERT INTO {table:tracks} (id, name) VALUES ($1, $2), (2, 'b')",
                List.of(1, "a"), Map.of(), scope(IsolationStrategy.ROW_LEVEL_SECURITY));
        assertThat(r.sql()).isEqualTo("INSERT INTO `app`.`tracks` (`tenant_id`, id, name) VALUES ('acme', 1, 'a'), ('acme', 2, 'b')");
        assertThat(r.insertedRows()).isEqualTo(2);
        for (String sql : List.of("INSERT INTO {table:tracks} (tenant_id, id) VALUES ('other', 1)",
                "INSERT INTO {table:tracks} (`tenant_id`, id) VALUES ('other', 1)",
                "INSERT INTO {table:tracks} VALUES ('other', 1)",
                "INSERT INTO {table:tracks} (id) SELECT 1",
                "INSERT INTO {table:tracks} (id) VALUES (1) , 7")) {
            assertThatThrownBy(() -> render(IsolationStrategy.ROW_LEVEL_SECURITY, sql)).as(sql)
                    .isInstanceOf(IsolationViolationException.class);
        }
    }

    @Test
    void rowLevelMutationsAreScopedToTheTenant() {
        assertThat(render(IsolationStrategy.ROW_LEVEL_SECURITY, "ALTER TABLE {table:tracks} DELETE WHERE id = $1 OR 1 = 1", 5))
                .isEqualTo("ALTER TABLE `app`.`tracks` DELETE WHERE `tenant_id` = 'acme' AND ( id = 5 OR 1 = 1)");
        assertThat(render(IsolationStrategy.ROW_LEVEL_SECURITY, "ALTER TABLE {table:tracks} UPDATE name = 'x' WHERE (1)"))
                .isEqualTo("ALTER TABLE `app`.`tracks` UPDATE name = 'x' WHERE `tenant_id` = 'acme' AND ( (1))");
        assertThatThrownBy(() -> render(IsolationStrategy.ROW_LEVEL_SECURITY, "ALTER TABLE {table:tracks} UPDATE tenant_id = 'b' WHERE 1"))
                .isInstanceOf(IsolationViolationException.class);
        assertThatThrownBy(() -> render(IsolationStrategy.ROW_LEVEL_SECURITY, "ALTER TABLE {table:tracks} DROP COLUMN name"))
                .isInstanceOf(IsolationViolationException.class);
        assertThatThrownBy(() -> render(IsolationStrategy.ROW_LEVEL_SECURITY, "ALTER TABLE {table:tracks} DELETE WHERE 1) OR (1"))
                .isInstanceOf(DataAccessException.class);
        // a comment cannot swallow the closing parenthesis: comments are dropped before wrapping
        assertThat(render(IsolationStrategy.ROW_LEVEL_SECURITY, "ALTER TABLE {table:tracks} DELETE WHERE 1 -- )"))
                .isEqualTo("ALTER TABLE `app`.`tracks` DELETE WHERE `tenant_id` = 'acme' AND ( 1)");
        for (String ddl : List.of("CREATE TABLE {table:t} (a UInt8) ENGINE = Memory", "DROP TABLE {table:t}", "TRUNCATE TABLE {table:t}")) {
            assertThatThrownBy(() -> render(IsolationStrategy.ROW_LEVEL_SECURITY, ddl)).isInstanceOf(IsolationViolationException.class);
        }
    }

    @Test
    void definitionsAreGuardedAndGetTheTenantColumnUnderRowLevelSecurity() {
        assertThat(TenantSqlRenderer.checkDefinition("(id UInt64) ENGINE = MergeTree ORDER BY (tenant_id, id)",
                scope(IsolationStrategy.ROW_LEVEL_SECURITY)))
                .isEqualTo("(`tenant_id` String, id UInt64) ENGINE = MergeTree ORDER BY (tenant_id, id)");
        assertThat(TenantSqlRenderer.checkDefinition("(id UInt64) ENGINE = Memory", scope(IsolationStrategy.SCHEMA_PER_TENANT)))
                .isEqualTo("(id UInt64) ENGINE = Memory");
        assertThatThrownBy(() -> TenantSqlRenderer.checkDefinition("(tenant_id String) ENGINE = Memory",
                scope(IsolationStrategy.ROW_LEVEL_SECURITY))).isInstanceOf(IsolationViolationException.class);
        assertThatThrownBy(() -> TenantSqlRenderer.checkDefinition("(a UInt8) ENGINE = Memory AS SELECT * FROM tenant_b.t",
                scope(IsolationStrategy.DATABASE_PER_TENANT))).isInstanceOf(IsolationViolationException.class);
        assertThatThrownBy(() -> TenantSqlRenderer.checkDefinition("(a UInt8) ENGINE = Memory; DROP TABLE x",
                scope(IsolationStrategy.DATABASE_PER_TENANT))).isInstanceOf(DataAccessException.class);
    }
}
