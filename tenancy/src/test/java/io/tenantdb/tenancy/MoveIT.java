package io.tenantdb.tenancy;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.postgresql.PostgresRls;
import io.tenantdb.tenancy.directory.PostgresTenantDirectory;
import io.tenantdb.tenancy.directory.TenantRecord;
import io.tenantdb.tenancy.directory.TenantStatus;
import io.tenantdb.tenancy.directory.TenantStatusOperator;
import io.tenantdb.tenancy.move.MoveFenceOperator;
import io.tenantdb.tenancy.move.MoveState;
import io.tenantdb.tenancy.move.MoveStep;
import io.tenantdb.tenancy.move.Placement;
import io.tenantdb.tenancy.move.TenantMover;
import io.tenantdb.testkit.ScratchDatabase;
import io.tenantdb.testkit.ServerEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moves a tenant while a second "instance" serves it under ~200 writes/s (inserts with unique
 * write ids, increments of earlier rows) and continuous reads: shard A → shard B (shared RLS
 * tables on both), then RLS → its own database; RLS → its own schema → shared tables of the other
 * shard; and a move crashed after its copy and again after its fence (during which the fenced
 * source refuses a lagging write but serves the neighbours), resumed by new movers. Afterwards every acknowledged insert is on the target exactly
 * once, every row's update count equals its acknowledged updates, nothing else is there, reads
 * never failed, and the source holds none of the tenant's rows (a neighbour's rows are untouched).
 * Fence durations are printed ("MoveIT: fence ...").
 */
class MoveIT {

    private static final DatabaseType PG = DatabaseType.POSTGRESQL;
    private static final TenantId ACME = TenantId.of("acme");
    private static final int SEED_ROWS = 3000;
    private static final int NEIGHBOUR_ROWS = 500;
    private static final String DDL = "CREATE TABLE IF NOT EXISTS {schema}.items (id bigserial PRIMARY KEY, write_id bigint NOT NULL, "
            + "updates int NOT NULL DEFAULT 0, payload text)";

    private final String run = PgTenancy.unique();
    private final String role = run + "_app";
    private final String table = "tenantdb_directory";
    private ScratchDatabase shardA;
    private ScratchDatabase shardB;
    private ScratchDatabase control;
    private DatabaseConfig config;
    private DatabaseConfig controlConfig;
    private PostgresTenantDirectory moverDirectory;
    private PostgresTenantDirectory appDirectory;
    private TenantDb app;
    private MoveFenceOperator fence;

    @BeforeEach
    void setUp() {
        ServerEndpoint server = PgTenancy.server();
        shardA = ScratchDatabase.create(server, "move_a").block(PgTenancy.WAIT);
        shardB = ScratchDatabase.create(server, "move_b").block(PgTenancy.WAIT);
        control = ScratchDatabase.create(server, "move_ctl").block(PgTenancy.WAIT);
        for (ScratchDatabase shard : List.of(shardA, shardB)) {
            admin(shard.name(), "CREATE TABLE public.items (tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true), "
                    + "id bigserial, write_id bigint NOT NULL, updates int NOT NULL DEFAULT 0, payload text, PRIMARY KEY (tenant_id, id))");
            Flux.usingWhen(connect(shard.name()), c -> PostgresRls.createAppRole(c, role, Secret.NONE, "public")
                            .then(PostgresRls.enableFor(c, "public.items", role)), Connection::close)
                    .blockLast(PgTenancy.WAIT);
            admin(shard.name(), "GRANT USAGE ON SEQUENCE public.items_id_seq TO \"" + role + "\"");
        }
        admin(shardA.name(), "INSERT INTO items (tenant_id, write_id, payload) SELECT 'acme', -g, repeat('s', 200) "
                        + "FROM generate_series(1, " + SEED_ROWS + ") g",
                "INSERT INTO items (tenant_id, write_id, payload) SELECT 'other', -g, 'neighbour' FROM generate_series(1, "
                        + NEIGHBOUR_ROWS + ") g");

        DatabaseConfig base = PgTenancy.config(List.of(PgTenancy.serverNode()), IsolationStrategy.ROW_LEVEL_SECURITY, run, 6);
        ConnectionConfig cc = base.connection();
        config = base.toBuilder()
                .pool(new io.tenantdb.core.config.PoolConfig(0, 6, Duration.ofMinutes(5), Duration.ofSeconds(5), null))
                .connection(new ConnectionConfig(cc.hosts(), shardA.name(), cc.user(), cc.password(), cc.tls(), cc.connectTimeout(), cc.options()))
                .root(MapConfigNode.root(Map.of(
                        "shards", List.of(
                                Map.of("name", "a", "hosts", List.of(PgTenancy.server().host() + ":" + PgTenancy.server().port()), "database", shardA.name()),
                                Map.of("name", "b", "hosts", List.of(PgTenancy.server().host() + ":" + PgTenancy.server().port()), "database", shardB.name())),
                        "postgresql", Map.of("rls_role", role, "rls_schema", "public", "tenant_ddl", List.of(DDL)))))
                .build();

        // two instances: the mover's and the application's, sharing the directory (and the moves' state) in a control database
        controlConfig = config.toBuilder().connection(new ConnectionConfig(cc.hosts(), control.name(), cc.user(), cc.password(),
                cc.tls(), cc.connectTimeout(), cc.options())).build();
        moverDirectory = PostgresTenantDirectory.of(controlConfig, table, Duration.ofMillis(100));
        moverDirectory.initialize().block(PgTenancy.WAIT);
        moverDirectory.start();
        appDirectory = PostgresTenantDirectory.of(controlConfig, table, Duration.ofMillis(100));
        appDirectory.start();
        moverDirectory.save(TenantRecord.active(ACME).withShard(PG, "a").withStrategy(PG, IsolationStrategy.ROW_LEVEL_SECURITY))
                .block(PgTenancy.WAIT);
        moverDirectory.save(TenantRecord.active(TenantId.of("other")).withShard(PG, "a")).block(PgTenancy.WAIT);

        Router router = Router.builder().directory(appDirectory).stickiness(Duration.ZERO).build();
        fence = new MoveFenceOperator(appDirectory, Duration.ofSeconds(5), Duration.ofMillis(5));
        app = TenantDb.builder().engines(PG).engineConfig(config)
                .operator(new TenantStatusOperator(appDirectory, false))
                .operator(fence)
                .operator(router)
                .targetResolverFactory(router::resolverFor)
                .build();
    }

