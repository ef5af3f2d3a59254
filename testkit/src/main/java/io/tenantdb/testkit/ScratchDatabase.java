package io.tenantdb.testkit;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.api.PostgresqlConnection;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * A fresh, uniquely named PostgreSQL database and the role that owns it, created on a
 * {@link TestServers#postgresql()} server for one test (or test class) and dropped afterwards.
 * <p>The role ({@link #name()}) may log in and create databases but is not a superuser, so
 * row-level security applies to it. {@link #endpoint()} connects as that role to the scratch
 * database; {@link #admin()} is the server's superuser endpoint. {@link #drop()} drops every
 * database the role owns (the scratch database and any the test created, e.g. one per tenant),
 * then the role.
 * <p>Created and dropped with r2dbc-postgresql, without blocking. {@link #close()} blocks and is
 * for the test thread only (JUnit closes it for you when {@link TestServersExtension} resolved it).
 * <pre>{@code
 * @Test
 * void schemaPerTenant(ScratchDatabase db) {   // with @ExtendWith(TestServersExtension.class)
 *     ServerEndpoint pg = db.endpoint();        // user/password/database of the scratch role
 *     ...
 * }
 * }</pre>
 *
 * @apiNote {@link #create(ServerEndpoint, String)} and {@link #drop()} do nothing until subscribed.
 */
public final class ScratchDatabase implements AutoCloseable {

    /** Every scratch name starts with this, so leftovers are easy to find and drop. */
    public static final String NAME_PREFIX = "tdb_";

    private static final Pattern HINT = Pattern.compile("[a-z][a-z0-9_]{0,19}");
    private static final Duration CLOSE_TIMEOUT = Duration.ofMinutes(1);

    private final ServerEndpoint admin;
    private final String name;
    private final String password;
    private final AtomicBoolean dropped = new AtomicBoolean();

    private ScratchDatabase(ServerEndpoint admin, String name, String password) {
        this.admin = admin;
        this.name = name;
        this.password = password;
    }

    /**
     * Creates a role and a database owned by it, both named {@code tdb_<hint>_<random>}.
     *
     * @param server a PostgreSQL endpoint whose user may create roles and databases
     *               (e.g. {@link TestServers#postgresql()})
     * @param hint   a short name part saying who made it ({@code [a-z][a-z0-9_]{0,19}}), e.g. {@code pg_rls}
     * @return the scratch database, once created
     */
    public static Mono<ScratchDatabase> create(ServerEndpoint server, String hint) {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(hint, "hint");
        if (!"postgresql".equals(server.kind())) {
            throw new IllegalArgumentException("a scratch database needs a postgresql endpoint, not " + server);
        }
        if (!HINT.matcher(hint).matches()) {
            throw new IllegalArgumentException("scratch database hint '" + hint
                    + "' must match [a-z][a-z0-9_]{0,19}");
        }
        return Mono.defer(() -> {
            String name = NAME_PREFIX + hint + "_" + randomHex(6);
            ScratchDatabase scratch = new ScratchDatabase(server, name, randomHex(16));
            // the role first: CREATE DATABASE ... OWNER needs it; CREATE DATABASE cannot run in a transaction,
            // and r2dbc auto-commits each statement
            return execute(server, server.database(),
                    "CREATE ROLE " + quote(name) + " LOGIN CREATEDB NOSUPERUSER PASSWORD '" + scratch.password + "'",
                    "CREATE DATABASE " + quote(name) + " OWNER " + quote(name))
                    .onErrorResume(error -> scratch.drop().then(Mono.error(error)))
                    .thenReturn(scratch);
        });
    }

    /**
     * @param server a PostgreSQL endpoint whose user may create roles and databases
     * @return {@link #create(ServerEndpoint, String)} with hint {@code scratch}
     */
    public static Mono<ScratchDatabase> create(ServerEndpoint server) {
        return create(server, "scratch");
    }

    /** @return the name of the database and of the role that owns it */
    public String name() {
        return name;
    }

    /** @return the server, connecting as the scratch role to the scratch database */
    public ServerEndpoint endpoint() {
        return new ServerEndpoint(admin.kind(), admin.host(), admin.port(), name, password, name, admin.origin());
    }

    /** @return the server's superuser endpoint this scratch database was created with */
    public ServerEndpoint admin() {
        return admin;
    }

    /**
     * Drops every database the scratch role owns (closing their connections), then the role.
     * Dropping twice does nothing the second time.
     *
     * @return completes once dropped
     */
    public Mono<Void> drop() {
        return Mono.defer(() -> {
            if (!dropped.compareAndSet(false, true)) {
                return Mono.empty();
            }
            return Flux.usingWhen(connect(admin, admin.database()),
                            connection -> Flux.from(connection.createStatement(
                                            "SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba"
                                                    + " WHERE r.rolname = $1")
                                    .bind("$1", name)
                                    .execute())
                                    .flatMap(result -> result.map((row, meta) -> row.get(0, String.class)))
                                    .collectList()
                                    .flatMapMany(databases -> Flux.fromIterable(databases)
                                            .concatMap(database -> run(connection,
                                                    "DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)")))
                                    .thenMany(run(connection, "DROP ROLE IF EXISTS " + quote(name))),
                            PostgresqlConnection::close)
                    .then();
        });
    }

    /** Drops it, waiting at most a minute: for the test thread only, never inside a reactive pipeline. */
    @Override
    public void close() {
        drop().block(CLOSE_TIMEOUT);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "scratch database " + name + " on " + admin;
    }

    static Mono<Void> execute(ServerEndpoint server, String database, String... statements) {
        return Flux.usingWhen(connect(server, database),
                        connection -> Flux.fromArray(statements).concatMap(sql -> run(connection, sql)),
                        PostgresqlConnection::close)
                .then();
    }

    private static Mono<PostgresqlConnection> connect(ServerEndpoint server, String database) {
        PostgresqlConnectionConfiguration.Builder configuration = PostgresqlConnectionConfiguration.builder()
                .host(server.host())
                .port(server.port())
                .username(server.user())
                .database(database == null ? "postgres" : database)
                .applicationName("tenantdb-testkit")
                .connectTimeout(Duration.ofSeconds(10));
        if (server.password() != null && !server.password().isEmpty()) {
            configuration.password(server.password());
        }
        return new PostgresqlConnectionFactory(configuration.build()).create();
    }

    private static Mono<Void> run(PostgresqlConnection connection, String sql) {
        return Flux.from(connection.createStatement(sql).execute())
                .concatMap(result -> result.getRowsUpdated())
                .then();
    }

    /** A double-quoted identifier; our names never hold a quote, names read back from pg_database may. */
    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String randomHex(int bytes) {
        // not SecureRandom: it reads /dev/urandom, a blocking call BlockHound would flag on a reactor thread
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }
}
