package io.tenantdb.postgresql.internal;

import io.r2dbc.spi.Connection;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.session.Statement;
import io.tenantdb.postgresql.TimeSeries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/** {@link TimeSeries} on the tenant's route: TimescaleDB when its extension is there, else native partitioning. */
final class PgTimeSeries implements TimeSeries {

    private static final Logger LOG = LoggerFactory.getLogger(PgTimeSeries.class);

    /** TimescaleDB's own default chunk interval. */
    static final Duration DEFAULT_CHUNK = Duration.ofDays(7);

    private final DefaultPostgresSession session;
    private final Map<String, Mode> modes = new ConcurrentHashMap<>();

    PgTimeSeries(DefaultPostgresSession session) {
        this.session = session;
    }

    private PostgresEngine engine() {
        return session.engineImpl();
    }

    /** Runs {@code body(route, connection)} for the current tenant; names in it are schema-qualified. */
    private <T> Flux<T> run(String name, BiFunction<Route, Connection, Flux<T>> body) {
        return engine().run(OperationKind.WRITE, name, route -> PostgresEngine.Plan.implicit(
                route.binding() == Route.Binding.TENANT_ID, c -> modeOf(route, c).thenMany(body.apply(route, c))));
    }

    private Mono<Mode> modeOf(Route route, Connection c) {
        String key = route.spec().key().toString();
        Mode known = modes.get(key);
        if (known != null) {
            return Mono.just(known);
        }
        return query(c, TimeSeriesSql.extensionPresent(), String.class).next()
                .map(v -> Mode.TIMESCALEDB)
                .defaultIfEmpty(Mode.NATIVE_PARTITIONING)
                .doOnNext(mode -> {
                    if (modes.putIfAbsent(key, mode) == null) {
                        if (mode == Mode.TIMESCALEDB) {
                            LOG.info("{}: timescaledb extension present in database {}: time-series helpers use hypertables",
                                    engine().type().id(), route.spec().key().database());
                        } else {
                            LOG.info("{}: timescaledb extension absent in database {}: time-series helpers fall back to "
                                    + "native range partitioning (partition maintenance and retention by tenantdb, no "
                                    + "compression)", engine().type().id(), route.spec().key().database());
                        }
                    }
                });
    }

    private Mode cached(Route route) {
        return modes.getOrDefault(route.spec().key().toString(), Mode.NATIVE_PARTITIONING);
    }

    @Override
    public Mono<Mode> mode() {
        return run("timeseries_mode", (route, c) -> Flux.just(cached(route))).next();
    }

    @Override
    public Mono<Mode> createTable(String table, String columnsSql, String timeColumn, Duration interval) {
        return run("timeseries_create", (route, c) -> {
            Mode mode = cached(route);
            String s = route.quotedSchema();
            if (mode == Mode.TIMESCALEDB) {
                return exec(c, TimeSeriesSql.createTable(s, table, columnsSql, timeColumn, false))
                        .then(query(c, TimeSeriesSql.createHypertable(s, table, timeColumn, interval), Object.class).then())
                        .thenReturn(mode).flux();
            }
            return exec(c, TimeSeriesSql.createTable(s, table, columnsSql, timeColumn, true))
                    .then(createPartitions(c, s, table, interval, 1))
                    .thenReturn(mode).flux();
        }).next();
    }

    @Override
    public Mono<Mode> createTable(String table, String columnsSql, String timeColumn) {
        return setting("chunk_interval", DEFAULT_CHUNK)
                .flatMap(interval -> createTable(table, columnsSql, timeColumn, interval));
    }

    @Override
    public Mono<Integer> applyRetention(String table) {
        return setting("retention", null).flatMap(retention -> applyRetention(table, retention));
    }

    /** Reads a duration of the current tenant's {@code timescaledb} section. */
    private Mono<Duration> setting(String key, Duration fallback) {
        PostgresEngine engine = engine();
        return engine.context().operations().mono(engine.type(), io.tenantdb.core.OperationKind.READ, "timeseries_config",
                tenant -> {
                    Duration d = engine.context().config(tenant).section("timescaledb").duration(key, fallback);
                    return d != null ? Mono.just(d) : Mono.error(new io.tenantdb.core.exception.ConfigException(
                            "timescaledb." + key + " is not configured for tenant " + tenant + ": set it in "
                                    + engine.type().id() + ".yml or pass the duration explicitly", engine.type(), null));
                });
    }

