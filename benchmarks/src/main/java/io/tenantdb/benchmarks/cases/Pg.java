package io.tenantdb.benchmarks.cases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.core.config.ConfigLoader;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.testkit.ServerEndpoint;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/** PostgreSQL helpers shared by the PostgreSQL cases: raw pools, admin SQL, tenantdb configuration. */
final class Pg {

    static final String RLS_SCHEMA = "bench_rls";
    static final String RLS_ROLE = "bench_app";
    static final int ROWS = 1_000;
    /** Tenants of the many-tenant cases (round-robin), and rows each. */
    static final int MANY = 1_000;
    static final int MANY_ROWS = 10;
    /** The database of the many schema tenants, kept between runs (provisioning is idempotent). */
    static final String BENCH_DATABASE = "tenantdb_bench";

    private Pg() {
    }

    /** A raw r2dbc-pool, warmed to its full size. */
    static ConnectionPool rawPool(ServerEndpoint s, String database, int size, Map<String, String> options) {
        PostgresqlConnectionConfiguration.Builder b = PostgresqlConnectionConfiguration.builder()
                .host(s.host()).port(s.port()).database(database).username(s.user())
                .autodetectExtensions(false).tcpKeepAlive(true).options(options);
        if (s.password() != null && !s.password().isEmpty()) {
            b.password(s.password());
        }
        ConnectionPool pool = new ConnectionPool(ConnectionPoolConfiguration.builder(new PostgresqlConnectionFactory(b.build()))
                .initialSize(size).maxSize(size).maxIdleTime(Duration.ofMinutes(30)).build());
        pool.warmup().block(Common.WAIT);
        return pool;
    }

    /** Runs statements one after the other on one pooled connection. */
    static void exec(ConnectionPool pool, String... sql) {
        Flux.usingWhen(pool.create(), c -> Flux.fromArray(sql).concatMap(q -> Flux.from(c.createStatement(q).execute())
                        .concatMap(r -> r.getRowsUpdated())), Connection::close)
                .then().block(Common.WAIT);
    }

    /** Runs work on one pooled connection. */
    static <T> T with(ConnectionPool pool, java.util.function.Function<Connection, Mono<T>> work) {
        return Mono.usingWhen(pool.create(), work, Connection::close).block(Common.WAIT);
    }

    /** A point select on a raw pool, mapping the row as tenantdb does (one column read). */
    static Mono<String> select(ConnectionPool pool, String sql, Object... binds) {
        return Mono.usingWhen(pool.create(), c -> {
            io.r2dbc.spi.Statement st = c.createStatement(sql);
            for (int i = 0; i < binds.length; i++) {
                st.bind(i, binds[i]);
            }
            return Flux.from(st.execute()).concatMap(r -> r.map((row, md) -> row.get(1, String.class))).last();
        }, Connection::close);
    }

    /**
     * The engine's configuration as a user writes it ({@code postgresql.yml}, read by the ConfigLoader), with
     * the server's address, a {@code pool}-sized pool warmed at start, and the strategy asked for.
     */
    static DatabaseConfig config(ServerEndpoint s, IsolationStrategy strategy, int pool) {
        return config(s, strategy, pool, -1);
    }

    /** As {@link #config(ServerEndpoint, IsolationStrategy, int)} with {@code postgresql.fetch_size} (-1: default). */
    static DatabaseConfig config(ServerEndpoint s, IsolationStrategy strategy, int pool, int fetchSize) {
        return config(s, strategy, pool, fetchSize, Map.of());
    }

