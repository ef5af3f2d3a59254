package io.tenantdb.mongodb.internal;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoCredential;
import com.mongodb.ServerAddress;
import com.mongodb.connection.ClusterType;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;
import com.mongodb.reactivestreams.client.gridfs.GridFSBuckets;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.Session;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.spi.Target;
import io.tenantdb.core.spi.ScopeCache;
import io.tenantdb.mongodb.MongoDocumentSession;
import org.bson.Document;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The MongoDB engine: one driver client per node and credentials (opened lazily, shared by the
 * tenants that use them), tenant scoping per operation, provisioning per isolation strategy.
 */
public final class MongoEngine implements Engine {

    private static final Logger LOG = LoggerFactory.getLogger(MongoEngine.class);
    private static final DatabaseType TYPE = DatabaseType.MONGODB;
    /** Database used by the shared strategies when connection.database is not set. */
    static final String DEFAULT_SHARED_DATABASE = "tenantdb";
    /** Created in a tenant's own database by provisioning, so the database exists. */
    static final String MARKER_COLLECTION = "tenantdb_tenant";

    private final EngineContext context;
    private final ConcurrentMap<ClientKey, MongoClient> clients = new ConcurrentHashMap<>();
    private final NameRegistry names = new NameRegistry();
    private final DocumentMapper mapper = new DocumentMapper();
    private final DefaultMongoDocumentSession session;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Each tenant's scope (client, database, checked collections), kept while its target is unchanged. */
    private final ScopeCache<TenantScope> scopes = new ScopeCache<>();
    /** Parsed settings per configuration object (configurations live as long as the engine). */
    private final Map<DatabaseConfig, MongoSettings> settings = new ConcurrentHashMap<>();

    /** @param context configuration, targets and operator chain */
    public MongoEngine(EngineContext context) {
        this.context = context;
        MongoSettings.from(context.config());
        this.session = new DefaultMongoDocumentSession(this, null, null);
    }

    @Override
    public DatabaseType type() {
        return TYPE;
    }

    @Override
    public Set<IsolationStrategy> supportedStrategies() {
        return EnumSet.allOf(IsolationStrategy.class);
    }

    @Override
    public <S extends Session> S session(Class<S> family) {
        if (family.isAssignableFrom(MongoDocumentSession.class)) {
            return family.cast(session);
        }
        throw new UnsupportedFeatureException("the MongoDB engine offers DocumentSession and MongoDocumentSession, not "
                + family.getSimpleName(), null, TYPE, null);
    }

    EngineContext context() {
        return context;
    }

    DocumentMapper mapper() {
        return mapper;
    }

    /**
     * @param tenant the tenant
     * @param kind   read or write
     * @return the tenant's scope for one operation
     */
    Mono<TenantScope> scope(TenantId tenant, OperationKind kind) {
        return withScope(tenant, kind, Mono::just);
    }

    /**
     * Runs a tenant's operation in its scope, kept from the tenant's previous operation when its
     * target is unchanged (one map lookup instead of a client lookup and the scope's checks).
     *
     * @param tenant the tenant
     * @param kind   read or write
     * @param body   the operation in the tenant's scope
     * @param <T>    value type
     * @return the operation
     */
    <T> Mono<T> withScope(TenantId tenant, OperationKind kind, Function<TenantScope, ? extends Mono<T>> body) {
        return scopes.run(context.targets().resolve(TYPE, tenant, kind), this::scope, body);
    }

    /**
     * {@link #withScope} for a multi-valued operation.
     *
     * @param tenant the tenant
     * @param kind   read or write
     * @param body   the operation in the tenant's scope
     * @param <T>    element type
     * @return the operation
     */
    <T> Flux<T> withScopeMany(TenantId tenant, OperationKind kind, Function<TenantScope, ? extends Publisher<T>> body) {
        return scopes.runMany(context.targets().resolve(TYPE, tenant, kind), this::scope, body);
    }

    private Mono<TenantScope> scope(Target target) {
        return client(target.node(), target.config()).map(client -> {
            DatabaseConfig config = target.config();
            MongoSettings settings = settings(config);
            TenantId tenant = target.tenant();
            String database;
            String prefix = "";
            switch (target.strategy()) {
                case DATABASE_PER_TENANT:
                    database = config.isolation().nameFor(tenant);
                    break;
                case SCHEMA_PER_TENANT:
                    database = sharedDatabase(config);
                    prefix = collectionPrefix(config, tenant);
                    break;
                default:
                    database = sharedDatabase(config);
            }
            InputGuard.checkName("database", database, tenant);
            names.claimDatabase(database, tenant);
            return new TenantScope(tenant, target.strategy(), client, database, prefix, settings, names,
                    target.node().host() + ":" + target.node().port());
        });
    }