    @AfterEach
    void tearDown() {
        if (app != null) {
            app.close();
        }
        if (moverDirectory != null) {
            moverDirectory.close();
        }
        if (appDirectory != null) {
            appDirectory.close();
        }
        String own = config == null ? null : config.isolation().nameFor(ACME);
        if (own != null) {
            admin(PgTenancy.server().database(), "DROP DATABASE IF EXISTS \"" + own + "\" WITH (FORCE)");
        }
        if (shardA != null) {
            shardA.close();
        }
        if (shardB != null) {
            shardB.close();
        }
        if (control != null) {
            control.close();
        }
        admin(PgTenancy.server().database(), "DROP ROLE IF EXISTS \"" + role + "\"");
    }

    private TenantMover mover() {
        return TenantMover.builder(config, moverDirectory)
                .stateStore(controlConfig, "tenantdb_moves")
                .batchSize(200)
                .propagationDelay(Duration.ofMillis(150))
                // writes routed to the source before the switch may wait up to the pool's 5 s acquire timeout
                .cleanupGrace(Duration.ofSeconds(6))
                .build();
    }

    @Test
    void movesBetweenShardsAndIntoItsOwnDatabaseUnderLoadWithoutLosingOrDuplicatingWrites() throws InterruptedException {
        TenantMover mover = mover();
        mover.initialize().block(PgTenancy.WAIT);
        Load load = new Load(app.sql(PG)).start();
        Thread.sleep(1000);

        MoveState first = mover.move(ACME, Placement.of("b", IsolationStrategy.ROW_LEVEL_SECURITY)).block(Duration.ofMinutes(2));
        long readsAfterFirst = load.reads.get();
        Thread.sleep(1000);
        MoveState second = mover.move(ACME, Placement.of("b", IsolationStrategy.DATABASE_PER_TENANT)).block(Duration.ofMinutes(2));
        Thread.sleep(1000);
        load.stop();

        assertThat(first.done()).isTrue();
        assertThat(second.done()).isTrue();
        assertThat(load.reads.get()).as("reads ran during the moves").isGreaterThan(readsAfterFirst).isGreaterThan(50);
        assertThat(load.acked.size()).as("writes ran during the moves").isGreaterThan(300);
        checkTarget(load, config.isolation().nameFor(ACME), false);
        assertThat(tenantRows(shardA.name())).as("acme's rows left shard A").isZero();
        assertThat(tenantRows(shardB.name())).as("acme's rows left shard B's shared table").isZero();
        assertThat(queryLong(shardA.name(), "SELECT count(*) FROM items WHERE tenant_id = 'other'")).isEqualTo(NEIGHBOUR_ROWS);
        assertThat(queryLong(shardA.name(), "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tenantdb_move_%'")).isZero();
        assertThat(queryLong(shardB.name(), "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tenantdb_move_%'")).isZero();
        TenantRecord record = moverDirectory.find(ACME).block(PgTenancy.WAIT);
        assertThat(record.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(record.shard(PG)).contains("b");
        assertThat(record.strategies().get(PG)).isEqualTo(IsolationStrategy.DATABASE_PER_TENANT);
        System.out.println("MoveIT: fence A->B (rls) " + first.fenceMillis() + " ms, B rls->own database " + second.fenceMillis()
                + " ms; " + load.summary());
    }

    @Test
    void movesIntoItsOwnSchemaAndBackIntoSharedTablesOfAnotherShard() throws InterruptedException {
        TenantMover mover = mover();
        mover.initialize().block(PgTenancy.WAIT);
        Load load = new Load(app.sql(PG)).start();
        Thread.sleep(500);
        MoveState toSchema = mover.move(ACME, Placement.of("a", IsolationStrategy.SCHEMA_PER_TENANT)).block(Duration.ofMinutes(2));
        MoveState toShared = mover.move(ACME, Placement.of("b", IsolationStrategy.ROW_LEVEL_SECURITY)).block(Duration.ofMinutes(2));
        Thread.sleep(500);
        load.stop();

        assertThat(toShared.done()).isTrue();
        checkTarget(load, shardB.name(), true);
        assertThat(tenantRows(shardA.name())).isZero();
        assertThat(queryLong(shardA.name(), "SELECT count(*) FROM pg_namespace WHERE nspname = '" + config.isolation().nameFor(ACME) + "'"))
                .as("the intermediate schema was removed").isZero();
        assertThat(queryLong(shardA.name(), "SELECT count(*) FROM items WHERE tenant_id = 'other'")).isEqualTo(NEIGHBOUR_ROWS);
        System.out.println("MoveIT: fence RLS->own schema " + toSchema.fenceMillis() + " ms, own schema->RLS on B "
                + toShared.fenceMillis() + " ms; " + load.summary());
    }

    @Test
    void aMoveCrashedAfterItsCopyAndAfterItsFenceResumesWithTheSameGuarantees() throws InterruptedException {
        mover().initialize().block(PgTenancy.WAIT);
        Load load = new Load(app.sql(PG)).start();
        Thread.sleep(800);

        MoveState planned = mover().plan(ACME, Placement.of("b", IsolationStrategy.DATABASE_PER_TENANT)).block(PgTenancy.WAIT);
        // first mover: provision, capture, copy, then "crashes" (is dropped) before catching up
        MoveState afterCopy = mover().runUntil(planned.id(), MoveStep.CATCH_UP).block(Duration.ofMinutes(2));
        assertThat(afterCopy.step()).isEqualTo(MoveStep.CATCH_UP);
        Thread.sleep(500);
        // second mover: resumes, catches up, fences, then crashes before the switch: writes are held meanwhile
        MoveState afterFence = mover().runUntil(planned.id(), MoveStep.SWITCH).block(Duration.ofMinutes(2));
        assertThat(afterFence.step()).isEqualTo(MoveStep.SWITCH);
        assertThat(appDirectory.find(ACME).block(PgTenancy.WAIT).status()).isEqualTo(TenantStatus.MOVING);
        // an instance that has not seen "moving" (or a write routed before it) cannot write on the fenced source ...
        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> admin(shardA.name(),
                "INSERT INTO items (tenant_id, write_id, payload) VALUES ('acme', 999999999, 'late')"));
        assertThat(refused).hasMessageContaining("tenant acme is being moved");
        assertThat(refused).isInstanceOf(io.r2dbc.spi.R2dbcTransientException.class)
                .satisfies(e -> assertThat(((io.r2dbc.spi.R2dbcException) e).getSqlState()).as("retryable").isEqualTo("40001"));
        // ... while its neighbours on the same shared table are not fenced
        admin(shardA.name(), "INSERT INTO items (tenant_id, write_id, payload) VALUES ('other', 999999999, 'during')",
                "DELETE FROM items WHERE tenant_id = 'other' AND write_id = 999999999");
        Thread.sleep(300);
        long heldBefore = fence.heldWrites();
        // third mover: verifies, switches, cleans up
        MoveState done = mover().resume(planned.id()).block(Duration.ofMinutes(2));
        Thread.sleep(800);
        load.stop();

        assertThat(done.done()).isTrue();
        assertThat(heldBefore).as("writes were held by the fence, not failed").isPositive();
        checkTarget(load, config.isolation().nameFor(ACME), false);
        assertThat(tenantRows(shardA.name())).isZero();
        assertThat(queryLong(shardA.name(), "SELECT count(*) FROM items WHERE tenant_id = 'other'")).isEqualTo(NEIGHBOUR_ROWS);
        assertThat(queryLong(shardA.name(), "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'tenantdb_move_%'")).isZero();
        System.out.println("MoveIT: fence with a crash inside it (resumed by a new mover) " + done.fenceMillis() + " ms; " + load.summary());
    }

