package io.tenantdb.clickhouse.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.netty.buffer.ByteBuf;
import io.tenantdb.clickhouse.ClickHouseSession;
import io.tenantdb.clickhouse.QuerySettings;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.Session;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.spi.Target;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The ClickHouse engine: one HTTP connection pool per distinct connection configuration, tenant
 * scoping by {@link TenantScope} and {@link TenantSqlRenderer}, provisioning per strategy.
 */
public final class DefaultClickHouseEngine implements Engine {

    static final DatabaseType ENGINE = DatabaseType.CLICKHOUSE;
    private static final Logger LOG = LoggerFactory.getLogger(DefaultClickHouseEngine.class);
    private static final Pattern DB_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Duration MUTATION_WAIT = Duration.ofSeconds(120);
    /** The always-empty database unqualified names resolve in under the shared strategies. */
    static final String SANDBOX = "tenantdb_sandbox";
    /** The engine's own configuration section. */
    static final String SECTION = "clickhouse";

    private final EngineContext context;
    private final String sandbox;
    private final Map<ConnectionConfig, ClickHouseHttp> clients = new ConcurrentHashMap<>();
    private final ObjectWriter rowWriter;
    private final DefaultClickHouseSession session;

    /**
     * @param context the engine context
     * @throws ConfigException when TLS is asked for (not supported yet) or a name is invalid
     */
    public DefaultClickHouseEngine(EngineContext context) {
        this.context = context;
        DatabaseConfig config = context.config();
        if (config.connection().tls().enabled()) {
            throw new ConfigException("clickhouse: connection.tls is not supported by this engine yet: use a TLS-terminating "
                    + "proxy on the same host, or disable tls", ENGINE, null);
        }
        this.sandbox = SANDBOX;
        checkDatabaseName(baseDatabase(config), "connection.database");
        ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        this.rowWriter = mapper.writer();
        this.clients.put(config.connection(), newHttp(config));
        this.session = new DefaultClickHouseSession(this, QuerySettings.NONE);
    }

    private static void checkDatabaseName(String name, String key) {
        if (name == null || !DB_NAME.matcher(name).matches()) {
            throw new ConfigException("clickhouse: " + key + " must be a plain name (letters, digits, '_'), was '" + name + "'",
                    ENGINE, null);
        }
    }

    static String baseDatabase(DatabaseConfig config) {
        String db = config.connection().database();
        return db == null || db.isBlank() ? "default" : db;
    }

    @Override
    public DatabaseType type() {
        return ENGINE;
    }

    @Override
    public Set<IsolationStrategy> supportedStrategies() {
        return EnumSet.allOf(IsolationStrategy.class);
    }

    @Override
    public <S extends Session> S session(Class<S> family) {
        if (family.isAssignableFrom(ClickHouseSession.class)) {
            return family.cast(session);
        }
        throw new UnsupportedFeatureException("clickhouse offers SqlSession (and ClickHouseSession), not "
                + family.getSimpleName(), null, ENGINE, null);
    }

    EngineContext context() {
        return context;
    }

    // ---------------------------------------------------------------- targets and scopes

    Mono<Target> target(TenantId tenant, OperationKind kind) {
        return context.targets().resolve(ENGINE, tenant, kind);
    }

    TenantScope scope(Target target) {
        return new TenantScope(target.tenant(), target.strategy(), target.config().isolation(),
                baseDatabase(target.config()), sandbox);
    }

