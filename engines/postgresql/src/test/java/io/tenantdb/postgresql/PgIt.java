package io.tenantdb.postgresql;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.config.ConfigNodes;
import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** Test support: the real server, an administrator connection, unique names, configurations. */
final class PgIt {

    static final Duration WAIT = Duration.ofSeconds(60);

    private PgIt() {
    }

    static ServerEndpoint server() {
        return TestServers.postgresql();
    }

    /** @return a short unique lower-case token so parallel runs never share names */
    static String unique() {
        return "r" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    static PostgresqlConnectionFactory factory(String user, String database) {
        ServerEndpoint s = server();
        PostgresqlConnectionConfiguration.Builder b = PostgresqlConnectionConfiguration.builder()
                .host(s.host()).port(s.port()).username(user).database(database);
        if (s.password() != null && !s.password().isEmpty() && user.equals(s.user())) {
            b.password(s.password());
        }
        return new PostgresqlConnectionFactory(b.build());
    }

    /** Runs work on a fresh administrator connection and waits (test thread only). */
    static <T> List<T> admin(Function<Connection, Flux<T>> work) {
        return admin(server().database(), work);
    }

    static <T> List<T> admin(String database, Function<Connection, Flux<T>> work) {
        return Flux.usingWhen(factory(server().user(), database).create(), work, Connection::close)
                .collectList().block(WAIT);
    }

    /** Runs statements as the administrator. */
    static void exec(String... sql) {
        admin(c -> Flux.fromArray(sql).concatMap(s -> Flux.from(c.createStatement(s).execute())
                .concatMap(r -> r.getRowsUpdated())));
    }

    /** @return the first column of the first row of a query, as a long */
    static long queryLong(String sql, Object... binds) {
        List<Long> out = admin(c -> {
            io.r2dbc.spi.Statement st = c.createStatement(sql);
            for (int i = 0; i < binds.length; i++) {
                st.bind(i, binds[i]);
            }
            return Flux.from(st.execute()).concatMap(r -> r.map((row, md) -> ((Number) row.get(0)).longValue()));
        });
        return out.get(0);
    }

    static DatabaseConfig config(DatabaseType type, IsolationStrategy strategy, String prefix, PoolConfig pool,
                                 Map<String, Object> section) {
        return config(type, strategy, prefix, pool, section, Map.of());
    }

    /** @param section the postgresql section @param timescale the timescaledb section */
    static DatabaseConfig config(DatabaseType type, IsolationStrategy strategy, String prefix, PoolConfig pool,
                                 Map<String, Object> section, Map<String, Object> timescale) {
        ServerEndpoint s = server();
        ConnectionConfig cc = new ConnectionConfig(List.of(NodeAddress.of(s.host(), s.port())), s.database(), s.user(),
                s.password() == null || s.password().isEmpty() ? Secret.NONE : Secret.literal(s.password()),
                TlsConfig.DISABLED, Duration.ofSeconds(5), Map.of());
        ConfigNode root = ConfigNodes.fromMap(Map.of(DatabaseType.POSTGRESQL.id(), section, "timescaledb", timescale));
        return DatabaseConfig.builder(type).connection(cc).pool(pool)
                .isolation(new IsolationConfig(strategy, prefix + "_{{tenant_id}}_", "none"))
                .root(root).build();
    }

    static PoolConfig pool(int max) {
        return new PoolConfig(0, max, Duration.ofMinutes(5), Duration.ofSeconds(20), null);
    }

    static <T> T block(Mono<T> mono) {
        return mono.block(WAIT);
    }
}