    /**
     * As {@link #config(ServerEndpoint, IsolationStrategy, int, int)} with more keys of the {@code postgresql}
     * section (e.g. {@code connection_budget}), written to the YAML as they are.
     */
    static DatabaseConfig config(ServerEndpoint s, IsolationStrategy strategy, int pool, int fetchSize,
                                 Map<String, Object> postgresql) {
        StringBuilder extra = new StringBuilder();
        postgresql.forEach((k, v) -> extra.append("  ").append(k).append(": ").append(v).append('\n'));
        try {
            Path dir = Files.createTempDirectory("tenantdb-bench-config");
            Files.writeString(dir.resolve("postgresql.yml"), String.join("\n",
                    "connection:",
                    "  hosts:",
                    "    - host: " + s.host(),
                    "      port: " + s.port(),
                    "  database: \"" + s.database() + "\"",
                    "  user: " + s.user(),
                    "postgresql:",
                    "  rls_role: " + RLS_ROLE,
                    "  rls_schema: " + RLS_SCHEMA,
                    fetchSize < 0 ? "" : "  fetch_size: " + fetchSize,
                    extra.toString()));
            DatabaseConfig base = ConfigLoader.of(dir, Map.of()).loadDatabaseConfig(DatabaseType.POSTGRESQL, null, "production");
            return base.toBuilder()
                    .connection(Common.config(DatabaseType.POSTGRESQL, s, s.database(), strategy).connection())
                    .pool(new PoolConfig(pool, pool, Duration.ofMinutes(30), Duration.ofSeconds(30), null))
                    .isolation(new IsolationConfig(strategy, "bench_{{tenant_id}}_", "none"))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return tenants {@code t0 .. t(MANY-1)} */
    static TenantId[] manyTenants() {
        return tenants(MANY);
    }

    /** @param count how many @return tenants {@code t0 .. t(count-1)} */
    static TenantId[] tenants(int count) {
        TenantId[] tenants = new TenantId[count];
        for (int i = 0; i < count; i++) {
            tenants[i] = TenantId.of("t" + i);
        }
        return tenants;
    }

    /** @return each tenant's context function, built once (not per operation) */
    static List<Function<Context, Context>> contexts(TenantId[] tenants) {
        List<Function<Context, Context>> contexts = new ArrayList<>(tenants.length);
        for (TenantId t : tenants) {
            contexts.add(TenantContext.of(t));
        }
        return contexts;
    }

    /** @return the server, on {@link #BENCH_DATABASE} (created when missing) */
    static ServerEndpoint benchDatabase(ServerEndpoint s) {
        ConnectionPool admin = rawPool(s, s.database(), 1, Map.of());
        try {
            boolean exists = Boolean.TRUE.equals(with(admin, c -> Flux.from(c.createStatement(
                            "SELECT count(*) FROM pg_database WHERE datname = '" + BENCH_DATABASE + "'").execute())
                    .concatMap(r -> r.map((row, md) -> ((Number) row.get(0)).longValue() > 0)).next()));
            if (!exists) {
                exec(admin, "CREATE DATABASE " + BENCH_DATABASE);
            }
        } finally {
            admin.disposeLater().block(Common.WAIT);
        }
        return new ServerEndpoint(s.kind(), s.host(), s.port(), s.user(), s.password(), BENCH_DATABASE, s.origin());
    }

    /**
     * Provisions schema tenants with a {@code tracks} table of {@link #MANY_ROWS} rows each (idempotent: fast
     * when they exist), 4 at a time, and says how long it took.
     */
    static void provisionSchemaTenants(TenantDb db, TenantId[] tenants, List<Function<Context, Context>> contexts) {
        SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
        long t0 = System.nanoTime();
        Flux.range(0, tenants.length).flatMap(i -> db.provision(tenants[i])
                .then(sql.execute("CREATE TABLE IF NOT EXISTS tracks (id bigint PRIMARY KEY, title text NOT NULL)"))
                .then(sql.execute("INSERT INTO tracks SELECT g, 'track ' || g FROM generate_series(1, " + MANY_ROWS + ") g "
                        + "ON CONFLICT DO NOTHING"))
                .contextWrite(contexts.get(i)), 4).then().block(Duration.ofMinutes(30));
        System.err.printf("%d schema tenants provisioned or checked in %.0f s%n", tenants.length, (System.nanoTime() - t0) / 1e9);
    }
}
