package io.tenantdb.postgresql.internal;

import io.r2dbc.pool.PoolMetrics;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Result;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.Row;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.core.session.Statement;
import io.tenantdb.core.session.TransactionOptions;
import io.tenantdb.postgresql.PostgresSession;
import io.tenantdb.postgresql.TimeSeries;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** The engine's session: stateless, every method resolves the tenant at subscription. */
final class DefaultPostgresSession implements PostgresSession {

    private final PostgresEngine engine;
    private final PgTimeSeries timeSeries;

    DefaultPostgresSession(PostgresEngine engine) {
        this.engine = engine;
        this.timeSeries = new PgTimeSeries(this);
    }

    @Override
    public DatabaseType engine() {
        return engine.type();
    }

    @Override
    public Flux<Row> query(Statement statement) {
        Objects.requireNonNull(statement, "statement");
        SqlTemplate.Parsed parsed = SqlTemplate.parsed(statement.sql());
        return engine.run(parsed.kind(), statement.nameOr("query"), route -> {
            SqlTemplate.Rendered r = SqlTemplate.render(statement, parsed, route.quotedSchema());
            return PostgresEngine.Plan.implicit(route.needsBinding(r.usesSchema()), c -> rows(c, r));
        });
    }

    @Override
    public <T> Flux<T> query(Statement statement, Function<? super Row, ? extends T> mapper) {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(mapper, "mapper");
        SqlTemplate.Parsed parsed = SqlTemplate.parsed(statement.sql());
        return engine.run(parsed.kind(), statement.nameOr("query"), route -> {
            SqlTemplate.Rendered r = SqlTemplate.render(statement, parsed, route.quotedSchema());
            return PostgresEngine.Plan.implicit(route.needsBinding(r.usesSchema()), c -> mapped(c, r, mapper));
        });
    }

    @Override
    public Mono<Long> execute(Statement statement) {
        Objects.requireNonNull(statement, "statement");
        SqlTemplate.Parsed parsed = SqlTemplate.parsed(statement.sql());
        return engine.run(OperationKind.WRITE, statement.nameOr("execute"), route -> {
            SqlTemplate.Rendered r = SqlTemplate.render(statement, parsed, route.quotedSchema());
            return PostgresEngine.Plan.implicit(route.needsBinding(r.usesSchema()), c -> count(c, r));
        }).single();
    }

    @Override
    public Flux<Long> batch(List<Statement> statements) {
        List<Statement> copy = List.copyOf(statements);
        return engine.run(OperationKind.WRITE, "batch", route -> PostgresEngine.Plan.explicit(TransactionOptions.DEFAULT,
                c -> Flux.fromIterable(copy).concatMap(s -> count(c, SqlTemplate.render(s, route.quotedSchema())))));
    }

