package io.tenantdb.clickhouse.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tenantdb.clickhouse.ClickHouseSession;
import io.tenantdb.clickhouse.QuerySettings;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.Row;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.core.session.Statement;
import io.tenantdb.core.session.TransactionOptions;
import io.tenantdb.core.spi.OperationRunner;
import io.tenantdb.core.spi.Target;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/** The ClickHouse session: every method goes through the operation runner, then the tenant's scope. */
final class DefaultClickHouseSession implements ClickHouseSession {

    private static final DatabaseType ENGINE = DatabaseType.CLICKHOUSE;
    /** Rows encoded into one request chunk of an insert. */
    private static final int ROWS_PER_CHUNK = 512;
    /** The mapper of {@link #query(Statement)}: rows as they are, without a map step per row. */
    private static final Function<Row, Row> AS_IS = row -> row;

    private final DefaultClickHouseEngine engine;
    private final QuerySettings settings;

    DefaultClickHouseSession(DefaultClickHouseEngine engine, QuerySettings settings) {
        this.engine = engine;
        this.settings = settings;
    }

    private OperationRunner ops() {
        return engine.context().operations();
    }

    @Override
    public DatabaseType engine() {
        return ENGINE;
    }

    @Override
    public ClickHouseSession withSettings(QuerySettings settings) {
        return new DefaultClickHouseSession(engine, Objects.requireNonNull(settings, "settings"));
    }

    @Override
    public Flux<Row> query(Statement statement) {
        return query(statement, AS_IS);
    }

    @Override
    public <T> Flux<T> query(Statement statement, Function<? super Row, ? extends T> mapper) {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(mapper, "mapper");
        return ops().flux(ENGINE, OperationKind.READ, statement.nameOr("query"), tenant ->
                engine.target(tenant, OperationKind.READ).flatMapMany(target -> {
                    TenantScope scope = engine.scope(target);
                    String sql = render(statement, scope).sql();
                    Flux<ClickHouseRow> rows = engine.rows(target, scope, settings, sql);
                    @SuppressWarnings("unchecked") // AS_IS is the identity: T is Row
                    Flux<T> mapped = mapper == AS_IS ? (Flux<T>) rows : rows.map(mapper::apply);
                    return mapped;
                }));
    }

    @Override
    public Mono<Long> execute(Statement statement) {
        Objects.requireNonNull(statement, "statement");
        return ops().mono(ENGINE, OperationKind.WRITE, statement.nameOr("execute"), tenant ->
                engine.target(tenant, OperationKind.WRITE).flatMap(target -> {
                    TenantScope scope = engine.scope(target);
                    TenantSqlRenderer.Rendered rendered = render(statement, scope);
                    return engine.rows(target, scope, settings, rendered.sql())
                            .then(Mono.fromSupplier(() -> Math.max(0L, rendered.insertedRows())));
                }));
    }

    private static TenantSqlRenderer.Rendered render(Statement statement, TenantScope scope) {
        List<Object> positional;
        try {
            positional = statement.positionalBinds();
        } catch (IllegalStateException e) {
            throw TenantSqlRenderer.bad(scope, e.getMessage(), e);
        }
        return TenantSqlRenderer.render(statement.sql(), positional, statement.namedBinds(), scope);
    }

    @Override
    public Flux<Long> batch(List<Statement> statements) {
        List<Statement> copy = List.copyOf(statements);
        return Flux.fromIterable(copy).concatMap(this::execute);
    }

    @Override
    public <T> Flux<T> inTransaction(TransactionOptions options, Function<? super SqlSession, ? extends Publisher<T>> work) {
        return ops().flux(ENGINE, OperationKind.WRITE, "transaction", tenant -> Flux.error(new UnsupportedFeatureException(
                "ClickHouse has no transactions: run the statements without inTransaction (each insert batch is atomic "
                        + "per block), or use an engine with transactions", tenant, ENGINE, null)));
    }

