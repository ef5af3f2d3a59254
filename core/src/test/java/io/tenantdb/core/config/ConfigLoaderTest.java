package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.tenantdb.core.DatabaseType.POSTGRESQL;
import static org.assertj.core.api.Assertions.assertThat;

/** Layering: base &lt; environment override &lt; tenant file &lt; environment variables. */
class ConfigLoaderTest {

    @TempDir
    Path tmp;
    ConfigDir dir;

    @BeforeEach
    void layers() {
        dir = new ConfigDir(tmp)
                .write("postgresql.yml", "connection:\n"
                        + "  hosts: [\"base1:5432\", \"base2:5433\"]\n"
                        + "  database: app\n"
                        + "  user: app\n"
                        + "  options: {a: \"1\", b: \"2\"}\n"
                        + "pool:\n"
                        + "  initial_size: 1\n"
                        + "  max_size: 10\n"
                        + "  validation_query: SELECT 1\n"
                        + "resilience:\n"
                        + "  circuit_breaker:\n"
                        + "    failure_rate_threshold: 50\n"
                        + "    sliding_window_size: 100\n"
                        + "postgresql:\n"
                        + "  application_name: base\n"
                        + "  statement_timeout: 30s\n");
        for (String env : List.of("development", "staging", "testing")) {
            dir.write("overrides/" + env + "_postgresql.yml", "connection:\n"
                    + "  hosts: [\"" + env + ":6432\"]\n"
                    + "  options: {b: \"" + env + "\"}\n"
                    + "pool:\n"
                    + "  max_size: 20\n"
                    + "postgresql:\n"
                    + "  application_name: " + env + "\n");
        }
        dir.write("tenants/acme/postgresql.yml", "tenant_isolation:\n"
                + "  strategy: database_per_tenant\n"
                + "pool:\n"
                + "  max_size: 30\n"
                + "  validation_query: ~\n"
                + "resilience:\n"
                + "  circuit_breaker:\n"
                + "    sliding_window_size: 10\n");
    }

