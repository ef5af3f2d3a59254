package io.tenantdb.tenancy.move;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.tenancy.Router;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where one placement of one tenant physically is: node, database, schema, and whether the tables
 * are shared (rows filtered by {@code tenant_id}). Opens administrative connections there (the
 * engine's {@code connection.user}), with session settings that make row text identical on every
 * server (for checksums).
 */
final class PgLocation {

    /** Startup settings: the same text rendering of values everywhere. */
    private static final Map<String, String> SESSION = Map.of("TimeZone", "UTC", "DateStyle", "ISO, YMD",
            "IntervalStyle", "postgres", "extra_float_digits", "1", "bytea_output", "hex", "lock_timeout", "10s");

    final TenantId tenant;
    final Placement placement;
    final DatabaseConfig config;
    final NodeAddress node;
    final String database;
    final String schema;
    final boolean shared;
    private final PostgresqlConnectionFactory factory;

    private PgLocation(TenantId tenant, Placement placement, DatabaseConfig config, String database, String schema, boolean shared) {
        this.tenant = tenant;
        this.placement = placement;
        this.config = config;
        this.node = config.connection().primary();
        this.database = database;
        this.schema = schema;
        this.shared = shared;
        this.factory = factory(config.connection(), database);
    }

    /**
     * @param engine    the engine
     * @param tenant    the tenant
     * @param base      the engine's configuration (with its {@code shards} section)
     * @param placement the placement
     * @return where the tenant's data is under that placement
     */
    static PgLocation of(DatabaseType engine, TenantId tenant, DatabaseConfig base, Placement placement) {
        DatabaseConfig c = placement.shard() == null ? base : Router.onShard(engine, tenant, base, placement.shard());
        if (c.isolation().strategy() != placement.strategy()) {
            c = c.toBuilder().isolation(new IsolationConfig(placement.strategy(), c.isolation().prefix(),
                    c.isolation().encryption())).build();
        }
        String adminDb = c.connection().database() == null ? "postgres" : c.connection().database();
        switch (placement.strategy()) {
            case DATABASE_PER_TENANT:
                return new PgLocation(tenant, placement, c, c.isolation().nameFor(tenant), "public", false);
            case SCHEMA_PER_TENANT:
                return new PgLocation(tenant, placement, c, adminDb, c.isolation().nameFor(tenant), false);
            default:
                return new PgLocation(tenant, placement, c, adminDb,
                        c.section(DatabaseType.POSTGRESQL.id()).string("rls_schema").orElse("public"), true);
        }
    }

    private static PostgresqlConnectionFactory factory(ConnectionConfig cc, String database) {
        NodeAddress node = cc.primary();
        PostgresqlConnectionConfiguration.Builder b = PostgresqlConnectionConfiguration.builder()
                .host(node.host()).port(node.port()).database(database)
                .username(cc.user()).connectTimeout(cc.connectTimeout())
                .applicationName("tenantdb-mover").options(SESSION).autodetectExtensions(false);
        Secret password = cc.password();
        if (!password.isNone()) {
            b.password(Mono.fromCallable(() -> (CharSequence) password.reveal()).subscribeOn(Schedulers.boundedElastic()));
        }
        return new PostgresqlConnectionFactory(b.build());
    }

    /** @return whether this is the same physical place as {@code other} (same node, database, schema, sharing) */
    boolean sameAs(PgLocation other) {
        return node.host().equals(other.node.host()) && node.port() == other.node.port()
                && database.equals(other.database) && schema.equals(other.schema) && shared == other.shared;
    }

    /**
     * Opens a connection to this location's database. For shared tables the tenant is bound
     * ({@code app.tenant_id}, for the session) so forced row-level security admits its rows even
     * when the administrator is the tables' owner.
     */
    Mono<Connection> connect() {
        return Mono.from(factory.create()).flatMap(c -> shared
                ? Flux.from(c.createStatement("SELECT set_config('app.tenant_id', $1, false)").bind(0, tenant.value()).execute())
                .concatMap(r -> r.map((row, md) -> 1)).then(Mono.just((Connection) c))
                .onErrorResume(e -> Mono.from(c.close()).then(Mono.error(e)))
                : Mono.just((Connection) c));
    }

    /** Runs {@code work} on one new connection ({@link #connect()}), closed afterwards. */
    <T> Flux<T> with(Function<Connection, ? extends Publisher<T>> work) {
        return Flux.usingWhen(connect(), work, Connection::close, (c, e) -> c.close(), Connection::close);
    }

    /** @return this location's administrative database (the configured one), for CREATE/DROP DATABASE checks */
    String adminDatabase() {
        return config.connection().database() == null ? "postgres" : config.connection().database();
    }

    String qualified(String table) {
        return Sql.quote(schema) + "." + Sql.quote(table);
    }

    /** @return the tenant's tables here, with their columns and keys */
    Mono<List<Sql.Table>> tables() {
        return with(c -> Flux.from(c.createStatement(Sql.TABLES).bind(0, schema).bind(1, shared).execute())
                .concatMap(r -> r.map((row, md) -> new Sql.Table(row.get(0, String.class),
                        List.of(row.get(1, String[].class)), List.of(row.get(2, String[].class)),
                        List.of(row.get(3, String[].class))))))
                .collectList();
    }

    @Override
    public String toString() {
        return placement + " (" + node + ", database " + database + ", schema " + schema + (shared ? ", shared tables" : "") + ")";
    }

    static List<String> names(List<Sql.Table> tables) {
        List<String> n = new ArrayList<>();
        tables.forEach(t -> n.add(t.name()));
        return n;
    }
}