    @Override
    public <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work) {
        return ops().flux(ENGINE, OperationKind.WRITE, "native", tenant -> Flux.error(new UnsupportedFeatureException(
                "clickhouse offers no native client: a raw HTTP client could not be kept tenant-scoped; use "
                        + "ClickHouseSession (query, insert, withSettings) instead", tenant, ENGINE, null)));
    }

    // ---------------------------------------------------------------- ClickHouse extras

    @Override
    public Mono<Long> insert(String table, Flux<? extends Map<String, ?>> rows, int batchSize) {
        Objects.requireNonNull(rows, "rows");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        return ops().mono(ENGINE, OperationKind.WRITE, "insert", tenant ->
                engine.target(tenant, OperationKind.WRITE).flatMap(target -> {
                    TenantScope scope = engine.scope(target);
                    String query = "INSERT INTO " + qualified(scope, table) + " FORMAT JSONEachRow";
                    Flux<Map<String, ?>> typed = rows.map(row -> row);
                    return typed.window(batchSize)
                            .concatMap(window -> insertBatch(target, scope, query, window))
                            .reduce(0L, (a, b) -> a + b);
                }));
    }

    private Mono<Long> insertBatch(Target target, TenantScope scope, String query, Flux<Map<String, ?>> window) {
        AtomicLong count = new AtomicLong();
        Flux<ByteBuf> body = window
                .map(row -> {
                    count.incrementAndGet();
                    return engine.encode(jsonRow(row, scope));
                })
                .buffer(ROWS_PER_CHUNK)
                .map(DefaultClickHouseSession::chunk);
        return engine.data(target, scope, settings, query, body).then(Mono.fromSupplier(count::get));
    }

    private static ByteBuf chunk(List<byte[]> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(rows.size() * 64);
        for (byte[] row : rows) {
            out.writeBytes(row);
            out.write('\n');
        }
        return Unpooled.wrappedBuffer(out.toByteArray());
    }

    /** Converts a row for JSONEachRow; under row-level security stamps (or checks) the tenant. */
    private static Map<String, Object> jsonRow(Map<String, ?> row, TenantScope scope) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (scope.strategy() == IsolationStrategy.ROW_LEVEL_SECURITY) {
            Object given = row.get(TenantScope.TENANT_COLUMN);
            if (given != null && !given.toString().equals(scope.tenant().value())) {
                throw new IsolationViolationException("a row to insert carries tenant_id of another tenant: leave "
                        + "tenant_id out, tenantdb sets it", scope.tenant(), ENGINE, null);
            }
            out.put(TenantScope.TENANT_COLUMN, scope.tenant().value());
        }
        for (Map.Entry<String, ?> e : row.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException("a row to insert has a null column name");
            }
            if (!out.containsKey(e.getKey())) {
                out.put(e.getKey(), jsonValue(e.getValue()));
            }
        }
        return out;
    }

    static Object jsonValue(Object v) {
        if (v == null || v instanceof String || v instanceof Number) {
            return v;
        }
        if (v instanceof Statement.Null) {
            return null;
        }
        if (v instanceof CharSequence || v instanceof Character || v instanceof UUID || v instanceof LocalDate) {
            return v.toString();
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0;
        }
        if (v instanceof LocalDateTime) {
            return ClickHouseLiterals.dateTime((LocalDateTime) v);
        }
        if (v instanceof Instant || v instanceof OffsetDateTime || v instanceof ZonedDateTime) {
            Instant i = v instanceof Instant ? (Instant) v : v instanceof OffsetDateTime ? ((OffsetDateTime) v).toInstant()
                    : ((ZonedDateTime) v).toInstant();
            return Long.toString(i.getEpochSecond());
        }
        if (v instanceof Enum<?>) {
            return ((Enum<?>) v).name();
        }
        if (v instanceof Collection<?> || v instanceof Object[]) {
            List<Object> list = new ArrayList<>();
            for (Object e : v instanceof Object[] ? List.of((Object[]) v) : (Collection<?>) v) {
                list.add(jsonValue(e));
            }
            return list;
        }
        throw new IllegalArgumentException("cannot insert a " + v.getClass().getName() + " into ClickHouse: use a String, "
                + "number, Boolean, LocalDate, LocalDateTime, Instant, UUID or List");
    }

    private static String qualified(TenantScope scope, String table) {
        try {
            return scope.qualified(table);
        } catch (IllegalArgumentException e) {
            throw TenantSqlRenderer.bad(scope, e.getMessage(), e);
        }
    }

    @Override
    public Mono<Void> createTable(String table, String definition) {
        Objects.requireNonNull(definition, "definition");
        return ops().mono(ENGINE, OperationKind.WRITE, "create_table", tenant ->
                engine.target(tenant, OperationKind.WRITE).flatMap(target -> {
                    TenantScope scope = engine.scope(target);
                    String sql = "CREATE TABLE IF NOT EXISTS " + qualified(scope, table) + " "
                            + TenantSqlRenderer.checkDefinition(definition, scope);
                    return engine.rows(target, scope, settings, sql).then();
                }));
    }

    @Override
    public Mono<Void> truncate(String table) {
        return ops().mono(ENGINE, OperationKind.WRITE, "truncate", tenant ->
                engine.target(tenant, OperationKind.WRITE).flatMap(target -> {
                    TenantScope scope = engine.scope(target);
                    String name = qualified(scope, table);
                    if (scope.strategy() == IsolationStrategy.ROW_LEVEL_SECURITY) {
                        return engine.deleteTenantRows(target, scope, scope.physicalTable(table));
                    }
                    return engine.rows(target, scope, settings, "TRUNCATE TABLE " + name).then();
                }));
    }

    @Override
    public Mono<Void> dropTable(String table) {
        return ops().mono(ENGINE, OperationKind.WRITE, "drop_table", tenant ->
                engine.target(tenant, OperationKind.WRITE).flatMap(target -> {
                    TenantScope scope = engine.scope(target);
                    if (scope.strategy() == IsolationStrategy.ROW_LEVEL_SECURITY) {
                        return Mono.error(new UnsupportedFeatureException("tables are shared under row_level_security: "
                                + "drop them with an administrator connection; truncate(table) removes this tenant's rows",
                                tenant, ENGINE, null));
                    }
                    return engine.rows(target, scope, settings, "DROP TABLE IF EXISTS " + qualified(scope, table)).then();
                }));
    }

    @Override
    public Mono<String> serverVersion() {
        return ops().mono(ENGINE, OperationKind.READ, "server_version", tenant ->
                engine.target(tenant, OperationKind.READ).flatMap(target -> engine.rows(target, engine.scope(target),
                        settings, "SELECT version() AS v").map(row -> row.get(0, String.class)).single()));
    }
}