    @Override
    public <T> Flux<T> inTransaction(TransactionOptions options, Function<? super SqlSession, ? extends Publisher<T>> work) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(work, "work");
        return engine.run(options.readOnly() ? OperationKind.READ : OperationKind.WRITE, "transaction",
                route -> PostgresEngine.Plan.explicit(options,
                        c -> work.apply(new TransactionSession(engine, route, c))));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work) {
        if (!nativeType.isAssignableFrom(Connection.class)) {
            return Flux.error(new UnsupportedFeatureException("withNative offers io.r2dbc.spi.Connection, not "
                    + nativeType.getName(), null, engine.type(), null));
        }
        return engine.run(OperationKind.WRITE, "native", route -> PostgresEngine.Plan.nativeWork(route, c -> work.apply((N) c)));
    }

    @Override
    public Mono<Integer> warmup() {
        return engine.context().operations().mono(engine.type(), OperationKind.READ, "warmup", tenant ->
                engine.context().targets().resolve(engine.type(), tenant, OperationKind.READ)
                        .flatMap(target -> engine.pools().pool(engine.route(target).spec()).warmup()));
    }

    @Override
    public Mono<PoolMetrics> poolMetrics() {
        return engine.context().operations().mono(engine.type(), OperationKind.READ, "pool_metrics", tenant ->
                engine.context().targets().resolve(engine.type(), tenant, OperationKind.READ)
                        .flatMap(target -> Mono.justOrEmpty(engine.pools().pool(engine.route(target).spec()).getMetrics())));
    }

    @Override
    public TimeSeries timeSeries() {
        return timeSeries;
    }

    PostgresEngine engineImpl() {
        return engine;
    }

    static Flux<Row> rows(Connection c, SqlTemplate.Rendered r) {
        PgRows.Snapshotter snapshotter = new PgRows.Snapshotter(r.sql());
        return PostgresEngine.execute(c, r).concatMap(result -> result.map(snapshotter::snapshot));
    }

    static <T> Flux<T> mapped(Connection c, SqlTemplate.Rendered r, Function<? super Row, ? extends T> mapper) {
        return PostgresEngine.execute(c, r)
                .concatMap(result -> result.map((row, md) -> mapper.apply(new PgRows.Live(row, md))));
    }

    static Mono<Long> count(Connection c, SqlTemplate.Rendered r) {
        return PostgresEngine.execute(c, r)
                .concatMap(Result::getRowsUpdated)
                .reduce(0L, Long::sum);
    }

    /**
     * The session handed to {@code inTransaction} work: every call runs on the transaction's
     * connection, still through the operator chain, and only for the transaction's tenant.
     */
    static final class TransactionSession implements SqlSession {

        private final PostgresEngine engine;
        private final Route route;
        private final Connection connection;

        TransactionSession(PostgresEngine engine, Route route, Connection connection) {
            this.engine = engine;
            this.route = route;
            this.connection = connection;
        }

        private <T> Flux<T> onConnection(OperationKind kind, String name, Function<Connection, Publisher<T>> body) {
            TenantId owner = route.target().tenant();
            return engine.context().operations().flux(engine.type(), kind, name, tenant -> {
                if (!tenant.equals(owner)) {
                    return Flux.error(new IsolationViolationException("this transaction belongs to tenant " + owner
                            + " but the operation runs for " + tenant + ": do not change the tenant inside inTransaction",
                            tenant, engine.type(), null));
                }
                return Flux.from(body.apply(connection))
                        .onErrorMap(e -> PgExceptionFactory.translate(e, tenant, engine.type(), route.where()));
            });
        }

        @Override
        public DatabaseType engine() {
            return engine.type();
        }

        @Override
        public Flux<Row> query(Statement statement) {
            return onConnection(SqlTemplate.parsed(statement.sql()).kind(), statement.nameOr("query"),
                    c -> rows(c, SqlTemplate.render(statement, route.quotedSchema())));
        }

        @Override
        public <T> Flux<T> query(Statement statement, Function<? super Row, ? extends T> mapper) {
            return onConnection(SqlTemplate.parsed(statement.sql()).kind(), statement.nameOr("query"),
                    c -> mapped(c, SqlTemplate.render(statement, route.quotedSchema()), mapper));
        }

        @Override
        public Mono<Long> execute(Statement statement) {
            return onConnection(OperationKind.WRITE, statement.nameOr("execute"),
                    c -> count(c, SqlTemplate.render(statement, route.quotedSchema()))).single();
        }

        @Override
        public Flux<Long> batch(List<Statement> statements) {
            List<Statement> copy = List.copyOf(statements);
            return onConnection(OperationKind.WRITE, "batch", c -> Flux.fromIterable(copy)
                    .concatMap(s -> count(c, SqlTemplate.render(s, route.quotedSchema()))));
        }

        /** Nested transactions join the enclosing one (options are ignored). */
        @Override
        public <T> Flux<T> inTransaction(TransactionOptions options, Function<? super SqlSession, ? extends Publisher<T>> work) {
            return Flux.defer(() -> work.apply(this));
        }

        @Override
        @SuppressWarnings("unchecked")
        public <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work) {
            if (!nativeType.isAssignableFrom(Connection.class)) {
                return Flux.error(new UnsupportedFeatureException("withNative offers io.r2dbc.spi.Connection, not "
                        + nativeType.getName(), route.target().tenant(), engine.type(), null));
            }
            return onConnection(OperationKind.WRITE, "native", c -> {
                // the user may change any session state: the binding is forgotten
                TrackedConnection.forget(c);
                return work.apply((N) c);
            });
        }
    }
}
