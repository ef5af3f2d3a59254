package io.tenantdb.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.core.session.Statement;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The p99-latency alert rule fires and resolves on a controlled latency injection against the real
 * PostgreSQL server: the façade runs with the {@link Observability} wiring (metrics operator, alert
 * monitor evaluating in the background); slow statements ({@code pg_sleep(0.3)}) raise the engine's
 * p99 above a 150 ms threshold, then fast ones ({@code SELECT 1}) bring it back below.
 */
class LatencyAlertIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String RULE = "it_high_latency_p99";
    private static final double THRESHOLD_MS = 150;

    private final TenantId tenant = TenantId.of("obsalert" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36));

    @Test
    void p99LatencyRuleFiresOnSlowStatementsAndResolvesOnFastOnes(@TempDir Path dir) throws Exception {
        ServerEndpoint pg = TestServers.postgresql();
        boolean password = pg.password() != null && !pg.password().isEmpty();
        Files.writeString(dir.resolve("postgresql.yml"), "connection:\n"
                + "  hosts: [\"" + pg.host() + ":" + pg.port() + "\"]\n"
                + "  database: \"" + pg.database() + "\"\n"
                + "  user: " + pg.user() + "\n"
                + (password ? "  password: \"${env:TDB_IT_PG_PASSWORD}\"\n" : "")
                + "tenant_isolation:\n  strategy: schema_per_tenant\n");
        MonitoringConfig monitoring = MonitoringConfig.defaults()
                .withRules(List.of(AlertRule.above(RULE, MonitoringConfig.LATENCY_P99_MS, THRESHOLD_MS,
                        Duration.ofSeconds(2), Severity.WARNING)))
                .withEvaluationInterval(Duration.ofMillis(500));

        try (Observability obs = Observability.builder(new SimpleMeterRegistry()).monitoring(monitoring).build();
             TenantDb db = TenantDb.builder().configDirectory(dir)
                     .environmentVariables(password ? Map.of("TDB_IT_PG_PASSWORD", pg.password()) : Map.of())
                     .engines(DatabaseType.POSTGRESQL).operator(obs.metrics()).build()) {
            obs.attach(db);
            Flux<Alert> ours = obs.alerts().alerts().filter(a -> a.rule().equals(RULE) && a.kind() == Alert.Kind.THRESHOLD);
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            db.provision(tenant).block(WAIT);
            try {
                CompletableFuture<Alert> fired = ours.filter(a -> a.state() == Alert.State.FIRING).next().toFuture();
                load(sql, "SELECT 1 AS one FROM pg_sleep(0.3)", 2, fired);
                Alert firing = fired.get(0, TimeUnit.SECONDS);
                assertThat(firing.value()).as("p99 when firing, ms").isGreaterThan(THRESHOLD_MS);
                assertThat(firing.severity()).isEqualTo(Severity.WARNING);
                assertThat(obs.alerts().active()).extracting(Alert::rule).contains(RULE);

                CompletableFuture<Alert> resolved = ours.filter(a -> a.state() == Alert.State.RESOLVED).next().toFuture();
                load(sql, "SELECT 1 AS one", 4, resolved);
                Alert back = resolved.get(0, TimeUnit.SECONDS);
                assertThat(back.value()).as("p99 when resolved, ms").isLessThanOrEqualTo(THRESHOLD_MS);
                assertThat(back.since()).isEqualTo(firing.since());
                assertThat(obs.alerts().active()).extracting(Alert::rule).doesNotContain(RULE);
            } finally {
                db.deprovision(tenant).block(WAIT);
            }
        }
    }

    /** Runs {@code statement} as the tenant, {@code concurrency} at a time, until {@code until} completes (at most {@link #WAIT}). */
    private void load(SqlSession sql, String statement, int concurrency, CompletableFuture<Alert> until) {
        Flux.range(0, Integer.MAX_VALUE)
                .flatMap(i -> sql.query(Statement.of(statement), row -> row.get("one", Integer.class)).then(), concurrency)
                .contextWrite(TenantContext.of(tenant))
                .takeUntilOther(Mono.fromFuture(until, true))
                .then(Mono.fromFuture(until, true))
                .block(WAIT);
    }
}
