package io.tenantdb.benchmarks.cases;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.springframework.r2dbc.connection.lookup.AbstractRoutingConnectionFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.binding.BindMarkersFactory;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.r2dbc.pool.ConnectionPool;
import io.tenantdb.benchmarks.BenchCase;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Side;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.core.session.Statement;
import io.tenantdb.postgresql.PostgresRls;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

/**
 * The PostgreSQL point-select cases: {@code SELECT id, title FROM tracks WHERE id = $1} on a 1,000-row table,
 * one hot tenant, 64 in flight, 10 connections on every side (warmed). tenantdb runs with the operators that
 * have landed ({@link Common#operators()}: metrics, and the tenancy module's breaker + bulkhead + retry + timeout).
 *
 * <ul>
 *   <li>{@code pg_select_raw}: schema strategy, unqualified SQL (tenantdb binds {@code search_path} at session
 *       level, recorded per pooled connection: with one tenant the connections stay bound, no extra round
 *       trip) ÷ raw r2dbc-postgresql + r2dbc-pool running the schema-qualified statement on the same table.</li>
 *   <li>Every tenantdb side maps its row where it arrives ({@code query(statement, row -> ..)}), as the raw
 *       side's {@code Result.map} does; {@code pg_select_raw_rows} is {@code pg_select_raw} through
 *       {@code query(..)}{@code -> Row} instead, which copies every column of each row out before the
 *       connection goes back.</li>
 *   <li>{@code pg_select_raw_schemaq}: the same with {@code {schema}.tracks} (no binding).</li>
 *   <li>{@code pg_select_raw_rls}: row-level security ÷ raw with {@code WHERE tenant_id = $1 AND id = $2}.</li>
 *   <li>{@code pg_select_raw_db}: database per tenant ÷ raw pool on that database.</li>
 *   <li>{@code pg_select_1k_schema}, {@code pg_select_1k_schemaq}, {@code pg_select_1k_rls}: the same three
 *       with {@link Pg#MANY} tenants round-robin (the connection is then nearly always bound to another tenant:
 *       unqualified and RLS pay one binding round trip per operation) ÷ raw r2dbc-pool over the same tenants
 *       round-robin (each tenant's schema-qualified statement; {@code WHERE tenant_id}). There is no
 *       database-per-tenant counterpart: 1,000 databases need 1,000 pools, beyond the shared server's
 *       {@code max_connections}; {@code tenants_1k_db_budget} measures that case under a connection budget.</li>
 *   <li>{@code pg_select_many_db}: database per tenant, {@value #MANY_DATABASES} tenants round-robin, a pool of
 *       {@value #MANY_DATABASES_POOL} each ÷ raw r2dbc-pool with a pool per tenant database.</li>
 *   <li>{@code pg_select_rls_server}: raw ÷ raw, no tenantdb: r2dbc-pool connected as the RLS role with the tenant
 *       set at connection start-up, running the unqualified statement under the policy ÷ the superuser's
 *       {@code WHERE tenant_id}: what row-level security itself costs the server.</li>
 *   <li>{@code pg_select_spring}, {@code pg_select_jdbc}, {@code pg_select_vertx}: tenantdb schema strategy
 *       ÷ Spring Data R2DBC {@code DatabaseClient} over an {@code AbstractRoutingConnectionFactory} keyed by
 *       tenant (a pool per tenant with {@code search_path} in its startup options); pgjdbc + HikariCP on a
 *       10-thread pool; Vert.x PgPool with the prepared-statement cache on (2 event loops).</li>
 * </ul>
 */
final class PgCases implements BenchCase {

    private static final TenantId TENANT = TenantId.of("bench_a");
    private static final String SELECT = "SELECT id, title FROM tracks WHERE id = $1";
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS tracks (id bigint PRIMARY KEY, title text NOT NULL)";
    private static final String FILL = "INSERT INTO tracks SELECT g, 'track ' || g FROM generate_series(1, " + Pg.ROWS
            + ") g ON CONFLICT DO NOTHING";

