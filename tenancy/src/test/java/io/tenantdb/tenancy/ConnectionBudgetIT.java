package io.tenantdb.tenancy;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.testkit.ServerEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 database-per-tenant tenants on one server under a 50-connection budget and Zipf-distributed
 * load: the server never sees more than 50 connections of this engine (sampled in
 * {@code pg_stat_activity} by application name) and no operation fails. The server is the dedicated
 * throw-away cluster of {@code scripts/services.d/60-postgresql-budget.sh} (127.0.0.1:5435,
 * max_connections 150, durability off so that a thousand CREATE/DROP DATABASE take minutes, not
 * the ~25 minutes they take on the machine's main cluster); afterwards the cluster is recreated
 * rather than a thousand databases dropped ({@code ProvisioningIT} covers dropping). {@code -Dbudget.tenants}
 * and {@code -Dbudget.connections} change the size.
 */
class ConnectionBudgetIT {

    static final int TENANTS = Integer.getInteger("budget.tenants", 1000);
    static final int BUDGET = Integer.getInteger("budget.connections", 50);
    static final int PORT = 5435;
    static final Path SCRIPT = Path.of("..", "scripts", "services.d", "60-postgresql-budget.sh").toAbsolutePath().normalize();
    private final String prefix = PgTenancy.unique();
    private final List<TenantId> tenants = IntStream.range(0, TENANTS).mapToObj(i -> TenantId.of("z" + i)).toList();
    private TenantDb db;

    @BeforeAll
    static void budgetServer() {
        HaPair.run(List.of("bash", SCRIPT.toString()), 180);
    }

    @BeforeEach
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void setUp() {
        DatabaseConfig base = PgTenancy.config(List.of(NodeAddress.of("127.0.0.1", PORT)), IsolationStrategy.DATABASE_PER_TENANT, prefix, 2);
        DatabaseConfig config = base.toBuilder()
                .pool(new PoolConfig(0, 2, Duration.ofMinutes(5), Duration.ofSeconds(60), null))
                .root(MapConfigNode.root(Map.of("postgresql", Map.of("application_name", prefix,
                        "connection_budget", BUDGET, "max_pools", 5000))))
                .build();
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(config).build();
        long started = System.nanoTime();
        Flux.fromIterable(tenants).flatMap(db::provision, 4).blockLast(Duration.ofMinutes(20));
        System.out.printf("ConnectionBudgetIT: provisioned %d tenants in %d ms%n", TENANTS, (System.nanoTime() - started) / 1_000_000);
    }

    /** The cluster is throw-away: recreating it takes seconds where a thousand DROP DATABASE take minutes. */
    @AfterEach
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void tearDown() {
        if (db != null) {
            db.close();
        }
        HaPair.run(List.of("bash", SCRIPT.toString(), "reset"), 280);
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void neverMoreServerConnectionsThanTheBudgetAndNoErrorsUnderZipfLoad() {
        ServerEndpoint s = PgTenancy.server();
        PostgresqlConnectionFactory admin = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host("127.0.0.1").port(PORT).username(s.user()).database(s.database()).applicationName("budget-watch").build());
        AtomicInteger maxSeen = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> watchError = new java.util.concurrent.atomic.AtomicReference<>();
        Disposable watcher = Flux.usingWhen(admin.create(),
                        c -> Flux.interval(Duration.ofMillis(20)).onBackpressureDrop().concatMap(i -> Flux.from(c.createStatement(
                                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1").bind(0, prefix).execute())
                                .concatMap(r -> r.map((row, md) -> row.get(0, Long.class)))), Connection::close)
                .subscribe(n -> maxSeen.accumulateAndGet(n.intValue(), Math::max), watchError::set);
        // Zipf (s = 1.1) over the tenants: a few hot, a long tail
        double[] cdf = new double[TENANTS];
        double sum = 0;
        for (int i = 0; i < TENANTS; i++) {
            sum += 1 / Math.pow(i + 1, 1.1);
            cdf[i] = sum;
        }
        Random random = new Random(42);
        int ops = 4000;
        int[] picks = new int[ops];
        for (int i = 0; i < ops; i++) {
            double u = random.nextDouble() * sum;
            int k = 0;
            while (cdf[k] < u) {
                k++;
            }
            picks[i] = k;
        }
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        try {
            Flux.range(0, ops)
                    .flatMap(i -> db.sql(DatabaseType.POSTGRESQL).query("SELECT 1 AS one").then()
                            .contextWrite(TenantContext.of(tenants.get(picks[i])))
                            .onErrorResume(e -> {
                                errors.add(e);
                                return Mono.empty();
                            }), 64)
                    .blockLast(Duration.ofMinutes(10));
        } finally {
            watcher.dispose();
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("ConnectionBudgetIT: %d tenants, %d ops in %d ms, max server connections seen %d (budget %d), errors %d%n",
                TENANTS, ops, ms, maxSeen.get(), BUDGET, errors.size());
        assertThat(watchError.get()).as("the pg_stat_activity watcher failed").isNull();
        assertThat(maxSeen.get()).as("connections were observed").isPositive();
        assertThat(errors).as("first: %s", errors.peek()).isEmpty();
        assertThat(maxSeen.get()).isLessThanOrEqualTo(BUDGET);
    }
}
