package io.tenantdb.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.tenantdb.clickhouse.ClickHouseSession;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.session.DocumentQuery;
import io.tenantdb.core.session.SearchHit;
import io.tenantdb.elasticsearch.ElasticsearchSession;
import io.tenantdb.postgresql.PostgresRls;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quickstart: one Reactor pipeline that writes and reads for two tenants on every engine, using
 * the shipped {@code config/} directory (environment {@code development}) on real servers found or
 * started by the testkit (local PostgreSQL, Redis and ClickHouse; in-process MongoDB; OpenSearch in
 * a child JVM), and prints what each tenant sees.
 *
 * <p>{@code spotify_free} shares tables, collections and indices with row-level isolation;
 * {@code spotify_premium} has its own database, database, logical db and index on each engine — as
 * {@code config/tenants/*} say. Run it with {@code bash scripts/demo.sh}.
 */
public final class Quickstart {

    private static final List<TenantId> TENANTS = List.of(TenantId.of("spotify_free"), TenantId.of("spotify_premium"));
    private static final Map<TenantId, List<String>> LISTENS = Map.of(
            TENANTS.get(0), List.of("So What", "Blue in Green"),
            TENANTS.get(1), List.of("Naima", "Giant Steps", "A Love Supreme"));
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Where row-level (shared) PostgreSQL tables live: postgresql.rls_schema in config/. */
    private static final String SHARED_SCHEMA = "music";
    private static final Duration STEP = Duration.ofMinutes(2);

    private Quickstart() {
    }

    /**
     * Runs the quickstart.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        int status = 1;
        try {
            run();
            status = 0;
        } catch (Throwable e) {
            System.err.println("quickstart failed: " + e);
            e.printStackTrace();
        }
        // The in-process MongoDB server and the OpenSearch child JVM stop in shutdown hooks.
        System.exit(status);
    }

    private static void run() {
        Path config = configDirectory();
        Map<String, String> endpoints = new LinkedHashMap<>();
        ServerEndpoint pg = TestServers.postgresql();
        endpoints.put("TENANTDB_POSTGRESQL_CONNECTION_HOSTS", pg.address());
        endpoints.put("TENANTDB_REDIS_CONNECTION_HOSTS", TestServers.redis().address());
        endpoints.put("TENANTDB_MONGODB_CONNECTION_HOSTS", TestServers.mongodb().address());
        endpoints.put("TENANTDB_CLICKHOUSE_CONNECTION_HOSTS", TestServers.clickhouse().address());
        endpoints.put("TENANTDB_ELASTICSEARCH_CONNECTION_HOSTS", TestServers.opensearch().address());
        System.out.println("servers: " + endpoints.values());

        prepareSharedPostgresTables(pg);
        TenantDb db = TenantDb.builder()
                .configDirectory(config)
                .environment("development")
                .environmentVariables(endpoints)
                .engines(DatabaseType.POSTGRESQL, DatabaseType.MONGODB, DatabaseType.REDIS,
                        DatabaseType.CLICKHOUSE, DatabaseType.ELASTICSEARCH)
                .build();
        try {
            Flux.fromIterable(TENANTS)
                    .concatMap(tenant -> db.provision(tenant)
                            .then(createTables(db))
                            .thenMany(write(db, tenant))
                            .thenMany(read(db, tenant))
                            .contextWrite(TenantContext.of(tenant)))
                    .doOnNext(System.out::println)
                    .blockLast(STEP);
        } finally {
            Flux.fromIterable(TENANTS).concatMap(db::deprovision).then(db.closeAsync()).block(STEP);
        }
        System.out.println("done: each tenant saw only its own listens, on every engine");
    }

    /** Per-tenant tables that are not made by provisioning ({@code tenant_ddl} makes PostgreSQL's). */
    private static Mono<Void> createTables(TenantDb db) {
        ClickHouseSession clickhouse = db.session(DatabaseType.CLICKHOUSE, ClickHouseSession.class);
        ElasticsearchSession search = db.session(DatabaseType.ELASTICSEARCH, ElasticsearchSession.class);
        ObjectNode mappings = JSON.createObjectNode();
        mappings.putObject("properties").putObject("track").put("type", "text");
        return clickhouse.createTable("listens", "(n UInt32, track String) ENGINE = MergeTree ORDER BY n")
                .then(search.createIndex("tracks", mappings, null));
    }

    private static Flux<Object> write(TenantDb db, TenantId tenant) {
        List<String> tracks = LISTENS.get(tenant);
        return Flux.range(0, tracks.size()).concatMap(i -> {
            String track = tracks.get(i);
            return Flux.concat(
                    db.sql(DatabaseType.POSTGRESQL).execute("INSERT INTO plays (n, track) VALUES ($1, $2)", i + 1, track),
                    db.documents(DatabaseType.MONGODB).insert("plays", new LinkedHashMap<>(Map.of("n", i + 1, "track", track))),
                    db.keyValue(DatabaseType.REDIS).increment("listens"),
                    db.sql(DatabaseType.CLICKHOUSE).execute("INSERT INTO {table:listens} (n, track) VALUES ($1, $2)", i + 1, track),
                    db.search(DatabaseType.ELASTICSEARCH).index("tracks", "t" + (i + 1),
                            JSON.createObjectNode().put("track", track)));
        }).then(db.search(DatabaseType.ELASTICSEARCH).refresh("tracks")).flux().cast(Object.class);
    }

    private static Flux<String> read(TenantDb db, TenantId tenant) {
        Mono<String> postgres = db.sql(DatabaseType.POSTGRESQL)
                .query("SELECT track FROM plays ORDER BY n").map(r -> r.get("track", String.class)).collectList()
                .map(l -> line(tenant, "postgresql", l));
        Mono<String> mongo = db.documents(DatabaseType.MONGODB)
                .find("plays", DocumentQuery.filter(Map.of()).sort(Map.of("n", 1))).map(d -> d.get("track")).collectList()
                .map(l -> line(tenant, "mongodb", l));
        Mono<String> redis = db.keyValue(DatabaseType.REDIS).get("listens")
                .map(v -> line(tenant, "redis", "listens = " + v));
        Mono<String> clickhouse = db.sql(DatabaseType.CLICKHOUSE)
                .query("SELECT track FROM {table:listens} ORDER BY n").map(r -> r.get("track", String.class)).collectList()
                .map(l -> line(tenant, "clickhouse", l));
        ObjectNode all = JSON.createObjectNode();
        all.putObject("match_all");
        Mono<String> search = db.search(DatabaseType.ELASTICSEARCH).search("tracks", all)
                .map(SearchHit::source).map(s -> s.get("track").asText()).sort().collectList()
                .map(l -> line(tenant, "opensearch", l));
        return Flux.concat(postgres, mongo, redis, clickhouse, search);
    }

    private static String line(TenantId tenant, String engine, Object seen) {
        return String.format("%-16s %-11s sees %s", tenant, engine, seen);
    }

    /**
     * The shared PostgreSQL table of row-level tenants, made once by an administrator as a
     * migration would: the table, FORCE ROW LEVEL SECURITY with tenantdb's policy, and the
     * non-owner application role {@code tenantdb_app} (postgresql.rls_role in config/).
     */
    private static void prepareSharedPostgresTables(ServerEndpoint pg) {
        ConnectionFactoryOptions options = ConnectionFactoryOptions.builder()
                .option(ConnectionFactoryOptions.DRIVER, "postgresql")
                .option(ConnectionFactoryOptions.HOST, pg.host())
                .option(ConnectionFactoryOptions.PORT, pg.port())
                .option(ConnectionFactoryOptions.USER, pg.user())
                .option(ConnectionFactoryOptions.PASSWORD, pg.password())
                .option(ConnectionFactoryOptions.DATABASE, pg.database())
                .build();
        List<String> ddl = List.of(
                "CREATE SCHEMA IF NOT EXISTS " + SHARED_SCHEMA,
                "CREATE TABLE IF NOT EXISTS " + SHARED_SCHEMA + ".plays (tenant_id text NOT NULL DEFAULT "
                        + "current_setting('app.tenant_id', true), n int NOT NULL, track text NOT NULL, "
                        + "PRIMARY KEY (tenant_id, n))");
        Flux.usingWhen(ConnectionFactories.get(options).create(),
                        c -> Flux.fromIterable(ddl).concatMap(sql -> Flux.from(c.createStatement(sql).execute())
                                        .concatMap(r -> r.getRowsUpdated()))
                                .then(PostgresRls.createAppRole(c, "tenantdb_app", Secret.NONE, SHARED_SCHEMA))
                                .then(PostgresRls.enableFor(c, SHARED_SCHEMA + ".plays", "tenantdb_app")),
                        Connection::close)
                .blockLast(STEP);
    }

    private static Path configDirectory() {
        for (Path candidate : List.of(Path.of("config"), Path.of("..", "config"))) {
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("run from the repository root: no config/ directory here");
    }
}