    @Override
    public Mono<Integer> maintain(String table, String timeColumn, Duration interval, int ahead) {
        return run("timeseries_maintain", (route, c) -> cached(route) == Mode.TIMESCALEDB ? Flux.just(0)
                : createPartitions(c, route.quotedSchema(), table, interval, ahead).flux()).next();
    }

    private Mono<Integer> createPartitions(Connection c, String quotedSchema, String table, Duration interval, int ahead) {
        List<TimeSeriesSql.Sql> creates = TimeSeriesSql.createPartitions(quotedSchema, table, Instant.now(), interval, ahead);
        return query(c, TimeSeriesSql.partitions(quotedSchema, table), String.class).collectList()
                .flatMap(before -> Flux.fromIterable(creates).concatMap(sql -> exec(c, sql)).then(
                        query(c, TimeSeriesSql.partitions(quotedSchema, table), String.class).count()
                                .map(after -> (int) (after - before.size()))));
    }

    @Override
    public Mono<Integer> applyRetention(String table, Duration dropAfter) {
        return run("timeseries_retention", (route, c) -> {
            String s = route.quotedSchema();
            if (cached(route) == Mode.TIMESCALEDB) {
                return query(c, TimeSeriesSql.addRetentionPolicy(s, table, dropAfter), Object.class).then(Mono.just(0)).flux();
            }
            return query(c, TimeSeriesSql.expiredPartitions(s, table, dropAfter), String.class)
                    .collectList()
                    .flatMap(expired -> Flux.fromIterable(expired)
                            .concatMap(p -> exec(c, TimeSeriesSql.dropPartition(s, p)))
                            .then(Mono.fromRunnable(() -> {
                                if (!expired.isEmpty()) {
                                    LOG.info("{}: retention dropped {} partitions of {}", engine().type().id(),
                                            expired.size(), table);
                                }
                            }))
                            .thenReturn(expired.size()))
                    .flux();
        }).next();
    }

    @Override
    public Mono<Boolean> enableCompression(String table, String segmentBy, Duration after) {
        return run("timeseries_compression", (route, c) -> {
            if (cached(route) == Mode.TIMESCALEDB) {
                List<TimeSeriesSql.Sql> sql = TimeSeriesSql.compression(route.quotedSchema(), table, segmentBy, after);
                return exec(c, sql.get(0)).then(query(c, sql.get(1), Object.class).then()).thenReturn(true).flux();
            }
            LOG.info("{}: compression of {} is not available without the timescaledb extension; nothing done",
                    engine().type().id(), table);
            return Flux.just(false);
        }).next();
    }

    @Override
    public Mono<Mode> createAggregate(String view, String selectSql, Duration refreshEvery) {
        return run("timeseries_aggregate", (route, c) -> {
            String s = route.quotedSchema();
            String select = SqlTemplate.render(Statement.of(selectSql), s).sql();
            if (cached(route) == Mode.TIMESCALEDB) {
                List<TimeSeriesSql.Sql> sql = TimeSeriesSql.continuousAggregate(s, view, select, refreshEvery);
                return exec(c, sql.get(0)).then(query(c, sql.get(1), Object.class).then()).thenReturn(Mode.TIMESCALEDB).flux();
            }
            return exec(c, TimeSeriesSql.materializedView(s, view, select)).thenReturn(Mode.NATIVE_PARTITIONING).flux();
        }).next();
    }

    @Override
    public Mono<Void> refreshAggregate(String view) {
        return run("timeseries_refresh", (route, c) -> exec(c, cached(route) == Mode.TIMESCALEDB
                ? TimeSeriesSql.refreshContinuousAggregate(route.quotedSchema(), view)
                : TimeSeriesSql.refreshMaterializedView(route.quotedSchema(), view)).flux()).then();
    }

    private static Mono<Long> exec(Connection c, TimeSeriesSql.Sql sql) {
        return DefaultPostgresSession.count(c, new SqlTemplate.Rendered(sql.sql(), sql.binds(), false, SqlTemplate.changesSession(sql.sql())));
    }

    private static <T> Flux<T> query(Connection c, TimeSeriesSql.Sql sql, Class<T> type) {
        return PostgresEngine.execute(c, new SqlTemplate.Rendered(sql.sql(), sql.binds(), false, SqlTemplate.changesSession(sql.sql())))
                .concatMap(r -> r.map((row, md) -> java.util.Optional.ofNullable(row.get(0, type))))
                .filter(java.util.Optional::isPresent)
                .map(java.util.Optional::get);
    }
}
