package io.tenantdb.postgresql.internal;

import io.r2dbc.postgresql.api.PostgresTransactionDefinition;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Result;
import io.r2dbc.spi.TransactionDefinition;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.TransientDataAccessException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.Session;
import io.tenantdb.core.session.Statement;
import io.tenantdb.core.session.TransactionOptions;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.PoolMetricsSource;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.spi.Target;
import io.tenantdb.postgresql.PostgresSession;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The PostgreSQL / TimescaleDB engine: routes each operation to its pool, binds the tenant,
 * runs, and releases the connection on complete, error and cancel.
 *
 * <h2>How the tenant is bound (schema_per_tenant without {schema}, row_level_security)</h2>
 * At session level, with connection affinity: {@code SELECT set_config('app.tenant_id', $1, false),
 * set_config('search_path', $2, false)} — values always bind parameters — and the binding recorded
 * on the pooled physical connection ({@link TrackedConnection}). Before every tenant operation the
 * recorded binding is compared with the operation's: equal, the statement goes out at once (one hot
 * tenant: no extra round trip); different or unknown, the binding statement runs first (one round
 * trip) and is recorded only once it succeeded. The binding is forgotten (the next operation
 * re-binds) after any error, cancel, {@code withNative} work, and any statement that may change
 * session state ({@code set_config}, {@code SET}, {@code RESET}, {@code DISCARD}, transaction
 * control, {@code DO}, {@code CALL}); a connection whose binding statement failed is discarded.
 * The binding is not sent in the same round trip as the statement: r2dbc-postgresql sends each
 * statement with its own Sync, so outside a transaction a failed binding would not stop the
 * statement behind it from running under the previous tenant's binding.
 *
 * <p>Fail closed: a connection never used by tenantdb has no tenant (RLS shows zero rows); an idle
 * pooled connection keeps its last tenant's binding, and every tenant operation re-binds before use
 * unless the binding is its own. {@code {schema}}-qualified statements run on a connection that is
 * neutral or bound to their own tenant (never another's). {@code withNative} resets the session to
 * neutral when it was bound and binds the tenant inside a transaction ({@code set_config(..., true)}),
 * so a COMMIT inside the work leaves the connection unbound. Explicit transactions bind at session
 * level before BEGIN. A PL/pgSQL function that itself calls {@code set_config(..., false)} is not
 * detected: do not change {@code app.tenant_id} or {@code search_path} from server-side code.
 */
public final class PostgresEngine implements Engine, PoolMetricsSource {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresEngine.class);

    static final String BIND_SQL = "SELECT set_config('app.tenant_id', $1, true), set_config('search_path', $2, true), "
            + "to_regnamespace($3) IS NOT NULL";

    /** The session-level binding, recorded on the {@link TrackedConnection}. */
    static final String SESSION_BIND_SQL = "SELECT set_config('app.tenant_id', $1, false), "
            + "set_config('search_path', $2, false), to_regnamespace($3) IS NOT NULL";

    /** Back to no binding: no tenant, the session's default search_path. Constant text. */
    static final String NEUTRAL_SQL = "SELECT set_config('app.tenant_id', '', false), set_config('search_path', reset_val, false) "
            + "FROM pg_settings WHERE name = 'search_path'";

    private final EngineContext context;
    private final DatabaseType type;
    private final PgSettings baseSettings;
    private final PoolRegistry pools;
    private final Map<DatabaseConfig, PgSettings> settings = new ConcurrentHashMap<>();
    private final RlsVerifier rls;
    private final DefaultPostgresSession session;
    private final Provisioner provisioner;

    /**
     * @param context what the façade hands the engine
     */
    public PostgresEngine(EngineContext context) {
        this.context = context;
        this.type = context.type();
        this.baseSettings = PgSettings.of(context.config(), type);
        if (baseSettings.dedicatedMaxSize() > 0) {
            // every tenant would get a pool of its own: the long tail must share one
            throw new ConfigException("postgresql." + PgSettings.DEDICATED_POOL + " is set in the base " + type.id()
                    + " configuration, which would give every tenant a pool of its own: set it only in the files of "
                    + "hot tenants (config/tenants/{tenant_id}/" + type.id() + ".yml)", type, null);
        }
        this.pools = new PoolRegistry(type, baseSettings.maxPools());
        this.rls = new RlsVerifier(this);
        this.session = new DefaultPostgresSession(this);
        this.provisioner = new Provisioner(this);
    }

    @Override
    public DatabaseType type() {
        return type;
    }

    @Override
    public List<PoolStats> poolStats() {
        return pools.stats(type);
    }

    @Override
    public Set<IsolationStrategy> supportedStrategies() {
        return EnumSet.allOf(IsolationStrategy.class);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S extends Session> S session(Class<S> family) {
        if (family.isAssignableFrom(PostgresSession.class)) {
            return (S) session;
        }
        throw new UnsupportedFeatureException("the " + type.id() + " engine offers SqlSession and PostgresSession, not "
                + family.getSimpleName(), null, type, null);
    }

    @Override
    public Mono<Void> provision(TenantId tenant) {
        return context.targets().resolve(type, tenant, OperationKind.WRITE)
                .flatMap(target -> provisioner.provision(route(target)))
                .onErrorMap(e -> PgExceptionFactory.translate(e, tenant, type, null));
    }

    @Override
    public Mono<Void> deprovision(TenantId tenant) {
        return context.targets().resolve(type, tenant, OperationKind.WRITE)
                .flatMap(target -> provisioner.deprovision(route(target)))
                .onErrorMap(e -> PgExceptionFactory.translate(e, tenant, type, null));
    }

    @Override
    public Flux<Health> health() {
        DatabaseConfig base = context.config();
        Set<NodeAddress> nodes = new LinkedHashSet<>(base.connection().hosts());
        nodes.addAll(base.replicas());
        return Flux.fromIterable(nodes).flatMap(node -> health(base, node));
    }

    private Mono<Health> health(DatabaseConfig base, NodeAddress node) {
        PoolRegistry.PoolSpec spec = adminSpec(base, node);
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return Flux.usingWhen(pools.acquire(spec),
                            lease -> Flux.from(lease.connection.createStatement(
                                            "SELECT 1, (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb')")
                                    .execute())
                                    .concatMap(r -> r.map((row, md) -> java.util.Optional.ofNullable(row.get(1, String.class)))),
                            PoolRegistry.Lease::release, (lease, e) -> lease.invalidate(), PoolRegistry.Lease::release)
                    .next()
                    .timeout(base.connection().connectTimeout().plus(base.pool().acquireTimeout()))
                    .map(ext -> {
                        Duration latency = Duration.ofNanos(System.nanoTime() - start);
                        String detail = "SELECT 1 answered";
                        if (type == DatabaseType.TIMESCALEDB) {
                            detail += ext.isPresent() ? "; timescaledb " + ext.get() + " present"
                                    : "; timescaledb extension absent: time-series helpers use native range partitioning";
                        }
                        return new Health(type, node.toString(), Health.Status.UP, latency, detail);
                    })
                    .onErrorResume(e -> Mono.just(new Health(type, node.toString(), Health.Status.DOWN,
                            Duration.ofNanos(System.nanoTime() - start),
                            PgExceptionFactory.translate(e, null, type, null).getMessage())));
        });
    }

    @Override
    public Mono<Void> closeAsync() {
        return pools.closeAsync();
    }

    // ---------------------------------------------------------------- routing

    EngineContext context() {
        return context;
    }

    PoolRegistry pools() {
        return pools;
    }

    PgSettings settings(DatabaseConfig config) {
        return settings.computeIfAbsent(config, c -> PgSettings.of(c, type));
    }

    /** What a route is derived from, besides the operation kind. The configuration is compared by identity. */
    private record PlaceKey(DatabaseConfig config, TenantId tenant, NodeAddress node, IsolationStrategy strategy) {
    }

    /** Bound on remembered routes (one per tenant and node); cleared when reached. */
    private static final int ROUTE_CACHE_LIMIT = 100_000;
    private final Map<PlaceKey, Route> routes = new ConcurrentHashMap<>();

    /** The route last used: with one hot tenant, found without a lookup. */
    private volatile Route lastRoute;

    /**
     * @param target where the operation runs
     * @return its route, remembered per (configuration, tenant, node, strategy); the route's target is the
     *     first one seen for that key (the engine reads only those four from it, never the kind)
     */
    Route route(Target target) {
        Route last = lastRoute;
        if (last != null && sameRoute(last.target(), target)) {
            return last;
        }
        PlaceKey key = new PlaceKey(target.config(), target.tenant(), target.node(), target.strategy());
        Route known = routes.get(key);
        if (known == null) {
            known = newRoute(target);
            if (routes.size() >= ROUTE_CACHE_LIMIT) {
                routes.clear();
            }
            routes.put(key, known);
        }
        lastRoute = known;
        return known;
    }

    private static boolean sameRoute(Target a, Target b) {
        return a.config() == b.config() && a.strategy() == b.strategy() && a.tenant().equals(b.tenant())
                && a.node().equals(b.node());
    }

    private Route newRoute(Target target) {
        DatabaseConfig cfg = target.config();
        PgSettings s = settings(cfg);
        ConnectionConfig cc = cfg.connection();
        String database = cc.database() == null ? "postgres" : cc.database();
        NodeAddress node = target.node();
        switch (target.strategy()) {
            case DATABASE_PER_TENANT: {
                String name = PgIdentifiers.tenantObjectName(cfg.isolation(), target.tenant(), type);
                PoolRegistry.PoolSpec spec = new PoolRegistry.PoolSpec(
                        new PoolRegistry.PoolKey(node.host(), node.port(), name, cc.user()), cc.password(), cc, cfg.pool(), s);
                return route(target, spec, name, PgIdentifiers.quote("public"), Route.Binding.NONE);
            }
            case SCHEMA_PER_TENANT: {
                String name = PgIdentifiers.tenantObjectName(cfg.isolation(), target.tenant(), type);
                PoolRegistry.PoolSpec spec = sharedDatabaseSpec(target, database, cc.user(), cc.password(), s);
                return route(target, spec, name, PgIdentifiers.quote(name), Route.Binding.SEARCH_PATH);
            }
            default: {
                String user = s.rlsUser() == null ? cc.user() : s.rlsUser();
                PoolRegistry.PoolSpec spec = sharedDatabaseSpec(target, database, user,
                        s.rlsUser() == null ? cc.password() : s.rlsPassword(), s);
                return route(target, spec, s.rlsSchema(), PgIdentifiers.quote(s.rlsSchema()), Route.Binding.TENANT_ID);
            }
        }
    }

    /**
     * The pool of a schema or RLS tenant on the shared database: the one its server's tenants share,
     * or, with {@code dedicated_pool} in the tenant's own configuration, a pool of its own (same
     * database, user and binding rules; its connections stay bound to the tenant).
     */
    private static PoolRegistry.PoolSpec sharedDatabaseSpec(Target target, String database, String user,
                                                           io.tenantdb.core.config.Secret password, PgSettings s) {
        DatabaseConfig cfg = target.config();
        NodeAddress node = target.node();
        int dedicated = s.dedicatedMaxSize();
        if (dedicated == 0) {
            return new PoolRegistry.PoolSpec(new PoolRegistry.PoolKey(node.host(), node.port(), database, user),
                    password, cfg.connection(), cfg.pool(), s);
        }
        PoolConfig shared = cfg.pool();
        PoolConfig own = new PoolConfig(Math.min(shared.initialSize(), dedicated), dedicated, shared.maxIdleTime(),
                shared.acquireTimeout(), shared.validationQuery());
        return new PoolRegistry.PoolSpec(new PoolRegistry.PoolKey(node.host(), node.port(), database, user,
                target.tenant().value()), password, cfg.connection(), own, s);
    }

    private static Route route(Target target, PoolRegistry.PoolSpec spec, String where, String quotedSchema,
                               Route.Binding binding) {
        return new Route(target, spec, where, quotedSchema, binding,
                new TrackedConnection.Bound(target.tenant().value(), quotedSchema), spec.key() + "|" + where);
    }

    /** The administrative pool of a node: the configured database and user. */
    PoolRegistry.PoolSpec adminSpec(DatabaseConfig cfg, NodeAddress node) {
        ConnectionConfig cc = cfg.connection();
        String database = cc.database() == null ? "postgres" : cc.database();
        return new PoolRegistry.PoolSpec(new PoolRegistry.PoolKey(node.host(), node.port(), database, cc.user()),
                cc.password(), cc, cfg.pool(), settings(cfg));
    }

    // ---------------------------------------------------------------- execution

    /** What an operation needs of the connection's tenant binding. */
    enum Scope {
        /** Bound to the operation's tenant at session level (unqualified SQL, row-level security). */
        BOUND,
        /**
         * Not bound to another tenant: neutral, or bound to the operation's own tenant
         * ({@code {schema}}-qualified SQL of a schema tenant), so no other tenant's objects resolve.
         */
        NOT_FOREIGN,
        /**
         * {@code withNative}: a neutral session and the binding local to the operation's transaction
         * ({@code set_config(..., true)}), so a COMMIT inside the work leaves the connection unbound
         * (fail closed); the connection's state is unknown afterwards.
         */
        NATIVE
    }

    /**
     * One operation's plan once its route is known.
     *
     * @param transaction    whether to run in a transaction
     * @param options        its options
     * @param commitOnCancel {@code true} for the implicit transaction of a single statement, which
     *                       behaves like autocommit: a subscriber cancelling after the statement ran
     *                       (e.g. {@code query("INSERT ... RETURNING id").next()}) does not undo it.
     *                       {@code false} for {@code inTransaction} and {@code batch}: cancel rolls back
     * @param scope          what the work needs of the tenant binding (ignored for database tenants)
     * @param body           the work on the connection
     */
    record Plan<T>(boolean transaction, TransactionOptions options, boolean commitOnCancel, Scope scope,
                   Function<Connection, ? extends Publisher<T>> body) {

        /** A single statement in autocommit: bound when {@code needsBinding}, else on a connection not bound to another tenant. */
        static <T> Plan<T> implicit(boolean needsBinding, Function<Connection, ? extends Publisher<T>> body) {
            return new Plan<>(false, TransactionOptions.DEFAULT, true, needsBinding ? Scope.BOUND : Scope.NOT_FOREIGN, body);
        }

        static <T> Plan<T> explicit(TransactionOptions options, Function<Connection, ? extends Publisher<T>> body) {
            return new Plan<>(true, options, false, Scope.BOUND, body);
        }

        static <T> Plan<T> nativeWork(Route route, Function<Connection, ? extends Publisher<T>> body) {
            return new Plan<>(route.binding() != Route.Binding.NONE, TransactionOptions.DEFAULT, false, Scope.NATIVE, body);
        }
    }

    /**
     * Runs an operation for the tenant of the subscriber's context: through the operator chain,
     * on the resolved target, with the tenant bound when the route needs it.
     */
    @SuppressWarnings("unchecked")
    <T> Flux<T> run(OperationKind kind, String name, Function<Route, Plan<T>> planner) {
        return context.operations().flux(type, kind, name, tenant -> {
            Mono<Target> resolved = context.targets().resolve(type, tenant, kind);
            if (resolved instanceof Fuseable.ScalarCallable) {
                // known at once (the default resolver, a cached placement): no operators to wait for it
                Target target;
                try {
                    target = ((Fuseable.ScalarCallable<Target>) resolved).call();
                } catch (Throwable e) {
                    return Flux.error(PgExceptionFactory.translate(Exceptions.unwrap(e), tenant, type, null));
                }
                return target == null ? Flux.empty() : onTarget(target, planner);
            }
            return resolved.onErrorMap(e -> PgExceptionFactory.translate(e, tenant, type, null))
                    .flatMapMany(target -> onTarget(target, planner));
        });
    }

    private <T> Flux<T> onTarget(Target target, Function<Route, Plan<T>> planner) {
        Route route = route(target);
        return onRoute(route, planner.apply(route)).onErrorResume(e -> this.<T>refineMissingSchema(route, e)
                .onErrorMap(x -> PgExceptionFactory.translate(x, target.tenant(), type, route.where())));
    }

    /**
     * A missing table in a schema tenant ({@code {schema}.t}: SQLSTATE 42P01) may mean the whole
     * schema is missing: then it is reported as not provisioned. Checked only on that error path.
     */
    private <T> Flux<T> refineMissingSchema(Route route, Throwable error) {
        if (route.binding() != Route.Binding.SEARCH_PATH || !(error instanceof io.r2dbc.spi.R2dbcException)
                || !"42P01".equals(PgExceptionFactory.sqlState((io.r2dbc.spi.R2dbcException) error))) {
            return Flux.error(error);
        }
        return Flux.usingWhen(pools.acquire(route.spec()),
                        lease -> Flux.from(lease.connection.createStatement("SELECT to_regnamespace($1) IS NOT NULL")
                                        .bind(0, route.quotedSchema()).execute())
                                .concatMap(r -> r.map((row, md) -> Boolean.TRUE.equals(row.get(0, Boolean.class)))),
                        PoolRegistry.Lease::release, (l, e) -> l.release(), PoolRegistry.Lease::release)
                .next()
                .onErrorReturn(true)
                .flatMapMany(present -> Flux.error(present ? error : new NotProvisionedException("the schema '"
                        + route.where() + "' does not exist: provision the tenant first (TenantDb.provision)",
                        route.target().tenant(), type, error)));
    }

    /** Acquire, (bind,) (begin,) run, (commit / roll back,) release: as one scope. */
    <T> Flux<T> onRoute(Route route, Plan<T> plan) {
        Flux<T> work = Flux.usingWhen(pools.acquire(route.spec()),
                lease -> {
                    Connection c = lease.connection;
                    Mono<Void> prepare = prepare(route, plan.scope(), lease);
                    if (!plan.transaction()) {
                        return prepare == null ? Flux.from(plan.body().apply(c))
                                : prepare.thenMany(Flux.defer(() -> plan.body().apply(c)));
                    }
                    // The transaction is marked first so any failure ends in ROLLBACK.
                    lease.inTransaction = true;
                    Flux<Void> begin = Mono.from(c.beginTransaction(definition(plan.options()))).flux();
                    if (plan.scope() == Scope.NATIVE) {
                        // BEGIN and the local binding are sent together and answered in order: the
                        // work starts only once both succeeded, and the driver sees the transaction
                        // open (its commit/rollback calls check that status)
                        begin = Flux.mergeSequential(begin, bind(route, c, false).flux());
                    }
                    Flux<Void> started = prepare == null ? begin : prepare.thenMany(begin);
                    return started.thenMany(Flux.defer(() -> plan.body().apply(c)));
                },
                lease -> {
                    if (plan.scope() == Scope.NATIVE) {
                        lease.forget();
                    }
                    return commitAndRelease(lease);
                },
                (lease, error) -> {
                    lease.forget();
                    return lease.doomed ? lease.invalidate() : rollbackAndRelease(lease);
                },
                lease -> {
                    lease.forget();
                    if (lease.doomed) {
                        return lease.invalidate();
                    }
                    return plan.commitOnCancel() ? commitAndRelease(lease).onErrorResume(e -> Mono.empty())
                            : rollbackAndRelease(lease);
                });
        return route.binding() != Route.Binding.TENANT_ID || rls.verified(route) ? work : rls.verify(route).thenMany(work);
    }

    /**
     * What must run before the work so the connection's binding is what the plan needs, or
     * {@code null} when the connection is already so (one hot tenant: almost always).
     */
    private Mono<Void> prepare(Route route, Scope scope, PoolRegistry.Lease lease) {
        TrackedConnection tracked = lease.tracked;
        if (route.binding() == Route.Binding.NONE || tracked == null) {
            return null;
        }
        TrackedConnection.Bound current = tracked.binding();
        switch (scope) {
            case BOUND:
                if (route.session().equals(current)) {
                    return null;
                }
                break;
            case NOT_FOREIGN:
                if (current == TrackedConnection.NEUTRAL || route.session().equals(current)) {
                    return null;
                }
                // another tenant's (or an unknown) binding: reset to neutral rather than bind this
                // tenant, so the next {schema} statement of any tenant runs with no round trip first
                tracked.forget();
                if (!lease.connection.isAutoCommit()) {
                    return leftInTransaction(route, lease);
                }
                lease.countBinding();
                return Flux.from(lease.connection.createStatement(NEUTRAL_SQL).execute())
                        .concatMap(Result::getRowsUpdated)
                        .then(Mono.fromRunnable(() -> tracked.bound(TrackedConnection.NEUTRAL)))
                        .onErrorResume(e -> doom(lease, e))
                        .then();
            default:
                // withNative: the user may change anything; the state is unknown from now on
                tracked.forget();
                if (current == TrackedConnection.NEUTRAL) {
                    return null;
                }
                if (!lease.connection.isAutoCommit()) {
                    return leftInTransaction(route, lease);
                }
                return Flux.from(lease.connection.createStatement(NEUTRAL_SQL).execute())
                        .concatMap(Result::getRowsUpdated)
                        .then()
                        .onErrorResume(e -> doom(lease, e));
        }
        // unknown or another tenant's binding: forgotten until the new one is confirmed
        tracked.forget();
        if (!lease.connection.isAutoCommit()) {
            // a session-level set_config inside a transaction block is undone if it rolls back
            return leftInTransaction(route, lease);
        }
        lease.countBinding();
        return bind(route, lease.connection, true)
                .onErrorResume(e -> e instanceof NotProvisionedException ? Mono.error(e) : doom(lease, e))
                .then(Mono.fromRunnable(() -> tracked.bound(route.session())));
    }

    /**
     * The connection came back from an earlier operation inside a transaction block (a raw
     * {@code BEGIN} without its end): a binding made now would be undone by a later rollback, so
     * the connection is discarded and the operation fails (a retry gets another connection).
     */
    private Mono<Void> leftInTransaction(Route route, PoolRegistry.Lease lease) {
        return doom(lease, new TransientDataAccessException("a pooled connection was left inside a transaction block "
                + "by earlier SQL (BEGIN sent through query/execute without COMMIT or ROLLBACK); it was discarded: "
                + "use inTransaction for transactions, then retry", route.target().tenant(), type, null));
    }

    /** A binding statement failed: the connection is discarded when the operation ends. */
    private static Mono<Void> doom(PoolRegistry.Lease lease, Throwable e) {
        lease.doomed = true;
        return Mono.error(e);
    }

    private static Mono<Void> commitAndRelease(PoolRegistry.Lease lease) {
        if (!lease.inTransaction) {
            return lease.release();
        }
        return Mono.from(lease.connection.commitTransaction())
                .then(Mono.defer(() -> {
                    lease.inTransaction = false;
                    return lease.release();
                }))
                .onErrorResume(e -> lease.invalidate().then(Mono.error(e)));
    }

    private static Mono<Void> rollbackAndRelease(PoolRegistry.Lease lease) {
        if (!lease.inTransaction) {
            return lease.release();
        }
        return Mono.from(lease.connection.rollbackTransaction())
                .then(Mono.defer(() -> {
                    lease.inTransaction = false;
                    return lease.release();
                }))
                .onErrorResume(e -> {
                    LOG.debug("rollback failed, discarding the connection: {}", e.toString());
                    return lease.invalidate();
                });
    }

    private static TransactionDefinition definition(TransactionOptions options) {
        PostgresTransactionDefinition d = options.isolation() == null ? PostgresTransactionDefinition.mutability(!options.readOnly())
                : PostgresTransactionDefinition.from(isolation(options.isolation()));
        return options.readOnly() ? d.readOnly() : d;
    }

    private static IsolationLevel isolation(TransactionOptions.IsolationLevel level) {
        switch (level) {
            case READ_UNCOMMITTED:
                return IsolationLevel.READ_UNCOMMITTED;
            case READ_COMMITTED:
                return IsolationLevel.READ_COMMITTED;
            case REPEATABLE_READ:
                return IsolationLevel.REPEATABLE_READ;
            default:
                return IsolationLevel.SERIALIZABLE;
        }
    }

    /**
     * Binds the tenant; values are bind parameters.
     *
     * @param session {@code true}: at session level, in autocommit ({@code set_config(..., false)});
     *                {@code false}: local to the transaction just begun
     */
    Mono<Void> bind(Route route, Connection c, boolean session) {
        if (route.binding() == Route.Binding.NONE) {
            return Mono.empty();
        }
        TenantId tenant = route.target().tenant();
        String schema = route.where();
        io.r2dbc.spi.Statement st = c.createStatement(session ? SESSION_BIND_SQL : BIND_SQL)
                .bind(0, tenant.value())
                .bind(1, route.quotedSchema())
                .bind(2, PgIdentifiers.quote(schema));
        return Flux.from(st.execute())
                .concatMap(r -> r.map((row, md) -> Boolean.TRUE.equals(row.get(2, Boolean.class))))
                .reduce(true, (a, b) -> a && b)
                .flatMap(present -> present ? Mono.<Void>empty() : Mono.error(new NotProvisionedException(
                        "the schema '" + schema + "' does not exist: provision the tenant first (TenantDb.provision)"
                                + (route.binding() == Route.Binding.TENANT_ID ? " or create " + route.where()
                                + " (" + type.id() + ".rls_schema)" : ""), tenant, type, null)));
    }

    /** Renders, binds and executes one statement on a connection. */
    static Flux<Result> execute(Connection c, SqlTemplate.Rendered rendered) {
        return Flux.defer(() -> {
            if (rendered.changesSession()) {
                TrackedConnection.forget(c);
            }
            io.r2dbc.spi.Statement st = c.createStatement(rendered.sql());
            List<Object> binds = rendered.binds();
            for (int i = 0; i < binds.size(); i++) {
                Object v = binds.get(i);
                if (v instanceof Statement.Null) {
                    st.bindNull(i, PgValues.nullType((Statement.Null) v));
                } else {
                    st.bind(i, PgValues.toDriver(v));
                }
            }
            return Flux.from(st.execute());
        });
    }

    /** @return READ for statements that cannot write (SELECT, SHOW, VALUES, TABLE), WRITE otherwise */
    static OperationKind kindOf(String sql) {
        int i = 0;
        int n = sql.length();
        while (i < n && (Character.isWhitespace(sql.charAt(i)) || sql.charAt(i) == '(')) {
            i++;
        }
        int end = i;
        while (end < n && Character.isLetter(sql.charAt(end))) {
            end++;
        }
        String word = sql.substring(i, end).toLowerCase(java.util.Locale.ROOT);
        boolean read = word.equals("select") || word.equals("show") || word.equals("values") || word.equals("table");
        if (read && word.equals("select")) {
            String lower = sql.toLowerCase(java.util.Locale.ROOT);
            read = !lower.contains(" for update") && !lower.contains(" for share") && !lower.contains(" into ")
                    && !lower.contains("nextval(") && !lower.contains("set_config(");
        }
        return read ? OperationKind.READ : OperationKind.WRITE;
    }

    List<String> tenantDdl(DatabaseConfig cfg) {
        return new ArrayList<>(settings(cfg).tenantDdl());
    }

    RlsVerifier rls() {
        return rls;
    }
}