    /** Every acknowledged insert exactly once, update counts as acknowledged, nothing else. */
    private void checkTarget(Load load, String database, boolean shared) {
        Map<Long, Integer> present = new HashMap<>();
        List<Long> duplicates = new ArrayList<>();
        Flux.usingWhen(connect(database), c -> Flux.from(c.createStatement("SELECT write_id, updates FROM items"
                                + (shared ? " WHERE tenant_id = 'acme'" : "")).execute())
                        .concatMap(r -> r.map((row, md) -> Map.entry(row.get(0, Long.class), row.get(1, Integer.class)))),
                Connection::close)
                .doOnNext(e -> {
                    if (present.put(e.getKey(), e.getValue()) != null) {
                        duplicates.add(e.getKey());
                    }
                })
                .blockLast(PgTenancy.WAIT);
        load.failures.forEach(Throwable::printStackTrace);
        assertThat(duplicates).as("no write applied twice").isEmpty();
        List<Long> missing = new ArrayList<>();
        for (long seed = 1; seed <= SEED_ROWS; seed++) {
            if (!present.containsKey(-seed)) {
                missing.add(-seed);
            }
        }
        for (Long id : load.acked) {
            if (!present.containsKey(id)) {
                missing.add(id);
            }
        }
        if (!missing.isEmpty()) {
            for (String db : List.of(shardA.name(), shardB.name())) {
                System.out.println("MoveIT: missing writes in " + db + ": " + Flux.usingWhen(connect(db), c -> Flux.from(c.createStatement(
                                "SELECT write_id, tenant_id, id FROM items WHERE write_id = ANY($1)").bind(0, missing.toArray(new Long[0])).execute())
                        .concatMap(r -> r.map((row, md) -> row.get(0) + "/" + row.get(1) + "/" + row.get(2))), Connection::close)
                        .collectList().block(PgTenancy.WAIT));
            }
            missing.forEach(id -> System.out.println("MoveIT: write " + id + " attempts " + load.attempts.get(id)));
        }
        assertThat(missing).as("no acknowledged write lost").isEmpty();
        assertThat(present).as("nothing but the seed and acknowledged writes").hasSize(SEED_ROWS + load.acked.size());
        Map<Long, Integer> wrongCounts = new HashMap<>();
        load.updates.forEach((id, n) -> {
            if (!java.util.Objects.equals(present.get(id), n.get())) {
                wrongCounts.put(id, present.get(id));
            }
        });
        assertThat(wrongCounts).as("every acknowledged update applied exactly once").isEmpty();
        assertThat(load.failures).as("no write or read failed for good").isEmpty();
        assertThat(load.readFailures.get()).as("reads never failed").isZero();
    }

