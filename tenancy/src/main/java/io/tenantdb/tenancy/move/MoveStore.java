package io.tenantdb.tenancy.move;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.exception.DataAccessException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Moves' persisted state, in PostgreSQL: table {@code <table>} (one row per move: what, where, next
 * step, fence times) and {@code <table>_copy} (the snapshot copy's checkpoint per table).
 */
final class MoveStore implements MoveStateMachine.Store {

    /** A table's copy progress. @param lastKey the last key copied ({@code jsonb} text), null before @param done finished */
    record Checkpoint(String lastKey, boolean done) {
    }

    private final PostgresqlConnectionFactory factory;
    private final String table;
    private final Mono<Connection> bound;

    private MoveStore(PostgresqlConnectionFactory factory, String table, Mono<Connection> bound) {
        this.factory = factory;
        this.table = table;
        this.bound = bound;
    }

    MoveStore(DatabaseConfig config, String table) {
        ConnectionConfig cc = config.connection();
        NodeAddress node = cc.primary();
        PostgresqlConnectionConfiguration.Builder b = PostgresqlConnectionConfiguration.builder()
                .host(node.host()).port(node.port()).database(cc.database() == null ? "postgres" : cc.database())
                .username(cc.user()).connectTimeout(cc.connectTimeout()).applicationName("tenantdb-mover")
                .autodetectExtensions(false);
        Secret password = cc.password();
        if (!password.isNone()) {
            b.password(Mono.fromCallable(() -> (CharSequence) password.reveal()).subscribeOn(Schedulers.boundedElastic()));
        }
        this.factory = new PostgresqlConnectionFactory(b.build());
        this.table = table;
        this.bound = null;
    }

    /** @return a new connection to the state database */
    Mono<Connection> connect() {
        return Mono.from(factory.create());
    }

    /** @param connection the connection every call uses (one run of a move) @return a store using it */
    MoveStore bound(Mono<Connection> connection) {
        return new MoveStore(factory, table, connection);
    }

    private <T> Flux<T> with(Function<Connection, Flux<T>> work) {
        return bound != null ? bound.flatMapMany(work)
                : Flux.usingWhen(factory.create(), work, Connection::close, (c, e) -> c.close(), Connection::close);
    }

    private static Flux<Long> run(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated());
    }

    Mono<Void> initialize() {
        return with(c -> run(c, "CREATE TABLE IF NOT EXISTS " + table + " (move_id text PRIMARY KEY, tenant_id text NOT NULL, "
                + "engine text NOT NULL, from_shard text, from_strategy text NOT NULL, to_shard text, to_strategy text NOT NULL, "
                + "step text NOT NULL, fence_started_at bigint NOT NULL DEFAULT 0, fence_millis bigint NOT NULL DEFAULT -1, "
                + "updated_at timestamptz NOT NULL DEFAULT now())")
                .thenMany(run(c, "CREATE UNIQUE INDEX IF NOT EXISTS " + table + "_one_per_tenant ON " + table
                        + " (tenant_id, engine) WHERE step <> 'done'"))
                .thenMany(run(c, "CREATE TABLE IF NOT EXISTS " + table + "_copy (move_id text NOT NULL, tbl text NOT NULL, "
                        + "last_key text, done boolean NOT NULL DEFAULT false, PRIMARY KEY (move_id, tbl))")))
                .then();
    }

    /** Records a new move; fails when the tenant already has an unfinished move on that engine. */
    Mono<MoveState> insert(MoveState s) {
        return with(c -> {
            io.r2dbc.spi.Statement st = c.createStatement("INSERT INTO " + table + " (move_id, tenant_id, engine, from_shard, "
                    + "from_strategy, to_shard, to_strategy, step) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                    .bind(0, s.id()).bind(1, s.tenant().value()).bind(2, s.engine().id())
                    .bind(4, s.from().strategy().id()).bind(6, s.to().strategy().id()).bind(7, s.step().id());
            return Flux.from(bind(bind(st, 3, s.from().shard()), 5, s.to().shard()).execute()).concatMap(r -> r.getRowsUpdated());
        })
                .then(Mono.just(s))
                .onErrorMap(e -> e.getMessage() != null && e.getMessage().contains("_one_per_tenant"),
                        e -> new IllegalStateException("tenant " + s.tenant().value() + " already has an unfinished move on "
                                + s.engine().id() + ": resume it (TenantMover.resume(moveId), see table " + table + ")", e));
    }

    private static io.r2dbc.spi.Statement bind(io.r2dbc.spi.Statement st, int index, String value) {
        return value == null ? st.bindNull(index, String.class) : st.bind(index, value);
    }

    @Override
    public Mono<Void> save(MoveState s) {
        return with(c -> Flux.from(c.createStatement("UPDATE " + table + " SET step = $2, fence_started_at = $3, "
                        + "fence_millis = $4, updated_at = now() WHERE move_id = $1")
                .bind(0, s.id()).bind(1, s.step().id()).bind(2, s.fenceStartedAt()).bind(3, s.fenceMillis())
                .execute()).concatMap(r -> r.getRowsUpdated()))
                .then();
    }

    Mono<MoveState> load(String moveId) {
        return with(c -> Flux.from(c.createStatement("SELECT move_id, tenant_id, engine, from_shard, from_strategy, to_shard, "
                        + "to_strategy, step, fence_started_at, fence_millis FROM " + table + " WHERE move_id = $1")
                .bind(0, moveId).execute()).concatMap(r -> r.map((row, md) -> read(row))))
                .next()
                .switchIfEmpty(Mono.error(() -> new DataAccessException("no move '" + moveId + "' in " + table
                        + ": plan it with TenantMover.plan(..) first", null, null, null)));
    }

    /** @return the unfinished move of a tenant on an engine, if any */
    Mono<MoveState> unfinished(TenantId tenant, DatabaseType engine) {
        return with(c -> Flux.from(c.createStatement("SELECT move_id, tenant_id, engine, from_shard, from_strategy, to_shard, "
                        + "to_strategy, step, fence_started_at, fence_millis FROM " + table
                        + " WHERE tenant_id = $1 AND engine = $2 AND step <> 'done'")
                .bind(0, tenant.value()).bind(1, engine.id()).execute()).concatMap(r -> r.map((row, md) -> read(row))))
                .next();
    }

    private static MoveState read(Readable row) {
        return new MoveState(row.get(0, String.class), TenantId.of(row.get(1, String.class)), DatabaseType.fromId(row.get(2, String.class)),
                new Placement(row.get(3, String.class), IsolationStrategy.fromId(row.get(4, String.class))),
                new Placement(row.get(5, String.class), IsolationStrategy.fromId(row.get(6, String.class))),
                MoveStep.fromId(row.get(7, String.class)), row.get(8, Long.class), row.get(9, Long.class));
    }

    Mono<Map<String, Checkpoint>> checkpoints(String moveId) {
        return with(c -> Flux.from(c.createStatement("SELECT tbl, last_key, done FROM " + table + "_copy WHERE move_id = $1")
                .bind(0, moveId).execute())
                .concatMap(r -> r.map((row, md) -> Map.entry(row.get(0, String.class),
                        new Checkpoint(row.get(1, String.class), Boolean.TRUE.equals(row.get(2, Boolean.class)))))))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new)
                .map(m -> (Map<String, Checkpoint>) m);
    }

    Mono<Void> checkpoint(String moveId, String tbl, Checkpoint cp) {
        return with(c -> Flux.from(bind(c.createStatement("INSERT INTO " + table + "_copy (move_id, tbl, last_key, done) VALUES ($1, $2, $3, $4) "
                        + "ON CONFLICT (move_id, tbl) DO UPDATE SET last_key = EXCLUDED.last_key, done = EXCLUDED.done")
                .bind(0, moveId).bind(1, tbl).bind(3, cp.done()), 2, cp.lastKey())
                .execute()).concatMap(r -> r.getRowsUpdated()))
                .then();
    }

    Mono<Void> clearCheckpoints(String moveId) {
        return with(c -> Flux.from(c.createStatement("DELETE FROM " + table + "_copy WHERE move_id = $1").bind(0, moveId).execute())
                .concatMap(r -> r.getRowsUpdated()))
                .then();
    }
}
