package io.tenantdb.redis.internal;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.redis.RedisTestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisSettingsTest {

    private static RedisSettings settings(Map<String, ?> redis) {
        return RedisSettings.from(RedisTestConfigs.config("127.0.0.1", 6379, IsolationStrategy.SCHEMA_PER_TENANT, redis));
    }

    @Test
    void defaultsAreStandaloneWithHashTagAndAFiveSecondTimeout() {
        RedisSettings s = settings(Map.of());
        assertThat(s.topology()).isEqualTo(RedisSettings.Topology.STANDALONE);
        assertThat(s.hashTag()).isTrue();
        assertThat(s.aclPerTenant()).isTrue();
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.database()).isZero();
    }

    @Test
    void readsTheRedisSection() {
        RedisSettings s = settings(Map.of("topology", "sentinel", "sentinel_master", "mymaster", "hash_tag", "false",
                "command_timeout", Duration.ofMillis(750), "database", "3"));
        assertThat(s.topology()).isEqualTo(RedisSettings.Topology.SENTINEL);
        assertThat(s.sentinelMaster()).isEqualTo("mymaster");
        assertThat(s.hashTag()).isFalse();
        assertThat(s.commandTimeout()).isEqualTo(Duration.ofMillis(750));
        assertThat(s.database()).isEqualTo(3);
    }

    @Test
    void refusesWhatCannotWork() {
        assertThatThrownBy(() -> settings(Map.of("topology", "ring"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("standalone, sentinel or cluster");
        assertThatThrownBy(() -> settings(Map.of("topology", "sentinel"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sentinel_master");
        assertThatThrownBy(() -> settings(Map.of("topology", "cluster", "database", "2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("database 0");
        assertThatThrownBy(() -> settings(Map.of("command_timeout", Duration.ZERO)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("command_timeout");
    }

    @Test
    void toStringMasksTheAclSecret() {
        assertThat(settings(Map.of("acl_secret", "hunter2")).toString()).doesNotContain("hunter2");
    }
}
