package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.exception.ConfigException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Engine-specific sections read through {@link ConfigNode}. */
class ConfigNodeTest {

    @TempDir
    Path tmp;
    DatabaseConfig redis;

    @BeforeEach
    void load() {
        ConfigDir dir = new ConfigDir(tmp).write("redis.yml", "connection:\n"
                + "  hosts: [\"r1:6379\", \"r2\"]\n"
                + "  options: {client_name: tenantdb, retries: 3, keep_alive: true}\n"
                + "redis:\n"
                + "  topology: sentinel\n"
                + "  sentinel_master: mymaster\n"
                + "  hash_tag: true\n"
                + "  command_timeout: 250ms\n"
                + "  database: 2\n");
        redis = dir.loader(Map.of()).loadDatabaseConfig(DatabaseType.REDIS, null, "production");
    }

    @Test
    void typedGetters() {
        ConfigNode section = redis.section("redis");
        assertThat(section.path()).isEqualTo("redis");
        assertThat(section.keys()).containsExactly("topology", "sentinel_master", "hash_tag", "command_timeout", "database");
        assertThat(section.string("topology", "standalone")).isEqualTo("sentinel");
        assertThat(section.bool("hash_tag", false)).isTrue();
        assertThat(section.bool("acl_per_tenant", false)).isFalse();
        assertThat(section.duration("command_timeout", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
        assertThat(section.integer("database", 0)).isEqualTo(2);
        assertThat(section.secret("sentinel_password")).isEqualTo(Secret.NONE);
        assertThat(redis.root().strings("missing")).isEmpty();
        assertThat(redis.section("connection").node("options").string("retries", "")).isEqualTo("3");
        assertThat(redis.connection().options()).as("driver options keep their text, booleans too")
                .isEqualTo(Map.of("client_name", "tenantdb", "retries", "3", "keep_alive", "true"));
        assertThat(redis.connection().hosts()).containsExactly(NodeAddress.of("r1", 6379), NodeAddress.of("r2", 6379));
    }

    @Test
    void absentSectionsAreEmpty() {
        ConfigNode absent = redis.section("monitoring").node("thresholds");
        assertThat(absent.path()).isEqualTo("monitoring.thresholds");
        assertThat(absent.keys()).isEmpty();
        assertThat(absent.has("cpu_percent")).isFalse();
        assertThat(absent.number("cpu_percent", 80)).isEqualTo(80);
        assertThat(absent.nodes("x")).isEmpty();
        assertThat(absent.addresses("x")).isEmpty();
    }

    @Test
    void aGetterOfTheWrongTypeNamesTheKeyAndPosition() {
        String at = tmp.resolve("redis.yml").toString();
        ConfigNode section = redis.section("redis");
        assertThatThrownBy(() -> section.integer("topology", 0)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(at + ":5:13").hasMessageContaining("redis.topology");
        assertThatThrownBy(() -> section.duration("hash_tag", Duration.ZERO)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(at + ":7:13");
        assertThatThrownBy(() -> section.bool("database", false)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(at + ":9:13");
        assertThatThrownBy(() -> section.node("topology")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected a section");
        assertThatThrownBy(() -> section.strings("topology")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected a list");
        assertThatThrownBy(() -> redis.section("connection").nodes("hosts")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(at + ":2:11").hasMessageContaining("connection.hosts[0]");
    }

    @Test
    void toStringShowsKeysNotValues() {
        assertThat(redis.section("redis").toString()).contains("topology").doesNotContain("mymaster");
    }

    @Test
    void emptyNodeReturnsDefaults() {
        ConfigNode empty = ConfigNodes.empty();
        assertThat(empty.string("a", "d")).isEqualTo("d");
        assertThat(empty.integer("a", 7)).isEqualTo(7);
        assertThat(empty.number("a", 0.5)).isEqualTo(0.5);
        assertThat(empty.node("a").has("b")).isFalse();
        assertThat(empty.addresses("a")).isEmpty();
        assertThat(empty.secret("a").isNone()).isTrue();
    }
}