    @Override
    public List<String> ids() {
        return List.of("pg_select_raw", "pg_select_raw_rows", "pg_select_raw_schemaq", "pg_select_spring", "pg_select_jdbc", "pg_select_vertx",
                "pg_select_raw_rls", "pg_select_raw_db", "pg_select_raw_db_fetch0", "pg_select_1k_schema",
                "pg_select_1k_schemaq", "pg_select_1k_rls", "pg_select_many_db", "pg_select_rls_server");
    }

    static long next() {
        return 1 + ThreadLocalRandom.current().nextInt(Pg.ROWS);
    }

    /** A row id of one of the many tenants ({@link Pg#MANY_ROWS} rows each). */
    static long nextOfMany() {
        return 1 + ThreadLocalRandom.current().nextInt(Pg.MANY_ROWS);
    }

    @Override
    public void run(Bench bench) {
        ServerEndpoint s = TestServers.postgresql();
        ConnectionPool raw = Pg.rawPool(s, s.database(), Common.POOL, Map.of());
        Function<Context, Context> ctx = TenantContext.of(TENANT);
        try {
            schemaCases(bench, s, raw, ctx);
            rlsCase(bench, s, raw, ctx);
        } finally {
            raw.disposeLater().block(Common.WAIT);
        }
        dbCase(bench, s, ctx);
        manyDatabaseTenants(bench, s);
        manySchemaTenants(bench, s);
    }

    private static Side tenantdb(String name, SqlSession sql, String statement, Function<Context, Context> ctx) {
        return Side.of(name, () -> select(sql, statement, next()).contextWrite(ctx));
    }

    /**
     * The tenantdb counterpart of {@link Pg#select}: the row is mapped where it arrives (what the raw
     * side's {@code Result.map} does), so both decode the one column they read.
     */
    static Mono<String> select(SqlSession sql, String statement, Object id) {
        return sql.query(Statement.of(statement, id), row -> row.get(1, String.class)).last();
    }

    private void schemaCases(Bench bench, ServerEndpoint s, ConnectionPool raw, Function<Context, Context> ctx) {
        TenantDb db = Common.tenantDb(DatabaseType.POSTGRESQL, Pg.config(s, IsolationStrategy.SCHEMA_PER_TENANT, Common.POOL)).build();
        try {
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            db.provision(TENANT).block(Common.WAIT);
            sql.execute(CREATE).then(sql.execute(FILL)).contextWrite(ctx).block(Common.WAIT);
            String schema = sql.query("SELECT current_schema()::text").map(r -> r.get(0, String.class)).last()
                    .contextWrite(ctx).block(Common.WAIT);
            String qualified = "SELECT id, title FROM \"" + schema + "\".tracks WHERE id = $1";
            Side tenantdb = tenantdb("tenantdb schema", sql, SELECT, ctx);
            bench.compare("pg_select_raw", tenantdb,
                    Side.of("raw r2dbc-pool", () -> Pg.select(raw, qualified, next())), Common.IN_FLIGHT, "ops");
            // the same through query(..) -> Row: each row is copied out (every column decoded) so it
            // outlives the connection
            bench.compare("pg_select_raw_rows", Side.of("tenantdb schema, rows as Row",
                            () -> sql.query(SELECT, next()).map(r -> r.get(1, String.class)).last().contextWrite(ctx)),
                    Side.of("raw r2dbc-pool", () -> Pg.select(raw, qualified, next())), Common.IN_FLIGHT, "ops");
            bench.compare("pg_select_raw_schemaq", tenantdb("tenantdb schema {schema}.tracks", sql,
                            "SELECT id, title FROM {schema}.tracks WHERE id = $1", ctx),
                    Side.of("raw r2dbc-pool", () -> Pg.select(raw, qualified, next())), Common.IN_FLIGHT, "ops");
            spring(bench, s, tenantdb, schema);
            jdbc(bench, s, tenantdb, schema);
            vertx(bench, s, tenantdb, qualified);
        } finally {
            db.deprovision(TENANT).onErrorResume(e -> Mono.empty()).block(Common.WAIT);
            db.close();
        }
    }