    /**
     * The tenant's collection prefix: its name and a '-'. A tenant id cannot hold '-', so the first '-'
     * after the template's fixed start ends the tenant part: tenant {@code a}'s collection {@code b_x}
     * ({@code tenant_a-b_x}) can never be tenant {@code a_b}'s {@code x} ({@code tenant_a_b-x}), as it
     * would be with a plain {@code tenant_a_} prefix. ('.' would do as well, but some servers split
     * namespaces at every '.'.)
     */
    static String collectionPrefix(DatabaseConfig config, TenantId tenant) {
        String template = config.isolation().prefix();
        String after = template.substring(template.indexOf(IsolationConfig.PLACEHOLDER) + IsolationConfig.PLACEHOLDER.length());
        if (after.contains("-") || after.contains(".")) {
            throw new ConfigException("tenant_isolation.prefix '" + template + "' has '-' or '.' after "
                    + IsolationConfig.PLACEHOLDER + ": MongoDB collection prefixes end with '-' as separator; remove them",
                    TYPE, null);
        }
        return config.isolation().nameFor(tenant) + "-";
    }

    private MongoSettings settings(DatabaseConfig config) {
        MongoSettings cached = settings.get(config);
        if (cached == null) {
            cached = MongoSettings.from(config);
            if (settings.size() < 10_000) {
                settings.put(config, cached);
            }
        }
        return cached;
    }

    private static String sharedDatabase(DatabaseConfig config) {
        String db = config.connection().database();
        return db == null || db.isBlank() ? DEFAULT_SHARED_DATABASE : db;
    }

