package io.tenantdb.tenancy.move;

import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.tenancy.directory.TenantDirectory;
import io.tenantdb.tenancy.directory.TenantRecord;
import io.tenantdb.tenancy.directory.TenantStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.HashMap;
import org.reactivestreams.Publisher;

/**
 * Moves one tenant's PostgreSQL data between shards and between isolation strategies (e.g. from
 * shared row-level-security tables to its own database) while it is served, with no write lost or
 * applied twice:
 *
 * <ol>
 *   <li>{@link MoveStep#PROVISION}: the tenant is provisioned at the target through the engine
 *       (database, schema, {@code tenant_ddl}); source and target tables must match (same names,
 *       same primary key besides {@code tenant_id}).</li>
 *   <li>{@link MoveStep#CAPTURE}: triggers on the tenant's source tables write each change of its
 *       rows (the row image, or the key of a deleted row) to a sequenced log table in the source
 *       database, in the writer's transaction. No superuser or logical replication needed.</li>
 *   <li>{@link MoveStep#COPY}: the rows are copied table by table in key order, in batches of
 *       {@code batchSize} (memory bounded by one batch), each batch upserted on the target and
 *       checkpointed, so a crash resumes after the last batch.</li>
 *   <li>{@link MoveStep#CATCH_UP}: the log is replayed on the target in sequence order (upserts of
 *       row images, deletes by key: idempotent) and each replayed entry removed, until a round
 *       finds fewer than {@code catchUpThreshold} entries.</li>
 *   <li>{@link MoveStep#FENCE}: the directory marks the tenant {@link TenantStatus#MOVING moving}
 *       ({@link MoveFenceOperator} holds its writes on every instance that sees it); after
 *       {@code propagationDelay} the source is fenced: the mover waits for in-flight writes
 *       (an advisory lock the triggers share) and flips the move's fence flag, after which the
 *       triggers refuse the tenant's writes there with a transient error (SQLSTATE 40001), so
 *       no instance can write to the source any more; the rest of the log is drained.</li>
 *   <li>{@link MoveStep#SWITCH}: counts and checksums (md5 of the rows in key order) are compared
 *       for every table — the only moment both sides are still — then sequences are advanced on the
 *       target and the directory switches placement, strategy and status in one conditional
 *       change; held writes run and reach the target. A mismatch does not switch: the tenant stays
 *       on the source, the target is removed and the move rewinds ({@link MoveVerificationException}).</li>
 *   <li>{@link MoveStep#CLEANUP}: after {@code cleanupGrace} (let every instance see the switch),
 *       the capture is dropped and the source data deleted through the engine's deprovisioning.</li>
 * </ol>
 *
 * Every step is persisted in a state table when it completed; each is idempotent, so after a crash
 * anywhere {@link #resume(String)} continues. Reads are never fenced: they are served from the
 * source until the switch, from the target after.
 *
 * <pre>{@code
 * TenantMover mover = TenantMover.builder(pgConfig, directory).stateStore(adminConfig).build();
 * mover.initialize().then(mover.move(TenantId.of("acme"), Placement.of("shard_b", IsolationStrategy.DATABASE_PER_TENANT)))
 * }</pre>
 *
 * @apiNote nothing happens until subscription; a move holds at most two connections to each side.
 */
public final class TenantMover {

    /** Default state table. */
    public static final String DEFAULT_TABLE = "tenantdb_moves";
    /** Default rows per copy batch and log entries per replay round. */
    public static final int DEFAULT_BATCH_SIZE = 500;
    /** Default: catch-up ends when a round finds fewer log entries than this. */
    public static final int DEFAULT_CATCH_UP_THRESHOLD = 50;
    /** Default wait between marking the tenant moving and fencing the source. */
    public static final Duration DEFAULT_PROPAGATION_DELAY = Duration.ofSeconds(1);
    /** Added to the pool's acquire timeout and connect timeout for the default clean-up grace. */
    public static final Duration CLEANUP_GRACE_MARGIN = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(TenantMover.class);
    private static final Pattern TABLE = Pattern.compile("^[a-z_][a-z0-9_]{0,50}$");

