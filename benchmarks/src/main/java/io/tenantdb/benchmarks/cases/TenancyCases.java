package io.tenantdb.benchmarks.cases;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.tenantdb.benchmarks.BenchCase;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Side;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.LoadBalancingConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.tenancy.PostgresNodeProbe;
import io.tenantdb.tenancy.ResilienceConfig;
import io.tenantdb.tenancy.ResilienceOperator;
import io.tenantdb.tenancy.Router;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * The tenancy module's cases, with the mechanics of its {@code FailoverIT} and {@code ConnectionBudgetIT}:
 * <ul>
 *   <li>{@code failover_read_ms} (absolute): the HA test bed of {@code scripts/services.d/50-postgresql-ha.sh}
 *       (ha1 primary 127.0.0.1:5433, ha2 synchronous standby 5434) behind the tenancy {@code Router}
 *       ({@code PostgresNodeProbe}, health checks every 100 ms, 500 ms read-your-writes stickiness) and
 *       {@code ResilienceOperator} (4 attempts, 5 ms backoff, 5 s timeout), schema strategy. A writer (an insert
 *       every ~2 ms, which keeps the tenant's reads sticky to the primary) and a reader (a read every ~2 ms) run;
 *       after 1 s (reads checked to be served by the primary) the primary is killed
 *       by an immediate shutdown: SIGQUIT to its postmaster (what {@code pg_ctl stop -m immediate} sends), sent
 *       with kill(1) so the clock starts at the kill rather than at the start-up of the pg_ctlcluster wrapper
 *       (until 2026-11-25 evening the case ran {@code pg_ctlcluster 15 ha1 stop -m immediate} and counted that
 *       command's own ~50–200 ms); the figure is the time from just before the signal to the end of the first
 *       successful read served by the standby (reads the primary still serves do not count). The pair is rebuilt after each trial ({@code ... rebuild}, ~12 s) and left
 *       healthy. 20 trials in the full run, 3 in the quick run
 *       ({@code -Dbench.failover.trials=N} to change; a trial with its rebuild takes ~6–10 s).</li>
 *   <li>{@code tenants_1k_db_budget}: database-per-tenant tenants (pools 0..10 each, opened lazily) under
 *       {@code postgresql.connection_budget: 40} (the shared server has max_connections 100), 64 point reads in
 *       flight with the tenant of each drawn from a Zipf distribution (s = 1.1) ÷ the same reads for one tenant,
 *       same TenantDb. Up to 1,000 tenants (100 in the quick run), as many as provisioning reaches in
 *       3 minutes; the table names the count. They are dropped afterwards.</li>
 *   <li>{@code tenants_1k_db_budget_cold_ms} (absolute): on a fresh TenantDb (every pool closed) with the same
 *       budget, each tenant's first query, 16 in flight in random order: p50/p99 of the first-query latency
 *       (pool creation, connection, and closing idle pools of other tenants to stay under the budget).</li>
 * </ul>
 */
final class TenancyCases implements BenchCase {

    static final NodeAddress HA1 = new NodeAddress("127.0.0.1", 5433, "local", "a", 1);
    static final NodeAddress HA2 = new NodeAddress("127.0.0.1", 5434, "local", "b", 1);
    static final Path HA_SCRIPT = Path.of("scripts", "services.d", "50-postgresql-ha.sh").toAbsolutePath();
    static final Path HA1_PID = Path.of("/var/lib/postgresql/15/ha1/postmaster.pid");
    private static final TenantId FAILOVER_TENANT = TenantId.of("bench_failover");
    private static final int BUDGET = 40;
    /** Connections per tenant pool in the budget case (0..this, opened lazily). */
    private static final int TENANT_POOL = Integer.getInteger("bench.budget.pool", Common.POOL);
    private static final Duration PROVISION_LIMIT = Duration.ofSeconds(Long.getLong("bench.budget.provision_seconds", 180));

    @Override
    public List<String> ids() {
        return List.of("failover_read_ms", "tenants_1k_db_budget", "tenants_1k_db_budget_cold_ms");
    }

    @Override
    public void run(Bench bench) throws Exception {
        if (bench.selected("failover_read_ms")) {
            try {
                failover(bench);
            } catch (Throwable e) {
                bench.skipped("failover_read_ms", "failed: " + String.valueOf(e).replace('\n', ' '));
            }
        }
        if (bench.selected("tenants_1k_db_budget") || bench.selected("tenants_1k_db_budget_cold_ms")) {
            budget(bench);
        }
    }

    // ---------------------------------------------------------------- failover_read_ms

    private record Read(long startNanos, long endNanos, Integer port, Throwable error) {
    }

    private void failover(Bench bench) {
        int trials = Integer.getInteger("bench.failover.trials", bench.settings().quick() ? 3 : 20);
        ha();
        long[] micros = new long[trials];
        try {
            for (int i = 0; i < trials; i++) {
                micros[i] = failoverTrial();
                System.err.printf(Locale.ROOT, "failover_read_ms: trial %d: %.1f ms%n", i + 1, micros[i] / 1e3);
                ha("rebuild");
            }
        } finally {
            ha();
            cleanUpFailoverTenant();
        }
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        bench.ms("failover_read_ms", percentile(sorted, 50) / 1e3, percentile(sorted, 99) / 1e3, String.format(Locale.ROOT,
                "%d trials (min %.1f, max %.1f ms): SIGQUIT (immediate shutdown) to the primary's postmaster -> end of "
                        + "the first successful read on the standby; Router + ResilienceOperator, reads sticky to the primary "
                        + "by a concurrent writer", trials, sorted[0] / 1e3, sorted[trials - 1] / 1e3));
    }

    private static long failoverTrial() {
        ResilienceOperator resilience = ResilienceOperator.builder().engine(DatabaseType.POSTGRESQL, ResilienceConfig.builder()
                .maxAttempts(4).backoff(Duration.ofMillis(5)).timeout(Duration.ofSeconds(5)).slidingWindowSize(50)
                .limitPerSecond(1_000_000).build()).build();
        Router router = Router.builder().localRegion("local").stickiness(Duration.ofMillis(500))
                .probe(new PostgresNodeProbe()).breakers(resilience).build();
        TenantDb db = TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(haConfig(List.of(HA2)))
                .operator(resilience).operator(router)
                .targetResolverFactory(ctx -> resilience.guard(router.resolverFor(ctx)))
                .build();
        Function<Context, Context> ctx = TenantContext.of(FAILOVER_TENANT);
        Disposable writer = null;
        Disposable reader = null;
        try {
            router.checkNow().block(Common.WAIT);
            router.start();
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            db.provision(FAILOVER_TENANT).block(Common.WAIT);
            sql.execute("CREATE TABLE IF NOT EXISTS {schema}.acks (id bigint PRIMARY KEY)").contextWrite(ctx).block(Common.WAIT);
            AtomicLong nextId = new AtomicLong(System.currentTimeMillis() * 1000);
            writer = Flux.<Long>generate(sink -> sink.next(nextId.incrementAndGet()))
                    .concatMap(id -> sql.execute("INSERT INTO {schema}.acks VALUES ($1)", id).contextWrite(ctx)
                            .then(Mono.delay(Duration.ofMillis(2)))
                            .onErrorResume(e -> Mono.delay(Duration.ofMillis(5))), 1)
                    .subscribe();
            ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
            reader = Flux.range(0, Integer.MAX_VALUE)
                    .concatMap(i -> {
                        long start = System.nanoTime();
                        return sql.query("SELECT inet_server_port() AS port, count(*) FROM {schema}.acks")
                                .map(r -> r.get("port", Integer.class)).single()
                                .contextWrite(ctx)
                                .map(port -> new Read(start, System.nanoTime(), port, null))
                                .onErrorResume(e -> Mono.just(new Read(start, System.nanoTime(), null, e)))
                                .doOnNext(reads::add)
                                .then(Mono.delay(Duration.ofMillis(2)));
                    }, 1)
                    .subscribe();
            sleep(1000);
            long killed;
            Read before = reads.stream().filter(r -> r.error() == null).reduce((x, y) -> y).orElse(null);
            if (before == null || before.port() != HA1.port()) {
                throw new IllegalStateException("reads before the kill were not served by the primary: " + before);
            }
            // immediate shutdown is SIGQUIT to the postmaster (what pg_ctl stop -m immediate sends); sent
            // directly, the clock starts at the kill and not at the start-up of the pg_ctlcluster wrapper
            long postmaster = postmasterPid();
            killed = System.nanoTime();
            run(List.of("kill", "-QUIT", Long.toString(postmaster)));
            long deadline = killed + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (Read r : reads) {
                    // reads served by the primary while the stop command runs do not count
                    if (r.startNanos() > killed && r.error() == null && r.port() == HA2.port()) {
                        return (r.endNanos() - killed) / 1_000;
                    }
                }
                sleep(1);
            }
            throw new IllegalStateException("no successful read within 30 s of the kill");
        } finally {
            if (writer != null) {
                writer.dispose();
            }
            if (reader != null) {
                reader.dispose();
            }
            router.stop();
            db.close();
        }
    }

    private static DatabaseConfig haConfig(List<NodeAddress> replicas) {
        ServerEndpoint s = TestServers.postgresql();
        return DatabaseConfig.builder(DatabaseType.POSTGRESQL)
                .connection(new ConnectionConfig(List.of(HA1), s.database(), s.user(), Common.secret(s), TlsConfig.DISABLED,
                        Duration.ofSeconds(5), Map.of()))
                .pool(new PoolConfig(0, 4, Duration.ofMinutes(5), Duration.ofSeconds(20), null))
                .isolation(new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, "bench_{{tenant_id}}_", "none"))
                .replicas(replicas)
                .loadBalancing(new LoadBalancingConfig(LoadBalancingConfig.Strategy.ROUND_ROBIN, Duration.ofMillis(100),
                        Duration.ofSeconds(30)))
                .build();
    }

    /** Drops the failover tenant's schema from the (healthy, rebuilt) pair: replicated to the standby. */
    private static void cleanUpFailoverTenant() {
        TenantDb db = TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(haConfig(List.of())).build();
        try {
            db.deprovision(FAILOVER_TENANT).onErrorResume(e -> Mono.empty()).block(Common.WAIT);
        } finally {
            db.close();
        }
    }

    private static void ha(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", HA_SCRIPT.toString()));
        command.addAll(List.of(args));
        run(command);
    }

    private static void run(List<String> command) {
        try {
            Path out = Files.createTempFile("bench-ha", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command + " did not finish in 180 s");
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(command + " failed (" + p.exitValue() + "): " + text);
            }
        } catch (IOException e) {
            throw new IllegalStateException(command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(command + " interrupted", e);
        }
    }

    // ---------------------------------------------------------------- tenants_1k_db_budget

    private void budget(Bench bench) {
        int target = Integer.getInteger("bench.budget.tenants", bench.settings().quick() ? 100 : 1_000);
        ServerEndpoint s = TestServers.postgresql();
        DatabaseConfig config = Pg.config(s, IsolationStrategy.DATABASE_PER_TENANT, TENANT_POOL, -1,
                        Map.of("connection_budget", BUDGET, "max_pools", 5000, "application_name", "tenantdb_bench_budget"))
                .toBuilder().pool(new PoolConfig(0, TENANT_POOL, Duration.ofMinutes(5), Duration.ofSeconds(60), null)).build();
        List<TenantId> all = new ArrayList<>();
        for (int i = 0; i < target; i++) {
            all.add(TenantId.of("bb" + i));
        }
        TenantDb admin = Common.tenantDb(DatabaseType.POSTGRESQL, config).build();
        List<TenantId> tenants = List.of();
        try {
            long t0 = System.nanoTime();
            long until = t0 + PROVISION_LIMIT.toNanos();
            List<TenantId> done = Collections.synchronizedList(new ArrayList<>());
            Flux.fromIterable(all).takeWhile(t -> System.nanoTime() < until)
                    .flatMap(t -> admin.provision(t).then(Mono.fromRunnable(() -> done.add(t))), 4)
                    .blockLast(PROVISION_LIMIT.plusMinutes(5));
            tenants = List.copyOf(done);
            System.err.printf(Locale.ROOT, "tenants_1k_db_budget: %d database-per-tenant tenants provisioned in %.0f s%n",
                    tenants.size(), (System.nanoTime() - t0) / 1e9);
            cold(bench, config, tenants);
            if (bench.selected("tenants_1k_db_budget")) {
                zipf(bench, config, tenants);
            }
        } finally {
            long t0 = System.nanoTime();
            Flux.fromIterable(all).flatMap(t -> admin.deprovision(t).onErrorResume(e -> Mono.empty()), 4)
                    .blockLast(Duration.ofMinutes(15));
            System.err.printf(Locale.ROOT, "tenants_1k_db_budget: %d tenants dropped in %.0f s%n", tenants.size(),
                    (System.nanoTime() - t0) / 1e9);
            admin.close();
        }
    }

    private static Mono<Integer> one(SqlSession sql, TenantId tenant) {
        return sql.query("SELECT 1 AS one").map(r -> r.get(0, Integer.class)).last().contextWrite(TenantContext.of(tenant));
    }

    private static void cold(Bench bench, DatabaseConfig config, List<TenantId> tenants) {
        TenantDb db = Common.tenantDb(DatabaseType.POSTGRESQL, config).build();
        try {
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            List<TenantId> order = new ArrayList<>(tenants);
            Collections.shuffle(order);
            long[] micros = Flux.fromIterable(order).flatMap(t -> Mono.defer(() -> {
                        long start = System.nanoTime();
                        return one(sql, t).map(x -> (System.nanoTime() - start) / 1_000);
                    }), 16)
                    .collectList().block(Duration.ofMinutes(10)).stream().mapToLong(Long::longValue).sorted().toArray();
            bench.ms("tenants_1k_db_budget_cold_ms", percentile(micros, 50) / 1e3, percentile(micros, 99) / 1e3,
                    String.format(Locale.ROOT, "first query of each of %d database-per-tenant tenants on a fresh TenantDb, "
                            + "16 in flight, connection_budget %d", tenants.size(), BUDGET));
        } finally {
            db.close();
        }
    }

    private static void zipf(Bench bench, DatabaseConfig config, List<TenantId> tenants) {
        int n = tenants.size();
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1 / Math.pow(i + 1, 1.1);
            cdf[i] = sum;
        }
        double total = sum;
        TenantDb db = Common.tenantDb(DatabaseType.POSTGRESQL, config).build();
        try {
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            bench.compare("tenants_1k_db_budget",
                    Side.of(n + " db-per-tenant tenants, Zipf 1.1, budget " + BUDGET + ", pools 0.." + TENANT_POOL, () -> {
                        int k = Arrays.binarySearch(cdf, ThreadLocalRandom.current().nextDouble() * total);
                        return one(sql, tenants.get(Math.min(n - 1, k < 0 ? -k - 1 : k)));
                    }),
                    Side.of("1 tenant, same TenantDb", () -> one(sql, tenants.get(0))),
                    Common.IN_FLIGHT, "ops");
        } finally {
            db.close();
        }
    }

    private static long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(HA1_PID).get(0).trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the primary's postmaster pid from " + HA1_PID + ": " + e, e);
        }
    }

    private static long percentile(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
