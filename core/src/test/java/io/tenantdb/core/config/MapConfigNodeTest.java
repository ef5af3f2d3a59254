package io.tenantdb.core.config;

import io.tenantdb.core.exception.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MapConfigNodeTest {

    private final ConfigNode root = ConfigNodes.fromMap(Map.of("redis", Map.of(
            "topology", "cluster", "command_timeout", "500ms", "refresh", Duration.ofSeconds(3), "port", 7000,
            "hash_tag", true, "nodes", List.of(Map.of("host", "a")), "names", List.of("x", "y"),
            "acl_secret", "hunter2")));

    @Test
    void typedGettersReadNestedMaps() {
        ConfigNode redis = root.node("redis");
        assertThat(redis.path()).isEqualTo("redis");
        assertThat(redis.string("topology")).contains("cluster");
        assertThat(redis.duration("command_timeout", null)).isEqualTo(Duration.ofMillis(500));
        assertThat(redis.duration("refresh", null)).isEqualTo(Duration.ofSeconds(3));
        assertThat(redis.integer("port", 0)).isEqualTo(7000);
        assertThat(redis.bool("hash_tag", false)).isTrue();
        assertThat(redis.strings("names")).containsExactly("x", "y");
        assertThat(redis.nodes("nodes")).hasSize(1).first().satisfies(n -> assertThat(n.string("host")).contains("a"));
        assertThat(redis.node("absent").keys()).isEmpty();
        assertThat(redis.integer("absent", 42)).isEqualTo(42);
    }

    @Test
    void wrongTypesNameThePathAndSecretsStayMasked() {
        ConfigNode redis = root.node("redis");
        assertThatThrownBy(() -> redis.integer("topology", 0)).isInstanceOf(ConfigException.class).hasMessageContaining("redis.topology");
        assertThatThrownBy(() -> redis.string("nodes")).isInstanceOf(ConfigException.class).hasMessageContaining("redis.nodes");
        assertThatThrownBy(() -> redis.duration("topology", null)).isInstanceOf(ConfigException.class);
        assertThat(redis.secret("acl_secret").reveal()).isEqualTo("hunter2");
        assertThat(redis.secret("acl_secret").toString()).doesNotContain("hunter2");
        assertThat(root.toString()).doesNotContain("hunter2");
    }
}