    private final DatabaseType engine;
    private final DatabaseConfig config;
    private final TenantDirectory directory;
    private final MoveStore store;
    private final int batchSize;
    private final int catchUpThreshold;
    private final Duration propagationDelay;
    private final Duration cleanupGrace;

    private TenantMover(Builder b) {
        this.engine = b.config.type();
        this.config = b.config;
        this.directory = b.directory;
        this.store = new MoveStore(b.stateConfig == null ? b.config : b.stateConfig, b.table);
        this.batchSize = b.batchSize;
        this.catchUpThreshold = b.catchUpThreshold;
        this.propagationDelay = b.propagationDelay;
        this.cleanupGrace = b.cleanupGrace != null ? b.cleanupGrace
                : b.config.pool().acquireTimeout().plus(b.config.connection().connectTimeout()).plus(CLEANUP_GRACE_MARGIN);
    }

    /**
     * @param config    the PostgreSQL (or TimescaleDB) engine's configuration, with its {@code shards}
     *                  section; its {@code connection.user} must be able to create triggers,
     *                  schemas and databases and read every tenant table
     * @param directory where tenants are placed (the switch is recorded there)
     * @return a builder
     */
    public static Builder builder(DatabaseConfig config, TenantDirectory directory) {
        return new Builder(config, directory);
    }

    /** @return completes when the state tables exist (idempotent) */
    public Mono<Void> initialize() {
        return store.initialize();
    }

    /**
     * Records a move of a tenant from where the directory places it now to {@code to}.
     *
     * @param tenant the tenant (active in the directory)
     * @param to     where it goes
     * @return the planned move (its id resumes it)
     */
    public Mono<MoveState> plan(TenantId tenant, Placement to) {
        Objects.requireNonNull(to, "to");
        return directory.find(tenant)
                .switchIfEmpty(Mono.error(() -> new DataAccessException("cannot move the tenant: it is not in the tenant directory; "
                        + "onboard it first", tenant, engine, null)))
                .flatMap(r -> {
                    if (r.status() != TenantStatus.ACTIVE) {
                        return Mono.error(new DataAccessException("cannot move the tenant: it is " + r.status().id()
                                + " in the directory (only active tenants are moved; a moving tenant has an unfinished move: resume it)",
                                tenant, engine, null));
                    }
                    Placement from = placementOf(r);
                    if (PgLocation.of(engine, tenant, config, from).sameAs(PgLocation.of(engine, tenant, config, to))) {
                        return Mono.error(new DataAccessException("cannot move the tenant to " + to + ": its data is already there",
                                tenant, engine, null));
                    }
                    String id = "m" + HexFormat.of().formatHex(randomBytes());
                    return store.insert(new MoveState(id, tenant, engine, from, to, MoveStep.PROVISION, 0, -1));
                });
    }

    /** Unique enough to name a move's objects (not a secret: no SecureRandom, which may block). */
    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    /**
     * Plans and runs a move to the end.
     *
     * @param tenant the tenant
     * @param to     where it goes
     * @return the finished move (with its fence duration)
     */
    public Mono<MoveState> move(TenantId tenant, Placement to) {
        return plan(tenant, to).flatMap(s -> runUntil(s.id(), null));
    }

    /**
     * Runs a planned or interrupted move from its recorded step to the end.
     *
     * @param moveId the move
     * @return the finished move
     */
    public Mono<MoveState> resume(String moveId) {
        return runUntil(moveId, null);
    }

    /**
     * Runs a move from its recorded step until {@code stopBefore} is next (it does not run): e.g.
     * prepare up to the fence, then {@link #resume} when the cut-over is due.
     *
     * @param moveId     the move
     * @param stopBefore the step to stop at, or null to run to the end
     * @return the move's state when stopped
     */
    public Mono<MoveState> runUntil(String moveId, MoveStep stopBefore) {
        return store.load(Sql.checkMoveId(moveId))
                .flatMap(s -> Mono.usingWhen(Mono.fromSupplier(() -> new Run(s)),
                        run -> MoveStateMachine.run(s, stopBefore, run::step, run.store), Run::close));
    }

