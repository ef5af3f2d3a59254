package io.tenantdb.observability;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.ConfigLoader;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.exception.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MonitoringConfigTest {

    @Test
    void defaultsCarryTheFiveStandardRules() {
        MonitoringConfig c = MonitoringConfig.fromYaml("");
        assertThat(c.rules()).extracting(AlertRule::name)
                .containsExactly("high_cpu", "high_memory", "high_latency_p99", "low_cache_hit_ratio", "connection_failures");
        AlertRule hit = c.rules().get(3);
        assertThat(hit.above()).isFalse();
        assertThat(hit.threshold()).isEqualTo(80);
        assertThat(c.rules().get(0).predict()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.anomaly().enabled()).isTrue();
    }

    @Test
    void readsRulesAndSettingsFromTheMonitoringSection() {
        MonitoringConfig c = MonitoringConfig.fromYaml("""
                monitoring:
                  evaluation_interval: 5s
                  health: {interval: 2s, timeout: 500ms}
                  alerts:
                    - name: disk
                      metric: disk_percent
                      above: 85.5
                      for: 3m
                      severity: critical
                      predict: 30m
                      window: 1h
                    - {name: hits, metric: cache_hit_ratio_percent, below: 70}
                  anomaly: {z_threshold: 5, warmup: 20, severity: info}
                """);
        assertThat(c.evaluationInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.healthTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.rules()).containsExactly(
                new AlertRule("disk", "disk_percent", true, 85.5, Duration.ofMinutes(3), Severity.CRITICAL,
                        Duration.ofMinutes(30), Duration.ofHours(1)),
                new AlertRule("hits", "cache_hit_ratio_percent", false, 70, Duration.ZERO, Severity.WARNING,
                        Duration.ZERO, AlertRule.DEFAULT_WINDOW));
        assertThat(c.anomaly().zThreshold()).isEqualTo(5);
        assertThat(c.anomaly().warmup()).isEqualTo(20);
        assertThat(c.anomaly().severity()).isEqualTo(Severity.INFO);
    }

    @Test
    void theProjectsSampleConfigurationFeedsTheRules() {
        DatabaseConfig redis = ConfigLoader.of(Path.of("..", "config"), Map.of()).loadDatabaseConfig(DatabaseType.REDIS, null, "development");
        MonitoringConfig c = MonitoringConfig.from(redis.section("monitoring"));

        assertThat(rule(c, "high_cpu").threshold()).isEqualTo(80);
        assertThat(rule(c, "high_memory").threshold()).isEqualTo(85);
        assertThat(rule(c, "high_latency_p99").threshold()).isEqualTo(500);
        assertThat(rule(c, "low_cache_hit_ratio").threshold()).isEqualTo(95);
        assertThat(rule(c, "connection_failures").threshold()).isEqualTo(5);
        assertThat(c.slowQueryThreshold()).as("development override").isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void theConfigLoaderAcceptsTheFullMonitoringSection(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("redis.yml"), """
                connection:
                  hosts: ["127.0.0.1:6379"]
                monitoring:
                  thresholds: {cpu_percent: 70}
                  top_tenants: 50
                  evaluation_interval: 15s
                  health: {interval: 3s}
                  alerts:
                    - {name: cpu, metric: cpu_percent, above: 99, for: 1m, severity: critical, predict: 10m}
                  anomaly: {z_threshold: 6}
                """);
        DatabaseConfig redis = ConfigLoader.of(dir, Map.of()).loadDatabaseConfig(DatabaseType.REDIS, null, "production");
        MonitoringConfig c = MonitoringConfig.from(redis.section("monitoring"));

        assertThat(c.rules()).singleElement().satisfies(r -> {
            assertThat(r.threshold()).as("thresholds apply to listed rules too").isEqualTo(70);
            assertThat(r.predict()).isEqualTo(Duration.ofMinutes(10));
        });
        assertThat(c.topTenants()).isEqualTo(50);
        assertThat(c.evaluationInterval()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.healthInterval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(c.anomaly().zThreshold()).isEqualTo(6);
    }

    private static AlertRule rule(MonitoringConfig c, String name) {
        return c.rules().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void wrongRulesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> MonitoringConfig.fromYaml("monitoring: {alerts: [{name: x, metric: m, above: 1, below: 2}]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("exactly one of 'above' or 'below'");
        assertThatThrownBy(() -> MonitoringConfig.fromYaml("monitoring: {alerts: [{name: x, metric: m, above: lots}]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("monitoring.alerts[0].above");
        assertThatThrownBy(() -> MonitoringConfig.fromYaml("monitoring: {alerts: [{name: x, metric: m, above: 1, severity: loud}]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("info, warning, critical");
        assertThatThrownBy(() -> MonitoringConfig.fromYaml("monitoring: {alerts: [{name: x, metric: m, above: 1}, {name: x, metric: n, above: 2}]}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("used twice");
        assertThatThrownBy(() -> MonitoringConfig.fromYaml("monitoring: {evaluation_interval: soon}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("monitoring.evaluation_interval");
    }
}