    /** A Spring user's multi-tenant set-up: a routing connection factory, one pool per tenant. */
    private static final class TenantRoutingConnectionFactory extends AbstractRoutingConnectionFactory {
        @Override
        protected Mono<Object> determineCurrentLookupKey() {
            return Mono.deferContextual(c -> Mono.justOrEmpty(c.getOrEmpty("spring.tenant")));
        }
    }

    private void spring(Bench bench, ServerEndpoint s, Side tenantdb, String schema) {
        ConnectionPool tenantPool = Pg.rawPool(s, s.database(), Common.POOL, Map.of("search_path", schema));
        try {
            TenantRoutingConnectionFactory routing = new TenantRoutingConnectionFactory();
            routing.setTargetConnectionFactories(Map.of(TENANT.value(), tenantPool));
            routing.setLenientFallback(false);
            routing.afterPropertiesSet();
            DatabaseClient client = DatabaseClient.builder().connectionFactory(routing)
                    .bindMarkers(BindMarkersFactory.indexed("$", 1)).build();
            bench.compare("pg_select_spring", tenantdb, Side.of("Spring DatabaseClient (routing CF)", () ->
                            client.sql("SELECT id, title FROM tracks WHERE id = :id").bind("id", next())
                                    .map(row -> row.get(1, String.class)).one()
                                    .contextWrite(Context.of("spring.tenant", TENANT.value()))),
                    Common.IN_FLIGHT, "ops");
        } finally {
            tenantPool.disposeLater().block(Common.WAIT);
        }
    }