    /** ~200 writes/s and ~50 reads/s through the application's instance, recording acknowledged writes. */
    private static final class Load {
        final SqlSession sql;
        final AtomicLong nextId = new AtomicLong(1);
        final List<Long> acked = Collections.synchronizedList(new ArrayList<>());
        final Map<Long, AtomicInteger> updates = new ConcurrentHashMap<>();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final AtomicLong reads = new AtomicLong();
        final AtomicLong readFailures = new AtomicLong();
        final AtomicLong retried = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final Map<Long, List<String>> attempts = new ConcurrentHashMap<>();
        final Map<String, AtomicInteger> errorKinds = new ConcurrentHashMap<>();
        Disposable writing;
        Disposable reading;
        volatile boolean stopping;
        long startedNanos;

        Load(SqlSession sql) {
            this.sql = sql;
        }

        Load start() {
            startedNanos = System.nanoTime();
            writing = Flux.interval(Duration.ofMillis(5)).onBackpressureDrop()
                    .flatMap(i -> write(), 24)
                    .subscribe();
            reading = Flux.interval(Duration.ofMillis(20)).onBackpressureDrop()
                    .flatMap(i -> sql.query("SELECT count(*) AS n FROM {schema}.items").contextWrite(TenantContext.of(ACME))
                            .doOnComplete(reads::incrementAndGet)
                            .onErrorResume(e -> {
                                readFailures.incrementAndGet();
                                failures.add(e);
                                return Mono.empty();
                            }), 4)
                    .subscribe();
            return this;
        }