    private Mono<MongoClient> client(NodeAddress node, DatabaseConfig config) {
        if (closed.get()) {
            return Mono.error(new EngineUnavailableException("the MongoDB engine is closed", null, TYPE, null));
        }
        ClientKey key = ClientKey.of(node, config);
        MongoClient existing = clients.get(key);
        if (existing != null) {
            return Mono.just(existing);
        }
        // Resolving a secret may read a file: off the event loop.
        return Mono.fromCallable(() -> clients.computeIfAbsent(key, k -> MongoClients.create(settings(k, config))))
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static MongoClientSettings settings(ClientKey key, DatabaseConfig config) {
        ConnectionConfig connection = config.connection();
        PoolConfig pool = config.pool();
        List<ServerAddress> hosts = new ArrayList<>();
        if (key.replicaSet() != null) {
            for (NodeAddress n : connection.hosts()) {
                hosts.add(new ServerAddress(n.host(), n.port()));
            }
        } else {
            hosts.add(new ServerAddress(key.node().host(), key.node().port()));
        }
        long connectMs = connection.connectTimeout().toMillis();
        long selectionMs = key.serverSelectionTimeout().toMillis();
        MongoClientSettings.Builder b = MongoClientSettings.builder()
                .applicationName("tenantdb")
                .applyToClusterSettings(c -> {
                    c.hosts(hosts).serverSelectionTimeout(selectionMs, TimeUnit.MILLISECONDS);
                    if (key.replicaSet() != null) {
                        c.requiredReplicaSetName(key.replicaSet());
                    }
                })
                .applyToSocketSettings(s -> s.connectTimeout((int) connectMs, TimeUnit.MILLISECONDS))
                .applyToConnectionPoolSettings(p -> p.maxSize(pool.maxSize()).minSize(pool.initialSize())
                        .maxConnectionIdleTime(pool.maxIdleTime().toMillis(), TimeUnit.MILLISECONDS)
                        .maxWaitTime(pool.acquireTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .applyToSslSettings(s -> s.enabled(key.tls().enabled()).invalidHostNameAllowed(!key.tls().verify()));
        if (key.user() != null && !key.user().isBlank()) {
            b.credential(MongoCredential.createCredential(key.user(), key.authSource(),
                    key.password().reveal().toCharArray()));
        }
        return b.build();
    }

    /**
     * @param scope a tenant's scope
     * @return completes when the server offers multi-document transactions, else an error
     *     {@link UnsupportedFeatureException} saying what to run instead
     */
    Mono<Void> requireTransactions(TenantScope scope) {
        // The driver knows the cluster's type once it has seen a server; ping only before that.
        Mono<Void> discovered = scope.client().getClusterDescription().getType() != ClusterType.UNKNOWN ? Mono.empty()
                : Mono.from(scope.database().runCommand(new Document("ping", 1))).then();
        return discovered
                .then(Mono.defer(() -> {
                    ClusterType type = scope.client().getClusterDescription().getType();
                    boolean sessions = scope.client().getClusterDescription().getLogicalSessionTimeoutMinutes() != null;
                    if ((type == ClusterType.REPLICA_SET || type == ClusterType.SHARDED
                            || type == ClusterType.LOAD_BALANCED) && sessions) {
                        return Mono.<Void>empty();
                    }
                    return Mono.error(new UnsupportedFeatureException("the MongoDB server at " + scope.node()
                            + " has no multi-document transactions (cluster type " + type
                            + (sessions ? "" : ", no logical sessions") + "): run MongoDB 4.0+ as a replica set (a single"
                            + " node started with --replSet is enough) or sharded cluster, or do without inTransaction",
                            scope.tenant(), TYPE, null));
                }));
    }

    @Override
    public Mono<Void> provision(TenantId tenant) {
        return scope(tenant, OperationKind.WRITE).flatMap(scope -> {
            if (scope.strategy() != IsolationStrategy.DATABASE_PER_TENANT) {
                // Shared database: collections are created on first write; names were checked by scope().
                return Mono.<Void>empty();
            }
            return Flux.from(scope.database().listCollectionNames())
                    .filter(MARKER_COLLECTION::equals).hasElements()
                    .flatMap(exists -> exists ? Mono.<Void>empty()
                            : Mono.from(scope.database().createCollection(MARKER_COLLECTION))
                            .onErrorResume(MongoCommandException.class, e -> e.getErrorCode() == 48 // NamespaceExists
                                    ? Mono.empty() : Mono.error(e))
                            .then());
        }).onErrorMap(e -> MongoErrors.map(e, tenant, "provision"));
    }

    @Override
    public Mono<Void> deprovision(TenantId tenant) {
        return scope(tenant, OperationKind.WRITE).flatMap(scope -> {
            MongoDatabase db = scope.database();
            switch (scope.strategy()) {
                case DATABASE_PER_TENANT:
                    return Mono.from(db.drop()).then(Mono.fromRunnable(() -> names.forgetDatabase(scope.databaseName())));
                case SCHEMA_PER_TENANT:
                    return Flux.from(db.listCollectionNames())
                            .filter(name -> name.startsWith(scope.collectionPrefix()))
                            .concatMap(name -> Mono.from(db.getCollection(name).drop()))
                            .then(Mono.fromRunnable(() -> names.forgetCollections(scope.databaseName(),
                                    scope.collectionPrefix())));
                default:
                    return deleteRows(scope);
            }
        }).then().doFinally(signal -> scopes.forget(tenant)).onErrorMap(e -> MongoErrors.map(e, tenant, "deprovision"));
    }

    private Mono<Void> deleteRows(TenantScope scope) {
        MongoDatabase db = scope.database();
        Document mine = new Document(scope.tenantField(), scope.tenant().value());
        return Flux.from(db.listCollectionNames())
                .filter(name -> !name.startsWith("system."))
                .concatMap(name -> {
                    if (name.endsWith(".files")) {
                        String bucket = name.substring(0, name.length() - ".files".length());
                        var gridFs = GridFSBuckets.create(db, bucket);
                        return Flux.from(gridFs.find(new Document("metadata." + scope.tenantField(), scope.tenant().value())))
                                .concatMap(file -> Mono.from(gridFs.delete(file.getId())))
                                .then();
                    }
                    if (name.endsWith(".chunks")) {
                        return Mono.empty(); // removed with their files
                    }
                    return Mono.from(db.getCollection(name).deleteMany(mine)).then();
                })
                .then();
    }

    @Override
    public Flux<Health> health() {
        DatabaseConfig config = context.config();
        Set<NodeAddress> nodes = new LinkedHashSet<>(config.connection().hosts());
        nodes.addAll(config.replicas());
        return Flux.fromIterable(nodes).flatMap(node -> {
            String name = node.host() + ":" + node.port();
            return client(node, config).flatMap(client -> Mono.defer(() -> {
                long start = System.nanoTime();
                return Mono.from(client.getDatabase("admin").runCommand(new Document("ping", 1)))
                        .map(ok -> new Health(TYPE, name, Health.Status.UP, Duration.ofNanos(System.nanoTime() - start), "ping ok"));
            })).onErrorResume(e -> Mono.just(new Health(TYPE, name, Health.Status.DOWN, Duration.ZERO,
                    "ping failed: " + e.getClass().getSimpleName())));
        });
    }

    @Override
    public Mono<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return Mono.empty();
        }
        scopes.close();
        return Mono.fromRunnable(() -> {
            for (MongoClient client : clients.values()) {
                try {
                    client.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing a MongoDB client failed: {}", e.toString());
                }
            }
            clients.clear();
        }).subscribeOn(Schedulers.boundedElastic()).then();
    }

    /** What makes two tenants able to share a driver client. */
    private record ClientKey(NodeAddress node, String user, Secret password, String authSource, TlsConfig tls,
                             String replicaSet, PoolConfig pool, Duration serverSelectionTimeout) {

        /** {@code mongodb.replica_set}, {@code auth_source} and {@code server_selection_timeout}, else the connection options. */
        static ClientKey of(NodeAddress node, DatabaseConfig config) {
            ConnectionConfig connection = config.connection();
            ConfigNode mongo = config.section("mongodb");
            String replicaSet = mongo.string("replica_set").orElse(connection.options().get("replica_set"));
            String authSource = mongo.string("auth_source").orElse(connection.options().getOrDefault("auth_source", "admin"));
            Duration selection = mongo.duration("server_selection_timeout", connection.connectTimeout().multipliedBy(2));
            return new ClientKey(replicaSet != null ? connection.primary() : node, connection.user(),
                    connection.password(), authSource, connection.tls(), replicaSet, config.pool(), selection);
        }
    }

    @Override
    public String toString() {
        return "MongoEngine{hosts=" + context.config().connection().hosts() + ", clients=" + clients.size() + "}";
    }

}