    private Mono<ClickHouseHttp> http(DatabaseConfig config) {
        ClickHouseHttp http = clients.get(config.connection());
        if (http != null) {
            return Mono.just(http);
        }
        // Reading the password may read a file: not on an event loop.
        return Mono.fromCallable(() -> clients.computeIfAbsent(config.connection(), c -> newHttp(config)))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static ClickHouseHttp newHttp(DatabaseConfig config) {
        return new ClickHouseHttp(config.connection(), config.pool(), config.section(SECTION).bool("compression", false));
    }

    // ---------------------------------------------------------------- requests

    /**
     * Sends a statement (already rendered) and streams the rows of the answer, with failover,
     * cancel-to-KILL and error mapping (an error the server writes mid-stream included).
     *
     * @param target   where
     * @param scope    the tenant's scope, whose session database is used
     * @param settings per-query settings
     * @param sql      the rendered SQL
     * @return the rows
     */
    Flux<ClickHouseRow> rows(Target target, TenantScope scope, QuerySettings settings, String sql) {
        return send(target, scope.tenant(), scope.strategy(), scope.sessionDatabase(), settings, null,
                (http, node, params) -> http.post(node, params, sql));
    }

    /**
     * Streams a data body for {@code query} (an {@code INSERT ... FORMAT ...}).
     */
    Flux<ClickHouseRow> data(Target target, TenantScope scope, QuerySettings settings, String query, Publisher<? extends ByteBuf> body) {
        return send(target, scope.tenant(), scope.strategy(), scope.sessionDatabase(), settings, query,
                (http, node, params) -> http.post(node, params, body));
    }

    /** Administrative statement on the target's nodes, in the user's default database (no tenant guard: engine-generated SQL only). */
    Flux<ClickHouseRow> admin(Target target, String sql) {
        return send(target, target.tenant(), target.strategy(), null, QuerySettings.NONE, null,
                (http, node, params) -> http.post(node, params, sql));
    }

    /** Sends one request to one node; answers the response body, chunk by chunk. */
    private interface Call {
        Flux<byte[]> apply(ClickHouseHttp http, NodeAddress node, Map<String, String> params);
    }

    private Flux<ClickHouseRow> send(Target target, TenantId tenant, IsolationStrategy strategy, String database,
                                     QuerySettings settings, String query, Call call) {
        return http(target.config()).flatMapMany(http -> {
            String queryId = settings.queryId() != null ? settings.queryId() : newQueryId();
            Map<String, String> params = new LinkedHashMap<>();
            if (database != null) {
                params.put("database", database);
            }
            params.put("query_id", queryId);
            params.put("default_format", "JSONEachRow");
            params.put("output_format_json_quote_64bit_integers", "0");
            if (http.compression()) {
                params.put("enable_http_compression", "1");
            }
            Duration limit = settings.maxExecutionTime() != null ? settings.maxExecutionTime()
                    : target.config().section(SECTION).duration("max_execution_time", null);
            if (limit != null) {
                long ms = limit.toMillis();
                params.put("max_execution_time", Long.toString(Math.max(1, (ms + 999) / 1000)));
            }
            params.putAll(settings.settings());
            if (query != null) {
                params.put("query", query);
            }
            List<NodeAddress> order = http.order(target.node());
            return ClickHouseHttp.withFailover(order, node -> JsonEachRowDecoder.rows(call.apply(http, node, params))
                            .onErrorMap(e -> !ClickHouseHttp.isConnectFailure(e), e -> ClickHouseErrors.map(e, tenant, strategy, node))
                            .doOnCancel(() -> kill(http, node, queryId)))
                    .onErrorMap(e -> ClickHouseErrors.map(e, tenant, strategy, order.get(order.size() - 1)));
        });
    }

    /** Stops a query the subscriber no longer wants (closing the connection alone does not stop it on 18.16). */
    private void kill(ClickHouseHttp http, NodeAddress node, String queryId) {
        String sql = "KILL QUERY WHERE query_id = " + ClickHouseLiterals.quote(queryId) + " ASYNC";
        http.post(node, Map.of("query_id", newQueryId(), "default_format", "JSONEachRow"), sql)
                .then()
                .subscribe(null, e -> LOG.debug("KILL QUERY {} on {} failed: {}", queryId, node, e.toString()));
    }

    static String newQueryId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "tenantdb-" + new UUID(r.nextLong(), r.nextLong());
    }

