package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.exception.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.tenantdb.core.DatabaseType.POSTGRESQL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A secret's value is never in a toString, a message or a stack trace. */
class SecretMaskingTest {

    private static final String VALUE = "s3cr3t-Value-42";

    @TempDir
    Path tmp;
    ConfigDir dir;

    @BeforeEach
    void base() {
        dir = new ConfigDir(tmp);
    }

    @Test
    void environmentReferenceIsResolvedOnlyOnRevealAndNeverPrinted() {
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  password: ${env:PG_PASSWORD}\n");
        DatabaseConfig config = dir.loader(Map.of("PG_PASSWORD", VALUE)).loadDatabaseConfig(POSTGRESQL, null, "production");

        assertThat(config.connection().password().reveal()).isEqualTo(VALUE);
        assertThat(config.toString()).doesNotContain(VALUE).contains("${env:PG_PASSWORD}").contains("****");
        assertThat(config.connection().toString()).doesNotContain(VALUE);
        assertThat(config.root().toString()).doesNotContain(VALUE);
        assertThat(config.section("connection").toString()).doesNotContain(VALUE);
        assertThat(config.connection().password().toString()).doesNotContain(VALUE);
    }

    @Test
    void unsetReferenceLoadsAndFailsOnlyOnRevealWithoutAValue() {
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  password: ${env:PG_PASSWORD}\n");
        DatabaseConfig config = dir.loader(Map.of()).loadDatabaseConfig(POSTGRESQL, null, "production");

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> config.connection().password().reveal());
        assertThat(e).hasMessageContaining("${env:PG_PASSWORD} is not set");
    }

    @Test
    void fileReferenceIsReadOnReveal() throws Exception {
        Path secretFile = Files.writeString(tmp.resolve("pg-secret"), VALUE + "\n");
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  password: ${file:" + secretFile + "}\n");
        DatabaseConfig config = dir.loader().loadDatabaseConfig(POSTGRESQL, null, "production");

        assertThat(config.connection().password().reveal()).isEqualTo(VALUE);
        assertThat(config.toString()).doesNotContain(VALUE);
    }

    @Test
    void plainTextPasswordInAFileIsRefusedWithoutShowingIt() {
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  password: " + VALUE + "\n");
        assertMasked(refusal(Map.of()), dir.at("postgresql.yml", 5, 13), "plain text is refused");

        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  password: \"${env:\"\n");
        assertThat(refusal(Map.of())).hasMessageContaining(dir.at("postgresql.yml", 5, 13));
    }

    @Test
    void plainTextApiKeyIsRefusedWithoutShowingIt() {
        dir.write("elasticsearch.yml", "connection: {hosts: [es]}\nelasticsearch:\n  api_key: " + VALUE + "\n");
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> dir.loader().loadDatabaseConfig(DatabaseType.ELASTICSEARCH, null, "production"));
        assertMasked(e, dir.at("elasticsearch.yml", 3, 12), "elasticsearch.api_key");
    }

    @Test
    void plainTextPasswordInAVariableIsRefusedWithoutShowingIt() {
        dir.write("postgresql.yml", ConfigDir.PG_BASE);
        assertMasked(refusal(Map.of("TENANTDB_POSTGRESQL_CONNECTION_PASSWORD", VALUE)),
                "environment variable TENANTDB_POSTGRESQL_CONNECTION_PASSWORD", "plain text is refused");
        assertMasked(refusal(Map.of("TENANTDB_POSTGRESQL_CONNECTION_PASSWD", VALUE)),
                "TENANTDB_POSTGRESQL_CONNECTION_PASSWD", "names no known configuration key");
    }

    @Test
    void aReferenceFromAVariableIsAccepted() {
        dir.write("postgresql.yml", ConfigDir.PG_BASE);
        DatabaseConfig config = dir.loader(Map.of("TENANTDB_POSTGRESQL_CONNECTION_PASSWORD", "${env:OTHER}", "OTHER", VALUE))
                .loadDatabaseConfig(POSTGRESQL, null, "production");
        assertThat(config.connection().password().reveal()).isEqualTo(VALUE);
        assertThat(config.toString()).doesNotContain(VALUE);
    }

    @Test
    void secretsCannotHideInDriverOptions() {
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  options:\n    sslmode: require\n    sslPassword: " + VALUE + "\n");
        assertMasked(refusal(Map.of()), dir.at("postgresql.yml", 7, 5), "options must not hold secrets");
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  options: {auth_token: " + VALUE + "}\n");
        assertMasked(refusal(Map.of()), dir.at("postgresql.yml", 5, 13), "connection.options.auth_token");
    }

    @Test
    void misspelledSecretKeyDoesNotEchoTheValue() {
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  passwd: " + VALUE + "\n");
        assertMasked(refusal(Map.of()), dir.at("postgresql.yml", 5, 3), "unknown key 'passwd'");
    }

    @Test
    void syntaxErrorOnASecretLineDoesNotQuoteTheLine() {
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  password: \"" + VALUE + "\n  user: x\n");
        assertMasked(refusal(Map.of()), tmp.resolve("postgresql.yml") + ":", "invalid YAML");
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "  password: [" + VALUE + "\n");
        assertMasked(refusal(Map.of()), tmp.resolve("postgresql.yml") + ":", "invalid YAML");
    }

    private ConfigException refusal(Map<String, String> env) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> dir.loader(env).loadDatabaseConfig(POSTGRESQL, null, "production"));
        assertThat(e).as("refused").isNotNull();
        return e;
    }

    private static void assertMasked(ConfigException e, String where, String what) {
        assertThat(e).hasMessageContaining(where).hasMessageContaining(what);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).as("message, causes and stack trace").doesNotContain(VALUE);
    }
}
