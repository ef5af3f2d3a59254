package io.tenantdb.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.spi.OperationRunner;
import io.tenantdb.core.spi.PoolMetricsSource;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.tenantdb.core.spi.Health.Status.UP;
import static org.assertj.core.api.Assertions.assertThat;

/** The dashboard queries only metrics the code emits. */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Path.of("..", "docs", "grafana", "tenantdb.json");
    private static final Pattern METRIC = Pattern.compile("\\btenantdb_[a-z0-9_]+");

    @Test
    void everyMetricTheDashboardQueriesIsEmitted() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Set<String> referenced = new TreeSet<>();
        collect(dashboard, referenced);
        assertThat(referenced).as("the dashboard queries tenantdb metrics").hasSizeGreaterThan(15);

        Set<String> emitted = emitted();

        assertThat(emitted).containsAll(referenced);
    }

    @Test
    void panelsCoverEnginesTenantsPoolsBreakersAlertsAndCache() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        String titles = dashboard.get("panels").findValuesAsText("title").toString().toLowerCase();
        assertThat(titles).contains("engine", "tenant", "pool", "circuit", "alert", "cache");
    }

    private static void collect(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if ((e.getKey().equals("expr") || e.getKey().equals("definition")) && e.getValue().isTextual()) {
                    Matcher m = METRIC.matcher(e.getValue().asText());
                    while (m.find()) {
                        into.add(m.group());
                    }
                } else {
                    collect(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, into));
        }
    }

    /** Exercises every part of the module on one registry and returns the series names it exposes. */
    private static Set<String> emitted() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MetricsOperator metrics = MetricsOperator.builder(registry).slowThreshold(Duration.ZERO).build();
        OperationRunner runner = OperationRunner.of(List.of(metrics));
        runner.flux(DatabaseType.POSTGRESQL, OperationKind.READ, "q", t -> Flux.just(1, 2)).contextWrite(TenantContext.of("acme")).blockLast();
        runner.mono(DatabaseType.POSTGRESQL, OperationKind.READ, "q",
                        t -> Mono.error(new OperationTimeoutException("timeout", t, DatabaseType.POSTGRESQL, null)))
                .onErrorResume(e -> Mono.empty()).contextWrite(TenantContext.of("acme")).block();

        FakeEngine pg = new FakeEngine(DatabaseType.POSTGRESQL, UP);
        pg.pools = List.of(new PoolMetricsSource.PoolStats(DatabaseType.POSTGRESQL, "127.0.0.1:5432", 1, 2, 0, 10));
        PoolMetrics.of(() -> List.of(pg)).bindTo(registry);
        HealthMonitor.builder(() -> List.of(pg)).meterRegistry(registry).build().check().block();

        AlertMonitor alerts = AlertMonitor.builder(MonitoringConfig.defaults().withRules(List.of(
                AlertRule.above("always", "one", 0, Duration.ZERO, Severity.INFO)))).signal("one", () -> 1)
                .meterRegistry(registry).build();
        alerts.evaluate();

        TenantCache<String> cache = TenantCache.builder("titles", CacheCodec.string())
                .l2(new InMemoryKeyValueSession(), Duration.ofMinutes(1)).meterRegistry(registry).build();
        cache.get("k", k -> Mono.just("v")).contextWrite(TenantContext.of("acme")).block();

        Set<String> names = new TreeSet<>();
        for (String line : registry.scrape().split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                int end = line.indexOf('{');
                names.add(line.substring(0, end > 0 ? end : line.indexOf(' ')));
            }
        }
        return names;
    }
}