    byte[] encode(Map<String, Object> row) {
        try {
            return rowWriter.writeValueAsBytes(row);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("row cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    // ---------------------------------------------------------------- provisioning

    @Override
    public Mono<Void> provision(TenantId tenant) {
        return target(tenant, OperationKind.WRITE).flatMap(target -> {
            TenantScope scope = scope(target);
            if (scope.strategy() == IsolationStrategy.DATABASE_PER_TENANT) {
                return admin(target, "CREATE DATABASE IF NOT EXISTS " + ClickHouseLiterals.identifier(scope.tenantDatabase())).then();
            }
            return admin(target, "CREATE DATABASE IF NOT EXISTS " + ClickHouseLiterals.identifier(scope.base()))
                    .thenMany(admin(target, "CREATE DATABASE IF NOT EXISTS " + ClickHouseLiterals.identifier(sandbox)))
                    .then();
        });
    }

    @Override
    public Mono<Void> deprovision(TenantId tenant) {
        return target(tenant, OperationKind.WRITE).flatMap(target -> {
            TenantScope scope = scope(target);
            String base = ClickHouseLiterals.quote(scope.base());
            switch (scope.strategy()) {
                case DATABASE_PER_TENANT:
                    return admin(target, "DROP DATABASE IF EXISTS " + ClickHouseLiterals.identifier(scope.tenantDatabase())).then();
                case SCHEMA_PER_TENANT:
                    return admin(target, "SELECT name FROM system.tables WHERE database = " + base
                            + " AND startsWith(name, " + ClickHouseLiterals.quote(scope.schemaPrefix()) + ")")
                            .map(row -> row.get(0, String.class))
                            .concatMap(name -> admin(target, "DROP TABLE IF EXISTS "
                                    + ClickHouseLiterals.qualified(scope.base(), name)))
                            .then();
                default:
                    return admin(target, "SELECT table FROM system.columns WHERE database = " + base
                            + " AND name = " + ClickHouseLiterals.quote(TenantScope.TENANT_COLUMN))
                            .map(row -> row.get(0, String.class))
                            .concatMap(table -> deleteTenantRows(target, scope, table))
                            .then();
            }
        });
    }

    /** Deletes the tenant's rows of a shared table and waits until the mutation is done. */
    Mono<Void> deleteTenantRows(Target target, TenantScope scope, String physicalTable) {
        String delete = "ALTER TABLE " + ClickHouseLiterals.qualified(scope.base(), physicalTable) + " DELETE WHERE "
                + scope.rowFilter();
        return admin(target, delete).then(awaitMutations(target, scope.base(), physicalTable));
    }

    private Mono<Void> awaitMutations(Target target, String database, String table) {
        String pending = "SELECT count() AS n FROM system.mutations WHERE database = " + ClickHouseLiterals.quote(database)
                + " AND table = " + ClickHouseLiterals.quote(table) + " AND is_done = 0";
        return admin(target, pending)
                .map(row -> row.get(0, Long.class))
                .single()
                .flatMap(n -> n == 0 ? Mono.just(true) : Mono.delay(Duration.ofMillis(100)).then(Mono.<Boolean>empty()))
                .repeatWhenEmpty(r -> r)
                .timeout(MUTATION_WAIT, Mono.error(() -> new io.tenantdb.core.exception.OperationTimeoutException(
                        "the delete mutation on " + database + "." + table + " did not finish within " + MUTATION_WAIT
                                + ": see system.mutations", target.tenant(), ENGINE, null)))
                .then();
    }

    // ---------------------------------------------------------------- health and close

    @Override
    public Flux<Health> health() {
        DatabaseConfig config = context.config();
        return http(config).flatMapMany(http -> Flux.fromIterable(http.nodes()).flatMap(node -> {
            long start = System.nanoTime();
            Map<String, String> params = Map.of("query_id", newQueryId(), "default_format", "JSONEachRow");
            return http.ping(node)
                    .thenMany(JsonEachRowDecoder.rows(http.post(node, params, "SELECT version() AS v")))
                    .map(row -> row.get(0, String.class))
                    .single()
                    .map(version -> new Health(ENGINE, node.toString(), Health.Status.UP, Duration.ofNanos(System.nanoTime() - start),
                            "ClickHouse " + version))
                    .onErrorResume(e -> Mono.just(new Health(ENGINE, node.toString(), Health.Status.DOWN,
                            Duration.ofNanos(System.nanoTime() - start), e.getClass().getSimpleName() + ": "
                            + ClickHouseErrors.map(e, null, null, node).getMessage())));
        }));
    }

    @Override
    public Mono<Void> closeAsync() {
        return Flux.fromIterable(clients.values()).flatMap(ClickHouseHttp::close).then();
    }
}