    private void jdbc(Bench bench, ServerEndpoint s, Side tenantdb, String schema) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://" + s.host() + ":" + s.port() + "/" + s.database());
        config.setUsername(s.user());
        if (s.password() != null && !s.password().isEmpty()) {
            config.setPassword(s.password());
        }
        config.setMaximumPoolSize(Common.POOL);
        config.setMinimumIdle(Common.POOL);
        config.setPoolName("bench-hikari");
        ExecutorService threads = Executors.newFixedThreadPool(Common.POOL);
        Scheduler scheduler = Schedulers.fromExecutorService(threads);
        String sql = "SELECT id, title FROM \"" + schema + "\".tracks WHERE id = ?";
        try (HikariDataSource ds = new HikariDataSource(config)) {
            bench.compare("pg_select_jdbc", tenantdb, Side.of("pgjdbc + HikariCP, " + Common.POOL + " threads", () -> Mono.fromCallable(() -> {
                try (java.sql.Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, next());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getString(2);
                    }
                }
            }).subscribeOn(scheduler)), Common.IN_FLIGHT, "ops");
        } finally {
            scheduler.dispose();
            threads.shutdown();
        }
    }

    private void vertx(Bench bench, ServerEndpoint s, Side tenantdb, String qualified) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
        PgConnectOptions options = new PgConnectOptions().setHost(s.host()).setPort(s.port()).setDatabase(s.database())
                .setUser(s.user()).setCachePreparedStatements(true);
        if (s.password() != null && !s.password().isEmpty()) {
            options.setPassword(s.password());
        }
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(Common.POOL)).connectingTo(options).using(vertx).build();
        try {
            bench.compare("pg_select_vertx", tenantdb, Side.of("Vert.x PgPool, statement cache", () -> Mono.fromCompletionStage(
                            () -> pool.preparedQuery(qualified).execute(Tuple.of(next()))
                                    .map(rows -> rows.iterator().next().getString(1)).toCompletionStage())),
                    Common.IN_FLIGHT, "ops");
        } finally {
            Mono.fromCompletionStage(() -> pool.close().toCompletionStage()).block(Common.WAIT);
            Mono.fromCompletionStage(() -> vertx.close().toCompletionStage()).block(Common.WAIT);
        }
    }

    private void rlsCase(Bench bench, ServerEndpoint s, ConnectionPool raw, Function<Context, Context> ctx) {
        dropRls(raw);
        Pg.exec(raw, "CREATE SCHEMA " + Pg.RLS_SCHEMA,
                "CREATE TABLE " + Pg.RLS_SCHEMA + ".tracks (tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true), "
                        + "id bigint NOT NULL, title text NOT NULL, PRIMARY KEY (tenant_id, id))");
        Pg.with(raw, c -> PostgresRls.createAppRole(c, Pg.RLS_ROLE, Secret.NONE, Pg.RLS_SCHEMA)
                .then(PostgresRls.enableFor(c, Pg.RLS_SCHEMA + ".tracks", Pg.RLS_ROLE)).thenReturn(true));
        Pg.exec(raw, "INSERT INTO " + Pg.RLS_SCHEMA + ".tracks SELECT t, g, 'track ' || g FROM generate_series(1, "
                + Pg.ROWS + ") g, unnest(ARRAY['bench_a', 'bench_b']) t");
        TenantDb db = Common.tenantDb(DatabaseType.POSTGRESQL, Pg.config(s, IsolationStrategy.ROW_LEVEL_SECURITY, Common.POOL)).build();
        try {
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            String rawSql = "SELECT id, title FROM " + Pg.RLS_SCHEMA + ".tracks WHERE tenant_id = $1 AND id = $2";
            bench.compare("pg_select_raw_rls", tenantdb("tenantdb row-level security", sql, SELECT, ctx),
                    Side.of("raw r2dbc-pool, WHERE tenant_id", () -> Pg.select(raw, rawSql, TENANT.value(), next())),
                    Common.IN_FLIGHT, "ops");
            if (bench.selected("pg_select_rls_server")) {
                // what row-level security costs the server, with no tenantdb at all: raw r2dbc-pool as the
                // policy-bound role, the tenant set once per connection at start-up, the unqualified statement
                ServerEndpoint asRole = new ServerEndpoint(s.kind(), s.host(), s.port(), Pg.RLS_ROLE, null, s.database(),
                        s.origin());
                ConnectionPool rolePool = Pg.rawPool(asRole, s.database(), Common.POOL,
                        Map.of("app.tenant_id", TENANT.value(), "search_path", Pg.RLS_SCHEMA));
                try {
                    bench.compare("pg_select_rls_server", Side.of("raw r2dbc-pool as the RLS role, tenant bound at connection start",
                                    () -> Pg.select(rolePool, SELECT, next())),
                            Side.of("raw r2dbc-pool, WHERE tenant_id", () -> Pg.select(raw, rawSql, TENANT.value(), next())),
                            Common.IN_FLIGHT, "ops");
                } finally {
                    rolePool.disposeLater().block(Common.WAIT);
                }
            }
            if (bench.selected("pg_select_1k_rls")) {
                Pg.exec(raw, "INSERT INTO " + Pg.RLS_SCHEMA + ".tracks SELECT 't' || t, g, 'track ' || g FROM generate_series(1, "
                        + Pg.MANY_ROWS + ") g, generate_series(0, " + (Pg.MANY - 1) + ") t");
                TenantId[] tenants = Pg.manyTenants();
                List<Function<Context, Context>> contexts = Pg.contexts(tenants);
                AtomicInteger a = new AtomicInteger();
                AtomicInteger b = new AtomicInteger();
                bench.compare("pg_select_1k_rls", Side.of("tenantdb row-level security, " + Pg.MANY + " tenants round-robin",
                                () -> select(sql, SELECT, nextOfMany())
                                        .contextWrite(contexts.get(Math.floorMod(a.getAndIncrement(), Pg.MANY)))),
                        Side.of("raw r2dbc-pool, WHERE tenant_id, same tenants round-robin", () -> Pg.select(raw, rawSql,
                                tenants[Math.floorMod(b.getAndIncrement(), Pg.MANY)].value(), nextOfMany())),
                        Common.IN_FLIGHT, "ops");
            }
        } finally {
            db.close();
            dropRls(raw);
        }
    }

    private static void dropRls(ConnectionPool raw) {
        Pg.exec(raw, "DROP SCHEMA IF EXISTS " + Pg.RLS_SCHEMA + " CASCADE",
                "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + Pg.RLS_ROLE + "') THEN "
                        + "EXECUTE 'DROP OWNED BY " + Pg.RLS_ROLE + "'; EXECUTE 'DROP ROLE " + Pg.RLS_ROLE + "'; END IF; END $$");
    }

    private void dbCase(Bench bench, ServerEndpoint s, Function<Context, Context> ctx) {
        TenantDb db = Common.tenantDb(DatabaseType.POSTGRESQL, Pg.config(s, IsolationStrategy.DATABASE_PER_TENANT, Common.POOL)).build();
        ConnectionPool rawDb = null;
        try {
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            db.provision(TENANT).block(Common.WAIT);
            sql.execute(CREATE).then(sql.execute(FILL)).contextWrite(ctx).block(Common.WAIT);
            String database = sql.query("SELECT current_database()::text").map(r -> r.get(0, String.class)).last()
                    .contextWrite(ctx).block(Common.WAIT);
            ConnectionPool pool = Pg.rawPool(s, database, Common.POOL, Map.of());
            rawDb = pool;
            if (bench.selected("pg_select_raw_db_fetch0")) {
                // the same configuration with postgresql.fetch_size: 0 written out, on a second TenantDb that
                // provisioned nothing, measured first: a same-run repeat of pg_select_raw_db
                TenantDb db0 = Common.tenantDb(DatabaseType.POSTGRESQL, Pg.config(s, IsolationStrategy.DATABASE_PER_TENANT, Common.POOL, 0)).build();
                try {
                    bench.compare("pg_select_raw_db_fetch0", tenantdb("tenantdb database per tenant, fetch_size 0",
                                    db0.sql(DatabaseType.POSTGRESQL), SELECT, ctx),
                            Side.of("raw r2dbc-pool on that database", () -> Pg.select(pool, SELECT, next())),
                            Common.IN_FLIGHT, "ops");
                } finally {
                    db0.close();
                }
            }
            bench.compare("pg_select_raw_db", tenantdb("tenantdb database per tenant", sql, SELECT, ctx),
                    Side.of("raw r2dbc-pool on that database", () -> Pg.select(pool, SELECT, next())), Common.IN_FLIGHT, "ops");
        } finally {
            if (rawDb != null) {
                rawDb.disposeLater().block(Common.WAIT);
            }
            db.deprovision(TENANT).onErrorResume(e -> Mono.empty()).block(Common.WAIT);
            db.close();
        }
    }

    /** Tenants of {@code pg_select_many_db}, each its own database. */
    static final int MANY_DATABASES = 16;
    /** Connections of each of them, on each side. */
    static final int MANY_DATABASES_POOL = 2;

    /**
     * {@code pg_select_many_db}: {@link #MANY_DATABASES} database-per-tenant tenants round-robin, a pool of
     * {@link #MANY_DATABASES_POOL} each ÷ raw r2dbc-pool with one pool of the same size per tenant database, picked
     * round-robin the same way. Database-per-tenant cannot go to a thousand tenants on one server here: each needs
     * its own connections, and the shared server has {@code max_connections} 100 (both sides together hold 64).
     */
    private void manyDatabaseTenants(Bench bench, ServerEndpoint s) {
        if (!bench.selected("pg_select_many_db")) {
            return;
        }
        TenantDb db = Common.tenantDb(DatabaseType.POSTGRESQL,
                Pg.config(s, IsolationStrategy.DATABASE_PER_TENANT, MANY_DATABASES_POOL)).build();
        TenantId[] tenants = Pg.tenants(MANY_DATABASES);
        List<Function<Context, Context>> contexts = Pg.contexts(tenants);
        ConnectionPool[] raw = new ConnectionPool[tenants.length];
        try {
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            for (int i = 0; i < tenants.length; i++) {
                db.provision(tenants[i]).block(Common.WAIT);
                String database = sql.execute(CREATE).then(sql.execute(FILL))
                        .then(sql.query("SELECT current_database()::text").map(r -> r.get(0, String.class)).last())
                        .contextWrite(contexts.get(i)).block(Common.WAIT);
                raw[i] = Pg.rawPool(s, database, MANY_DATABASES_POOL, Map.of());
            }
            AtomicInteger a = new AtomicInteger();
            AtomicInteger b = new AtomicInteger();
            bench.compare("pg_select_many_db", Side.of("tenantdb database per tenant, " + MANY_DATABASES
                                    + " tenants round-robin, " + MANY_DATABASES_POOL + " connections each",
                            () -> select(sql, SELECT, next()).contextWrite(contexts.get(Math.floorMod(a.getAndIncrement(),
                                    MANY_DATABASES)))),
                    Side.of("raw r2dbc-pool, a pool per tenant database, same tenants round-robin",
                            () -> Pg.select(raw[Math.floorMod(b.getAndIncrement(), MANY_DATABASES)], SELECT, next())),
                    Common.IN_FLIGHT, "ops");
        } finally {
            for (ConnectionPool pool : raw) {
                if (pool != null) {
                    pool.disposeLater().block(Common.WAIT);
                }
            }
            for (TenantId t : tenants) {
                db.deprovision(t).onErrorResume(e -> Mono.empty()).block(Common.WAIT);
            }
            db.close();
        }
    }

    /**
     * {@code pg_select_1k_schema} and {@code pg_select_1k_schemaq}: {@link Pg#MANY} schema tenants (the
     * {@code tenants_10k} database and tenants, {@link Pg#MANY_ROWS} rows each) round-robin, unqualified SQL
     * (bound through {@code search_path}) and {@code {schema}}-qualified SQL ÷ raw r2dbc-pool running each
     * tenant's schema-qualified statement, the same tenants round-robin.
     */
    private void manySchemaTenants(Bench bench, ServerEndpoint s) {
        if (!bench.selected("pg_select_1k_schema") && !bench.selected("pg_select_1k_schemaq")) {
            return;
        }
        ServerEndpoint benchDb = Pg.benchDatabase(s);
        DatabaseConfig config = Pg.config(benchDb, IsolationStrategy.SCHEMA_PER_TENANT, Common.POOL);
        TenantDb db = Common.tenantDb(DatabaseType.POSTGRESQL, config).build();
        ConnectionPool raw = Pg.rawPool(benchDb, benchDb.database(), Common.POOL, Map.of());
        try {
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            TenantId[] tenants = Pg.manyTenants();
            List<Function<Context, Context>> contexts = Pg.contexts(tenants);
            Pg.provisionSchemaTenants(db, tenants, contexts);
            String[] qualified = new String[tenants.length];
            for (int i = 0; i < tenants.length; i++) {
                qualified[i] = "SELECT id, title FROM \"" + config.isolation().nameFor(tenants[i]) + "\".tracks WHERE id = $1";
            }
            for (String[] c : new String[][] {{"pg_select_1k_schema", SELECT, "unqualified (search_path bound)"},
                    {"pg_select_1k_schemaq", "SELECT id, title FROM {schema}.tracks WHERE id = $1", "{schema}.tracks"}}) {
                AtomicInteger a = new AtomicInteger();
                AtomicInteger b = new AtomicInteger();
                bench.compare(c[0], Side.of("tenantdb schema " + c[2] + ", " + Pg.MANY + " tenants round-robin",
                                () -> select(sql, c[1], nextOfMany())
                                        .contextWrite(contexts.get(Math.floorMod(a.getAndIncrement(), Pg.MANY)))),
                        Side.of("raw r2dbc-pool, schema-qualified, same tenants round-robin", () -> Pg.select(raw,
                                qualified[Math.floorMod(b.getAndIncrement(), Pg.MANY)], nextOfMany())),
                        Common.IN_FLIGHT, "ops");
            }
        } finally {
            raw.disposeLater().block(Common.WAIT);
            db.close();
        }
    }
}