        private Mono<Void> write() {
            if (stopping) {
                return Mono.empty();
            }
            Long target = null;
            if (ThreadLocalRandom.current().nextInt(10) < 4) {
                synchronized (acked) {
                    if (!acked.isEmpty()) {
                        target = acked.get(ThreadLocalRandom.current().nextInt(acked.size()));
                    }
                }
            }
            Long update = target;
            long id = update == null ? nextId.getAndIncrement() : update;
            Mono<Long> op = update == null
                    ? sql.execute("INSERT INTO {schema}.items (write_id, payload) VALUES ($1, $2)", id, "w" + id)
                    : sql.execute("UPDATE {schema}.items SET updates = updates + 1 WHERE write_id = $1", id);
            inFlight.incrementAndGet();
            return op.contextWrite(TenantContext.of(ACME))
                    .doOnSubscribe(x -> attempts.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(java.time.LocalTime.now() + " start"))
                    .doOnError(e -> {
                        retried.incrementAndGet();
                        String m = String.valueOf(e.getMessage());
                        errorKinds.computeIfAbsent(e.getClass().getSimpleName() + ": " + m.substring(0, Math.min(70, m.length())),
                                k -> new AtomicInteger()).incrementAndGet();
                        attempts.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                                .add(java.time.LocalTime.now() + " " + e.getClass().getSimpleName() + ": " + e.getMessage());
                    })
                    .doOnNext(x -> attempts.computeIfAbsent(id, k -> Collections.synchronizedList(new ArrayList<>()))
                            .add(java.time.LocalTime.now() + " ok " + x))
                    .retryWhen(Retry.backoff(100, Duration.ofMillis(10)).maxBackoff(Duration.ofMillis(100))
                            .filter(e -> e instanceof TenantDbException t && t.isTransient()))
                    .doOnNext(rows -> {
                        if (rows != 1) {
                            failures.add(new AssertionError("write " + id + " affected " + rows + " rows"));
                            System.out.println(java.time.LocalTime.now() + " MoveIT: write " + id + " (update) affected " + rows + " rows");
                        } else if (update == null) {
                            acked.add(id);
                        } else {
                            updates.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                        }
                    })
                    .onErrorResume(e -> {
                        failures.add(e);
                        return Mono.empty();
                    })
                    .doFinally(s -> inFlight.decrementAndGet())
                    .then();
        }

        /** Stops issuing writes and waits for those in flight (cancelling them would leave their outcome unknown). */
        void stop() throws InterruptedException {
            stopping = true;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (inFlight.get() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            writing.dispose();
            reading.dispose();
            assertThat(inFlight.get()).as("writes still in flight").isZero();
        }

        String summary() {
            int updated = updates.values().stream().mapToInt(AtomicInteger::get).sum();
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            return acked.size() + " inserts and " + updated + " updates acknowledged ("
                    + String.format(java.util.Locale.ROOT, "%.0f", (acked.size() + updated) / seconds)
                    + " acknowledged writes/s of 200 offered), " + retried.get() + " transient errors retried " + errorKinds + ", " + reads.get() + " reads";
        }
    }

    // ------------------------------------------------------------------ admin helpers

    private static Mono<io.r2dbc.postgresql.api.PostgresqlConnection> connect(String database) {
        ServerEndpoint s = PgTenancy.server();
        PostgresqlConnectionConfiguration.Builder b = PostgresqlConnectionConfiguration.builder()
                .host(s.host()).port(s.port()).username(s.user()).database(database);
        if (s.password() != null && !s.password().isEmpty()) {
            b.password(s.password());
        }
        return new PostgresqlConnectionFactory(b.build()).create();
    }

    private static void admin(String database, String... statements) {
        Flux.usingWhen(connect(database), c -> Flux.fromArray(statements)
                        .concatMap(sql -> Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated())),
                Connection::close).blockLast(PgTenancy.WAIT);
    }

    private static long queryLong(String database, String sql) {
        return Flux.usingWhen(connect(database), c -> Flux.from(c.createStatement(sql).execute())
                        .concatMap(r -> r.map((row, md) -> ((Number) row.get(0)).longValue())), Connection::close)
                .blockLast(PgTenancy.WAIT);
    }

    private static long tenantRows(String database) {
        return queryLong(database, "SELECT count(*) FROM items WHERE tenant_id = 'acme'");
    }
}