    /** @param moveId a move @return its persisted state */
    public Mono<MoveState> state(String moveId) {
        return store.load(moveId);
    }

    /** @param tenant a tenant @return its unfinished move on this engine, if any */
    public Mono<MoveState> unfinished(TenantId tenant) {
        return store.unfinished(tenant, engine);
    }

    private Placement placementOf(TenantRecord r) {
        return new Placement(r.shard(engine).orElse(null), r.strategies().getOrDefault(engine, config.isolation().strategy()));
    }

    private boolean switched(TenantRecord r, MoveState s) {
        return placementOf(r).equals(s.to()) && r.status() != TenantStatus.MOVING;
    }

    /** Runs the engine's (idempotent) provisioning or deprovisioning of the tenant at a location. */
    private Mono<Void> provisioning(PgLocation at, boolean provision) {
        return Mono.usingWhen(
                Mono.fromCallable(() -> TenantDb.builder().engines(engine).engineConfig(at.config).build())
                        .subscribeOn(Schedulers.boundedElastic()),
                db -> provision ? db.engine(engine).provision(at.tenant) : db.engine(engine).deprovision(at.tenant),
                TenantDb::closeAsync);
    }

    private static Flux<Long> exec(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated());
    }

    private static Mono<Long> exec(io.r2dbc.spi.Statement st) {
        return Flux.from(st.execute()).concatMap(r -> r.getRowsUpdated()).reduce(0L, Long::sum);
    }

    private static Mono<Void> transaction(Connection c, List<String> statements) {
        return Mono.from(c.beginTransaction())
                .thenMany(Flux.fromIterable(statements).concatMap(sql -> exec(c, sql)))
                .then(Mono.from(c.commitTransaction()))
                .onErrorResume(e -> Mono.from(c.rollbackTransaction()).onErrorResume(x -> Mono.empty()).then(Mono.error(e)));
    }

    /** A connection opened on first use and kept for one run of a move. */
    private static final class Held {
        private final AtomicReference<Connection> opened = new AtomicReference<>();
        private final Mono<Connection> connection;

        Held(Mono<Connection> open) {
            this.connection = open.doOnNext(opened::set).cache();
        }

        Mono<Void> close() {
            Connection c = opened.getAndSet(null);
            return c == null ? Mono.empty() : Mono.from(c.close()).onErrorResume(e -> Mono.empty());
        }
    }

    private record Entry(long seq, String table, String op, String data) {
    }

    private record Sum(long count, String md5) {
    }

    /**
     * One run of one move: its locations, one connection to each side and to the state database
     * (opened when first needed), the table mapping (read once).
     */
    private final class Run {
        final PgLocation from;
        final PgLocation to;
        final Held src;
        final Held tgt;
        final Held state;
        final MoveStore store;
        final Mono<List<Sql.TableMap>> maps;

        Run(MoveState s) {
            this.from = PgLocation.of(engine, s.tenant(), config, s.from());
            this.to = PgLocation.of(engine, s.tenant(), config, s.to());
            this.src = new Held(from.connect());
            this.tgt = new Held(to.connect());
            this.state = new Held(TenantMover.this.store.connect());
            this.store = TenantMover.this.store.bound(state.connection);
            this.maps = Mono.defer(() -> maps(s)).cache();
        }

        Mono<Void> close() {
            return Flux.merge(src.close(), tgt.close(), state.close()).then();
        }

        <T> Flux<T> onSource(Function<Connection, ? extends Publisher<T>> work) {
            return src.connection.flatMapMany(work);
        }

        <T> Flux<T> onTarget(Function<Connection, ? extends Publisher<T>> work) {
            return tgt.connection.flatMapMany(work);
        }

        Mono<MoveState> step(MoveStep step, MoveState s) {
            long start = System.nanoTime();
            Mono<MoveState> work;
            switch (step) {
                case PROVISION:
                    work = provisioning(to, true).then(maps).thenReturn(s);
                    break;
                case CAPTURE:
                    work = maps.flatMap(m -> onSource(c -> transaction(c, Sql.captureSetup(s.id(), s.tenant().value(),
                            from.shared, m, from::qualified))).then()).thenReturn(s);
                    break;
                case COPY:
                    work = maps.flatMap(m -> store.checkpoints(s.id())
                                    .flatMap(cps -> Flux.fromIterable(m).concatMap(t -> copy(s, t, cps.get(t.name()))).then()))
                            .thenReturn(s);
                    break;
                case CATCH_UP:
                    work = drain(s, catchUpThreshold).thenReturn(s);
                    break;
                case FENCE:
                    work = fence(s);
                    break;
                case SWITCH:
                    work = switchOver(s);
                    break;
                case CLEANUP:
                    work = cleanup(s);
                    break;
                default:
                    work = Mono.just(s);
            }
            return work.doOnSuccess(x -> LOG.info("move {} of tenant {} ({} -> {}): {} done in {} ms", s.id(), s.tenant().value(),
                    s.from(), s.to(), step.id(), (System.nanoTime() - start) / 1_000_000));
        }

        private Mono<List<Sql.TableMap>> maps(MoveState s) {
            return Mono.zip(from.tables(), to.tables()).flatMap(t -> {
                Map<String, Sql.Table> targets = new HashMap<>();
                t.getT2().forEach(x -> targets.put(x.name(), x));
                List<Sql.TableMap> result = new ArrayList<>();
                for (Sql.Table source : t.getT1()) {
                    Object m = Sql.TableMap.of(source, targets.get(source.name()), from.shared, to.shared);
                    if (m instanceof String problem) {
                        return Mono.error(new DataAccessException("cannot move the tenant from " + from + " to " + to + ": " + problem,
                                s.tenant(), engine, null));
                    }
                    result.add((Sql.TableMap) m);
                }
                return Mono.just(result);
            });
        }

        // -------------------------------------------------------------- copy

        private Mono<Void> copy(MoveState s, Sql.TableMap m, MoveStore.Checkpoint cp) {
            if (cp != null && cp.done()) {
                return Mono.empty();
            }
            String first = cp == null ? null : cp.lastKey();
            return Mono.just(Optional.ofNullable(first))
                    .expand(last -> copyBatch(s, m, last.orElse(null)).map(Optional::of))
                    .then();
        }

        /** @return the last key copied, or empty when the table is done */
        private Mono<String> copyBatch(MoveState s, Sql.TableMap m, String last) {
            return onSource(src -> {
                io.r2dbc.spi.Statement st = src.createStatement(m.copyBatch(from.qualified(m.name()), last != null, batchSize));
                int p = 0;
                if (from.shared) {
                    st.bind(p++, s.tenant().value());
                }
                if (last != null) {
                    st.bind(p, last);
                }
                return Flux.from(st.execute())
                        .concatMap(r -> r.map((row, md) -> new String[]{row.get(0, String.class), row.get(1, String.class)}));
            })
                    .collectList()
                    .flatMap(rows -> {
                        if (rows.isEmpty()) {
                            return store.checkpoint(s.id(), m.name(), new MoveStore.Checkpoint(last, true)).then(Mono.empty());
                        }
                        List<String> json = new ArrayList<>(rows.size());
                        rows.forEach(r -> json.add(r[0]));
                        String key = rows.get(rows.size() - 1)[1];
                        boolean done = rows.size() < batchSize;
                        return write(s, m.upsert(to.qualified(m.name())), json)
                                .then(store.checkpoint(s.id(), m.name(), new MoveStore.Checkpoint(key, done)))
                                .then(done ? Mono.empty() : Mono.just(key));
                    });
        }

        private Mono<Long> write(MoveState s, String sql, List<String> jsonRows) {
            return onTarget(tgt -> {
                io.r2dbc.spi.Statement st = tgt.createStatement(sql).bind(0, "[" + String.join(",", jsonRows) + "]");
                if (to.shared) {
                    st.bind(1, s.tenant().value());
                }
                return exec(st);
            }).next();
        }

        // -------------------------------------------------------------- catch-up

        /** Replays rounds of the log until a round finds fewer than {@code stopBelow} entries. */
        private Mono<Void> drain(MoveState s, int stopBelow) {
            return maps.flatMap(m -> {
                Map<String, Sql.TableMap> byName = new HashMap<>();
                m.forEach(t -> byName.put(t.name(), t));
                return drainOnce(s, byName).expand(n -> n >= stopBelow ? drainOnce(s, byName) : Mono.empty()).then();
            });
        }

        /** One round: the oldest entries in sequence order, applied on the target in one transaction, then removed. */
        private Mono<Integer> drainOnce(MoveState s, Map<String, Sql.TableMap> maps) {
            return onSource(src -> Flux.from(src.createStatement("SELECT seq, tbl, op::text, data::text FROM " + Sql.logTable(s.id())
                            + " ORDER BY seq LIMIT " + batchSize).execute())
                    .concatMap(r -> r.map((row, md) -> new Entry(row.get(0, Long.class), row.get(1, String.class),
                            row.get(2, String.class), row.get(3, String.class)))))
                    .collectList()
                    .flatMap(entries -> entries.isEmpty() ? Mono.just(0) : apply(s, maps, entries).thenReturn(entries.size()));
        }

        private Mono<Void> apply(MoveState s, Map<String, Sql.TableMap> maps, List<Entry> entries) {
            // runs of consecutive entries of one table and kind: one statement each, in order
            List<List<Entry>> runs = new ArrayList<>();
            for (Entry e : entries) {
                List<Entry> run = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                if (run == null || !run.get(0).table().equals(e.table()) || !run.get(0).op().equals(e.op())) {
                    run = new ArrayList<>();
                    runs.add(run);
                }
                run.add(e);
            }
            Long[] seqs = entries.stream().map(Entry::seq).toArray(Long[]::new);
            return onTarget(tgt -> Mono.from(tgt.beginTransaction())
                    .thenMany(Flux.fromIterable(runs).concatMap(run -> {
                        Sql.TableMap m = maps.get(run.get(0).table());
                        if (m == null) {
                            return Mono.error(new DataAccessException("the move's log holds a change of table "
                                    + run.get(0).table() + " which is not among the moved tables", s.tenant(), engine, null));
                        }
                        String target = to.qualified(m.name());
                        return write(s, "D".equals(run.get(0).op()) ? m.delete(target) : m.upsert(target),
                                run.stream().map(Entry::data).toList());
                    }))
                    .then(Mono.from(tgt.commitTransaction()))
                    .onErrorResume(e -> Mono.from(tgt.rollbackTransaction()).onErrorResume(x -> Mono.empty()).then(Mono.error(e))))
                    // removed only once applied: a crash in between replays them, which is idempotent
                    .thenMany(onSource(src -> exec(src.createStatement("DELETE FROM " + Sql.logTable(s.id()) + " WHERE seq = ANY($1)")
                            .bind(0, seqs))))
                    .then();
        }

        // -------------------------------------------------------------- fence and switch

        private Mono<MoveState> fence(MoveState s) {
            return directory.find(s.tenant()).flatMap(r -> {
                if (switched(r, s)) {
                    return Mono.just(s);    // crashed after the switch: nothing to fence
                }
                MoveState started = s.fenceStartedAt() > 0 ? s : s.fenceStarted(System.currentTimeMillis());
                Mono<TenantRecord> moving = r.status() == TenantStatus.MOVING ? Mono.just(r)
                        : directory.replace(r, r.withStatus(TenantStatus.MOVING)).switchIfEmpty(Mono.error(() -> new DataAccessException(
                        "the tenant's directory record changed while fencing its move: resume the move", s.tenant(), engine, null)));
                String key = Sql.lockKey(s.id());
                return moving
                        .then(store.save(started))
                        .then(Mono.delay(propagationDelay))
                        // waits for writes in flight (they hold the lock shared until they commit), then closes the source
                        .then(onSource(c -> exec(c, "SELECT pg_advisory_lock(" + key + ")")
                                .thenMany(exec(c, "UPDATE " + Sql.quote(Sql.CAPTURE_SCHEMA) + ".fence SET state = 'fenced' WHERE move_id = "
                                        + Sql.literal(s.id())))
                                .thenMany(exec(c, "SELECT pg_advisory_unlock(" + key + ")"))).then())
                        .then(drain(s, 1))
                        .thenReturn(started);
            });
        }

        private Mono<MoveState> switchOver(MoveState s) {
            return directory.find(s.tenant()).flatMap(r -> {
                if (switched(r, s)) {
                    return Mono.just(s.fenceEnded(s.fenceMillis() >= 0 ? s.fenceMillis() : 0));
                }
                return drain(s, 1)
                        .then(verify(s))
                        .then(maps.flatMap(m -> onTarget(c -> Flux.fromIterable(m)
                                .concatMap(t -> Flux.fromIterable(t.advanceSequences(to.qualified(t.name()))))
                                .concatMap(sql -> Flux.from(c.createStatement(sql).execute()).concatMap(x -> x.map((row, md) -> 1))))
                                .then()))
                        .then(Mono.defer(() -> directory.find(s.tenant()))
                                .flatMap(cur -> switched(cur, s) ? Mono.just(cur)
                                        : directory.replace(cur, cur.withShard(engine, s.to().shard()).withStrategy(engine, s.to().strategy())
                                        .withStatus(TenantStatus.ACTIVE)))
                                .switchIfEmpty(Mono.error(() -> new DataAccessException("the tenant's directory record changed during "
                                        + "the switch: retrying", s.tenant(), engine, null)))
                                .retry(3))
                        .map(done -> {
                            long fence = s.fenceStartedAt() > 0 ? System.currentTimeMillis() - s.fenceStartedAt() : 0;
                            LOG.info("move {} of tenant {} switched to {}: writes were fenced {} ms", s.id(), s.tenant().value(), s.to(), fence);
                            return s.fenceEnded(fence);
                        });
            });
        }

        private Mono<Sum> checksum(MoveState s, boolean source, Sql.TableMap m) {
            PgLocation at = source ? from : to;
            Function<Connection, Publisher<Sum>> work = c -> {
                io.r2dbc.spi.Statement st = c.createStatement(m.checksum(at.qualified(m.name()), at.shared));
                if (at.shared) {
                    st.bind(0, s.tenant().value());
                }
                return Flux.from(st.execute()).concatMap(r -> r.map((row, md) -> new Sum(row.get(0, Long.class), row.get(1, String.class))));
            };
            return (source ? onSource(work) : onTarget(work)).single();
        }

        /** Compares counts and checksums; on a difference the move is abandoned (tenant unfenced on the source) and rewound. */
        private Mono<Void> verify(MoveState s) {
            return maps.flatMapMany(Flux::fromIterable)
                    .concatMap(m -> Mono.zip(checksum(s, true, m), checksum(s, false, m))
                            .flatMap(t -> t.getT1().equals(t.getT2()) ? Mono.<String>empty()
                                    : Mono.just("table " + m.name() + " has " + t.getT1().count() + " rows (md5 " + t.getT1().md5()
                                    + ") at the source but " + t.getT2().count() + " (md5 " + t.getT2().md5() + ") at the target")))
                    .next()
                    .flatMap(problem -> abandon(s).then(Mono.<Void>error(new MoveVerificationException(s.tenant(), engine, problem))))
                    .then();
        }

        private Mono<Void> abandon(MoveState s) {
            LOG.warn("move {} of tenant {}: verification failed, unfencing the source and removing the target", s.id(), s.tenant().value());
            return onSource(c -> exec(c, "UPDATE " + Sql.quote(Sql.CAPTURE_SCHEMA) + ".fence SET state = 'open' WHERE move_id = "
                    + Sql.literal(s.id()))).then()
                    .then(directory.find(s.tenant()).flatMap(r -> r.status() == TenantStatus.MOVING
                            ? directory.replace(r, r.withStatus(TenantStatus.ACTIVE)) : Mono.just(r)))
                    .then(tgt.close())
                    .then(provisioning(to, false))
                    .then(store.clearCheckpoints(s.id()))
                    .then(store.save(s.at(MoveStep.PROVISION).fenceStarted(0)));
        }

        // -------------------------------------------------------------- cleanup

        private Mono<MoveState> cleanup(MoveState s) {
            Mono<Void> capture = from.placement.strategy() == IsolationStrategy.DATABASE_PER_TENANT
                    ? Mono.empty()     // the source database is dropped with everything in it
                    : from.tables().flatMap(tables -> onSource(c -> transaction(c, Sql.captureTeardown(s.id(),
                            PgLocation.names(tables).stream().map(from::qualified).toList()))).then());
            return Mono.delay(cleanupGrace)
                    .then(capture)
                    .then(src.close())
                    .then(provisioning(from, false))
                    .thenReturn(s);
        }
    }

    /** Builds a {@link TenantMover}. */
    public static final class Builder {
        private final DatabaseConfig config;
        private final TenantDirectory directory;
        private DatabaseConfig stateConfig;
        private String table = DEFAULT_TABLE;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int catchUpThreshold = DEFAULT_CATCH_UP_THRESHOLD;
        private Duration propagationDelay = DEFAULT_PROPAGATION_DELAY;
        private Duration cleanupGrace;

        private Builder(DatabaseConfig config, TenantDirectory directory) {
            this.config = Objects.requireNonNull(config, "config");
            this.directory = Objects.requireNonNull(directory, "directory");
            if (config.type() != DatabaseType.POSTGRESQL && config.type() != DatabaseType.TIMESCALEDB) {
                throw new IllegalArgumentException("TenantMover moves PostgreSQL and TimescaleDB tenants, not " + config.type().id());
            }
        }

        /**
         * @param where the database holding the state table (first host, database, user), by default the engine's connection
         * @param stateTable the table's name ({@code [a-z_][a-z0-9_]*}); {@code <stateTable>_copy} goes with it
         * @return this
         */
        public Builder stateStore(DatabaseConfig where, String stateTable) {
            if (!TABLE.matcher(Objects.requireNonNull(stateTable, "stateTable")).matches()) {
                throw new IllegalArgumentException("state table '" + stateTable + "' must match [a-z_][a-z0-9_]{0,50}");
            }
            this.stateConfig = Objects.requireNonNull(where, "where");
            this.table = stateTable;
            return this;
        }

        /** @param rows &gt; 0: rows per copy batch and log entries per replay round @return this */
        public Builder batchSize(int rows) {
            if (rows < 1) {
                throw new IllegalArgumentException("batchSize must be > 0, got " + rows);
            }
            this.batchSize = rows;
            return this;
        }

        /** @param entries &gt; 0: catch-up ends when a round finds fewer log entries @return this */
        public Builder catchUpThreshold(int entries) {
            if (entries < 1) {
                throw new IllegalArgumentException("catchUpThreshold must be > 0, got " + entries);
            }
            this.catchUpThreshold = entries;
            return this;
        }

        /**
         * @param delay &gt;= 0: wait after marking the tenant moving before fencing the source, so
         *              every instance (polling the directory) holds writes instead of failing them;
         *              set it to the directory's poll interval
         * @return this
         */
        public Builder propagationDelay(Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("propagationDelay must be >= 0, got " + delay);
            }
            this.propagationDelay = delay;
            return this;
        }

        /**
         * @param grace &gt;= 0: wait after the switch before removing the source's capture and data.
         *              Until then the source's fence refuses (transiently) writes that were routed
         *              there before the switch but ran after it — e.g. after waiting for a pooled
         *              connection — and lagging instances read the complete source. It must exceed the
         *              longest time from routing a write to running it (pool acquire timeout plus
         *              connect time) and the directory's poll interval; by default the pool's
         *              {@code acquire_timeout} + {@code connect_timeout} + 2 s ({@link #CLEANUP_GRACE_MARGIN}).
         * @return this
         */
        public Builder cleanupGrace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("cleanupGrace must be >= 0, got " + grace);
            }
            this.cleanupGrace = grace;
            return this;
        }

        /** @return the mover */
        public TenantMover build() {
            return new TenantMover(this);
        }
    }
}