    @Test
    void productionIsTheBaseFileAlone() {
        DatabaseConfig c = dir.loader().loadDatabaseConfig(POSTGRESQL, null, "production");

        assertThat(c.connection().hosts()).containsExactly(NodeAddress.of("base1", 5432), NodeAddress.of("base2", 5433));
        assertThat(c.pool().maxSize()).isEqualTo(10);
        assertThat(c.pool().initialSize()).isEqualTo(1);
        assertThat(c.pool().validationQuery()).isEqualTo("SELECT 1");
        assertThat(c.connection().options()).isEqualTo(Map.of("a", "1", "b", "2"));
        assertThat(c.section("postgresql").string("application_name", "")).isEqualTo("base");
        assertThat(c.isolation()).isEqualTo(IsolationConfig.DEFAULT);
        assertThat(c.tenant()).isEmpty();
        assertThat(c.sources()).containsExactly(tmp.resolve("postgresql.yml").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"development", "staging", "testing"})
    void environmentOverrideMergesMapsDeeplyAndReplacesLists(String env) {
        DatabaseConfig c = dir.loader().loadDatabaseConfig(POSTGRESQL, null, env);

        assertThat(c.environment()).isEqualTo(env);
        assertThat(c.pool().maxSize()).isEqualTo(20);
        assertThat(c.pool().initialSize()).as("kept from the base: maps merge").isEqualTo(1);
        assertThat(c.connection().hosts()).as("lists replace").containsExactly(NodeAddress.of(env, 6432));
        assertThat(c.connection().options()).isEqualTo(Map.of("a", "1", "b", env));
        assertThat(c.connection().database()).isEqualTo("app");
        assertThat(c.section("postgresql").string("application_name", "")).isEqualTo(env);
        assertThat(c.section("postgresql").duration("statement_timeout", null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.sources()).containsExactly(tmp.resolve("postgresql.yml").toString(),
                tmp.resolve("overrides/" + env + "_postgresql.yml").toString());
    }

    @Test
    void onlyTheChosenEnvironmentsOverrideApplies() {
        DatabaseConfig c = dir.loader().loadDatabaseConfig(POSTGRESQL, null, "staging");
        assertThat(c.section("postgresql").string("application_name", "")).isEqualTo("staging");
        assertThat(c.connection().options()).containsEntry("b", "staging");
    }

    @Test
    void tenantFileOverridesTheEnvironment() {
        DatabaseConfig c = dir.loader().loadDatabaseConfig(POSTGRESQL, "acme", "staging");

        assertThat(c.tenant()).contains(TenantId.of("acme"));
        assertThat(c.pool().maxSize()).isEqualTo(30);
        assertThat(c.pool().validationQuery()).as("~ unsets a key").isNull();
        assertThat(c.isolation().strategy()).isEqualTo(IsolationStrategy.DATABASE_PER_TENANT);
        assertThat(c.connection().hosts()).containsExactly(NodeAddress.of("staging", 6432));
        ConfigNode breaker = c.section("resilience").node("circuit_breaker");
        assertThat(breaker.integer("sliding_window_size", 0)).isEqualTo(10);
        assertThat(breaker.number("failure_rate_threshold", 0)).as("deep merge keeps the sibling").isEqualTo(50.0);
        assertThat(c.sources()).hasSize(3).last().isEqualTo(tmp.resolve("tenants/acme/postgresql.yml").toString());
    }

    @Test
    void aTenantWithoutAFileGetsTheBase() {
        DatabaseConfig c = dir.loader().loadDatabaseConfig(POSTGRESQL, "other", "production");
        assertThat(c.tenant()).contains(TenantId.of("other"));
        assertThat(c.pool().maxSize()).isEqualTo(10);
    }

    @Test
    void environmentVariablesOverrideEverything() {
        DatabaseConfig c = dir.loader(Map.of(
                        "TENANTDB_POSTGRESQL_POOL_MAX_SIZE", "40",
                        "TENANTDB_POSTGRESQL_CONNECTION_HOSTS", "env1:7000, [::1]:7001,env3",
                        "TENANTDB_POSTGRESQL_RESILIENCE_CIRCUIT_BREAKER_FAILURE_RATE_THRESHOLD", "25.5",
                        "TENANTDB_POSTGRESQL_TENANT_ISOLATION_STRATEGY", "row_level_security",
                        "TENANTDB_POSTGRESQL_POSTGRESQL_STATEMENT_TIMEOUT", "2m"))
                .loadDatabaseConfig(POSTGRESQL, "acme", "staging");

        assertThat(c.pool().maxSize()).isEqualTo(40);
        assertThat(c.connection().hosts()).containsExactly(NodeAddress.of("env1", 7000), NodeAddress.of("::1", 7001),
                NodeAddress.of("env3", 5432));
        ConfigNode breaker = c.section("resilience").node("circuit_breaker");
        assertThat(breaker.number("failure_rate_threshold", 0)).isEqualTo(25.5);
        assertThat(breaker.integer("sliding_window_size", 0)).as("tenant value kept").isEqualTo(10);
        assertThat(c.isolation().strategy()).isEqualTo(IsolationStrategy.ROW_LEVEL_SECURITY);
        assertThat(c.section("postgresql").duration("statement_timeout", null)).isEqualTo(Duration.ofMinutes(2));
        assertThat(c.sources()).last().asString().contains("TENANTDB_POSTGRESQL_POOL_MAX_SIZE");
    }

    @Test
    void environmentVariablesAreScopedToTheirEngine() {
        dir.write("redis.yml", "connection:\n  hosts: [\"cache\"]\n");
        Map<String, String> env = Map.of("TENANTDB_REDIS_POOL_MAX_SIZE", "3", "TENANTDB_REDIS_REDIS_TOPOLOGY", "cluster");

        assertThat(dir.loader(env).loadDatabaseConfig(POSTGRESQL, null, "production").pool().maxSize()).isEqualTo(10);
        DatabaseConfig redis = dir.loader(env).loadDatabaseConfig(DatabaseType.REDIS, null, "production");
        assertThat(redis.pool().maxSize()).isEqualTo(3);
        assertThat(redis.section("redis").string("topology", "")).isEqualTo("cluster");
        assertThat(redis.connection().primary()).as("default port of the engine").isEqualTo(NodeAddress.of("cache", 6379));
    }

    @Test
    void emptyVariablesAndToolVariablesAreIgnored() {
        DatabaseConfig c = dir.loader(Map.of("TENANTDB_POSTGRESQL_POOL_MAX_SIZE", "",
                        "TENANTDB_STATE", "/var/tmp/tenantdb", "TENANTDB_TEST_MONGODB_URI", "mongodb://x"))
                .loadDatabaseConfig(POSTGRESQL, null, "production");
        assertThat(c.pool().maxSize()).isEqualTo(10);
    }

    @Test
    void loadsByEngineName() {
        assertThat(dir.loader().loadDatabaseConfig("postgresql", null, "production").type()).isEqualTo(POSTGRESQL);
    }

    @Test
    void typedSectionsAndDefaults() {
        dir.write("postgresql.yml", "connection:\n"
                + "  hosts:\n"
                + "    - host: primary.db\n"
                + "      region: eu\n"
                + "      zone: eu-1a\n"
                + "      weight: 3\n"
                + "    - \"[2001:db8::1]:6000\"\n"
                + "  password: ${env:PG_PASSWORD}\n"
                + "  tls: {enabled: true, verify: false, ca_file: /ca.pem, cert_file: /c.pem, key_file: /k.pem}\n"
                + "  connect_timeout: 1500ms\n"
                + "load_balancing:\n"
                + "  strategy: weighted_round_robin\n"
                + "  health_check_interval: 5s\n"
                + "  failover_timeout: PT1M\n"
                + "replicas: [\"r1:5432\", {host: r2, port: 5434, zone: b}]\n"
                + "shards:\n"
                + "  - name: shard_a\n"
                + "    hosts: [\"a1\"]\n"
                + "    database: a\n"
                + "  - name: shard_b\n"
                + "    hosts: [\"b1:5440\"]\n"
                + "monitoring:\n"
                + "  thresholds: {cpu_percent: 75.5, cache_hit_ratio: 0.9}\n"
                + "  slow_query_threshold: 2\n"
                + "security: {audit: {enabled: yes}}\n");
        DatabaseConfig c = dir.loader(Map.of("PG_PASSWORD", "pw")).loadDatabaseConfig(POSTGRESQL, null, "production");

        assertThat(c.connection().hosts()).containsExactly(new NodeAddress("primary.db", 5432, "eu", "eu-1a", 3),
                NodeAddress.of("2001:db8::1", 6000));
        assertThat(c.connection().password().reveal()).isEqualTo("pw");
        assertThat(c.connection().tls()).isEqualTo(new TlsConfig(true, false, "/ca.pem", "/c.pem", "/k.pem"));
        assertThat(c.connection().connectTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.connection().database()).isNull();
        assertThat(c.pool()).isEqualTo(PoolConfig.DEFAULT);
        assertThat(c.loadBalancing()).isEqualTo(new LoadBalancingConfig(LoadBalancingConfig.Strategy.WEIGHTED_ROUND_ROBIN,
                Duration.ofSeconds(5), Duration.ofMinutes(1)));
        assertThat(c.replicas()).containsExactly(NodeAddress.of("r1", 5432), new NodeAddress("r2", 5434, null, "b", 1));
        List<ConfigNode> shards = c.root().nodes("shards");
        assertThat(shards).hasSize(2);
        assertThat(shards.get(0).string("name", "")).isEqualTo("shard_a");
        assertThat(shards.get(0).addresses("hosts")).containsExactly(NodeAddress.of("a1", 5432));
        assertThat(shards.get(1).path()).isEqualTo("shards[1]");
        ConfigNode thresholds = c.section("monitoring").node("thresholds");
        assertThat(thresholds.number("cpu_percent", 0)).isEqualTo(75.5);
        assertThat(thresholds.number("memory_percent", 85)).isEqualTo(85);
        assertThat(c.section("monitoring").duration("slow_query_threshold", null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.section("security").node("audit").bool("enabled", false)).isTrue();
        assertThat(c.section("backup").keys()).isEmpty();
        assertThat(c.section("backup").path()).isEqualTo("backup");
    }

    @Test
    void modulesCanAddSections() {
        dir.write("postgresql.yml", ConfigDir.PG_BASE + "quotas:\n  max_operations_per_second: 50\n");
        ConfigSchema schema = ConfigSchema.standard().withSection("quotas", ConfigSchema.section()
                .key("max_operations_per_second", ConfigSchema.integer(1, 1000)).build());

        DatabaseConfig c = dir.loader(Map.of("TENANTDB_POSTGRESQL_QUOTAS_MAX_OPERATIONS_PER_SECOND", "60"))
                .withSchema(schema).loadDatabaseConfig(POSTGRESQL, null, "production");
        assertThat(c.section("quotas").integer("max_operations_per_second", 0)).isEqualTo(60);
        assertThat(schema.sections(POSTGRESQL)).contains("quotas", "connection", "postgresql");
        assertThat(ConfigSchema.standard().sections(POSTGRESQL)).doesNotContain("quotas");
        assertThat(ConfigSchema.standard().sections(DatabaseType.REDIS)).contains("redis").doesNotContain("postgresql");
        assertThat(ConfigSchema.standard().sections(DatabaseType.TIMESCALEDB)).contains("postgresql", "timescaledb");
    }
}
