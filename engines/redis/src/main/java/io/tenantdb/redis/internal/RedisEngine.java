package io.tenantdb.redis.internal;

import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanStream;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.Session;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.spi.Target;
import io.tenantdb.core.spi.ScopeCache;
import io.tenantdb.redis.RedisKeyValueSession;
import io.tenantdb.redis.internal.RedisConnections.Endpoint;
import io.tenantdb.redis.internal.RedisSettings.Topology;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/** The Redis engine: settings, connections, tenant scopes, provisioning and health. */
public final class RedisEngine implements Engine {

    private static final DatabaseType REDIS = DatabaseType.REDIS;
    private static final int DELETE_BATCH = 200;
    private static final int SCAN_COUNT = 200;

    private final EngineContext context;
    private final RedisSettings settings;
    private final RedisConnections connections;
    private final TenantAcl acl;
    private final ConcurrentMap<TenantId, String> aclPasswords = new ConcurrentHashMap<>();
    private final ConcurrentMap<NamespaceKey, KeyNamespace> namespaces = new ConcurrentHashMap<>();
    /** Each tenant's scope, kept while its target is unchanged (its connections are shared and long-lived). */
    private final ScopeCache<TenantScope> scopes = new ScopeCache<>();
    private final DefaultRedisKeyValueSession session;

    /** @param context what the façade hands the engine */
    public RedisEngine(EngineContext context) {
        this.context = context;
        this.settings = RedisSettings.from(context.config());
        this.acl = TenantAcl.of(settings.aclSecret());
        this.connections = new RedisConnections(settings, context.config().connection());
        this.session = new DefaultRedisKeyValueSession(this);
    }

    EngineContext context() {
        return context;
    }

    RedisSettings settings() {
        return settings;
    }

    RedisConnections connections() {
        return connections;
    }

    @Override
    public DatabaseType type() {
        return REDIS;
    }

    @Override
    public Set<IsolationStrategy> supportedStrategies() {
        return settings.topology() == Topology.CLUSTER
                ? EnumSet.of(IsolationStrategy.SCHEMA_PER_TENANT, IsolationStrategy.ROW_LEVEL_SECURITY)
                : EnumSet.allOf(IsolationStrategy.class);
    }

    @Override
    public <S extends Session> S session(Class<S> family) {
        if (family.isAssignableFrom(RedisKeyValueSession.class)) {
            return family.cast(session);
        }
        throw new UnsupportedFeatureException("the Redis engine offers KeyValueSession and RedisKeyValueSession, not "
                + family.getSimpleName(), null, REDIS, null);
    }

    /**
     * Runs a tenant's operation in its scope: where and how it runs. The scope built for a tenant is
     * kept and reused for as long as its target resolves to the same strategy, node and
     * configuration (the connections it holds are shared and long-lived), so an operation normally
     * costs one map lookup here rather than a plan, a namespace lookup and a connection lookup.
     *
     * @param tenant the tenant
     * @param kind   read or write
     * @param body   the operation in the tenant's scope
     * @param <T>    value type
     * @return the operation
     */
    <T> Mono<T> withScope(TenantId tenant, OperationKind kind, Function<TenantScope, ? extends Mono<T>> body) {
        return scopes.run(context.targets().resolve(REDIS, tenant, kind), this::newScope, body);
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
        return scopes.runMany(context.targets().resolve(REDIS, tenant, kind), this::newScope, body);
    }

    private Mono<TenantScope> newScope(Target target) {
        TenantId tenant = target.tenant();
        Plan plan = plan(target);
        Mono<RedisClusterReactiveCommands<String, byte[]>> service = connections.commands(plan.service);
        if (plan.acl) {
            Mono<RedisClusterReactiveCommands<String, byte[]>> own = connections.commands(plan.tenant)
                    .onErrorResume(e -> notProvisioned(tenant, e, service));
            return Mono.zip(own, service).map(t -> new TenantScope(tenant, target.strategy(), plan.namespace, t.getT1(),
                    t.getT2(), plan.tenant, true));
        }
        return service.map(c -> new TenantScope(tenant, target.strategy(), plan.namespace, c, c, plan.tenant, false));
    }

    /**
     * A tenant's ACL connection failed. Redis answers WRONGPASS when its user is missing, but the
     * connection may close before Lettuce reports that reply, so ask the server whether the user
     * exists and say "provision" when it does not.
     */
    private <T> Mono<T> notProvisioned(TenantId tenant, Throwable error,
                                       Mono<RedisClusterReactiveCommands<String, byte[]>> service) {
        if (RedisErrors.map(error, tenant) instanceof NotProvisionedException) {
            return Mono.error(error);
        }
        String user = acl.user(tenant);
        return service.flatMapMany(c -> c.aclUsers()).any(user::equals)
                .onErrorReturn(true)
                .flatMap(exists -> Mono.error(exists ? error : new NotProvisionedException("the tenant's ACL user " + user
                        + " does not exist: provision the tenant (TenantDb.provision) first", tenant, REDIS, error)));
    }

    /** How a target maps to namespace and endpoints; throws a clear error for what is not supported. */
    private Plan plan(Target target) {
        TenantId tenant = target.tenant();
        IsolationStrategy strategy = target.strategy();
        boolean cluster = settings.topology() == Topology.CLUSTER;
        if (cluster && strategy == IsolationStrategy.DATABASE_PER_TENANT) {
            throw new UnsupportedFeatureException("database_per_tenant needs a standalone or Sentinel Redis: Redis Cluster"
                    + " has database 0 only. Use schema_per_tenant (key prefix) for this tenant, or give it its own"
                    + " server", tenant, REDIS, null);
        }
        boolean useAcl = strategy == IsolationStrategy.ROW_LEVEL_SECURITY && settings.aclPerTenant();
        KeyNamespace namespace = namespaces.computeIfAbsent(new NamespaceKey(tenant, target.config().isolation().prefix()),
                k -> KeyNamespace.of(tenant, target.config().isolation(), settings.hashTag()));
        int database = settings.database();
        if (strategy == IsolationStrategy.DATABASE_PER_TENANT) {
            database = RedisSettings.databaseOf(target.config());
            if (database == settings.database()) {
                throw new ConfigException("tenant " + tenant.value() + " is database_per_tenant but its logical database is "
                        + database + ", the shared default one: set redis.database (or connection.database) in tenants/"
                        + tenant.value() + "/redis.yml to a database of its own", REDIS, null);
            }
        }
        NodeAddress node = target.node();
        Endpoint service = new Endpoint(node, database, null, null);
        Endpoint own = useAcl ? new Endpoint(node, database, acl.user(tenant),
                aclPasswords.computeIfAbsent(tenant, acl::password)) : service;
        return new Plan(namespace, service, own, useAcl);
    }

    private record NamespaceKey(TenantId tenant, String template) {
    }

    private record Plan(KeyNamespace namespace, Endpoint service, Endpoint tenant, boolean acl) {
    }

    @Override
    public Mono<Void> provision(TenantId tenant) {
        return context.targets().resolve(REDIS, tenant, OperationKind.WRITE).flatMap(target -> {
            Plan plan = plan(target);
            if (!plan.acl) {
                return Mono.<Void>empty(); // a prefix or a logical database needs nothing created
            }
            return serversOf(plan.service).concatMap(c -> setUser(c, tenant, plan.namespace, true)
                    .onErrorResume(e -> String.valueOf(e.getMessage()).contains("Unknown command"),
                            e -> setUser(c, tenant, plan.namespace, false))).then();
        }).onErrorMap(e -> RedisErrors.map(e, tenant));
    }

    /**
     * The servers an ACL command must run on: the node of a standalone/Sentinel endpoint, or every
     * node of the cluster (ACL users are not replicated). A cluster node that is down makes
     * provisioning fail (transient): run it again once the node is back.
     */
    private Flux<RedisClusterReactiveCommands<String, byte[]>> serversOf(Endpoint service) {
        if (settings.topology() != Topology.CLUSTER) {
            return connections.commands(service).flux();
        }
        return connections.cluster().flatMapMany(c -> Flux.fromIterable(c.getPartitions())
                .concatMap(node -> Mono.fromFuture(c.getConnectionAsync(node.getNodeId()), true))
                .map(n -> (RedisClusterReactiveCommands<String, byte[]>) n.reactive()));
    }

    /** ACL SETUSER with the Redis 7 rules, or without the commands Redis 6 does not know. */
    private Mono<Void> setUser(RedisClusterReactiveCommands<String, byte[]> c, TenantId tenant, KeyNamespace namespace,
                               boolean redis7) {
        CommandArgs<String, byte[]> args = new CommandArgs<>(RedisConnections.CODEC).add("SETUSER").add(acl.user(tenant));
        for (String rule : acl.rules(tenant, namespace, redis7)) {
            args.add(rule);
        }
        return c.dispatch(CommandType.ACL, new StatusOutput<>(RedisConnections.CODEC), args).then();
    }

    @Override
    public Mono<Void> deprovision(TenantId tenant) {
        return context.targets().resolve(REDIS, tenant, OperationKind.WRITE).flatMap(target -> {
            scopes.forget(tenant);
            Plan plan = plan(target);
            Mono<Void> deleteKeys = connections.commands(plan.service).flatMap(c -> deleteAll(c, plan.namespace));
            if (!plan.acl) {
                return deleteKeys;
            }
            CommandArgs<String, byte[]> args = new CommandArgs<>(RedisConnections.CODEC).add("DELUSER")
                    .add(acl.user(tenant));
            return deleteKeys
                    .then(connections.forget(plan.tenant))
                    .thenMany(serversOf(plan.service))
                    .concatMap(c -> c.dispatch(CommandType.ACL, new IntegerOutput<>(RedisConnections.CODEC), args))
                    .then()
                    .doOnSuccess(v -> {
                        aclPasswords.remove(tenant);
                        scopes.forget(tenant);
                    });
        }).onErrorMap(e -> RedisErrors.map(e, tenant));
    }

    /**
     * Streams a namespace's physical keys matching a pattern (SCAN, never KEYS). In a cluster with hash
     * tags all of a tenant's keys are in one slot, so only the master serving it is scanned.
     *
     * @param service   the service commands of the tenant's database
     * @param namespace the namespace
     * @param pattern   a pattern built by {@link KeyNamespace#pattern(String)}
     * @return the physical keys, inside the namespace only
     */
    Flux<String> scan(RedisClusterReactiveCommands<String, byte[]> service, KeyNamespace namespace, String pattern) {
        ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_COUNT);
        if (settings.topology() != Topology.CLUSTER || !settings.hashTag()) {
            return ScanStream.scan(service, args).filter(namespace::owns);
        }
        int slot = SlotHash.getSlot(namespace.prefix());
        return connections.cluster().flatMap(c -> {
            RedisClusterNode master = c.getPartitions().getMasterBySlot(slot);
            if (master == null) {
                return Mono.error(new EngineUnavailableException("no master serves slot " + slot + " right now; retry"
                        + " after the cluster has recovered", namespace.tenant(), REDIS, null));
            }
            return Mono.fromFuture(c.getConnectionAsync(master.getNodeId()), true);
        }).flatMapMany(node -> ScanStream.scan(node.reactive(), args)).filter(namespace::owns);
    }

    /** Deletes every key of a namespace: SCAN confined to its prefix, UNLINK in batches. */
    private Mono<Void> deleteAll(RedisClusterReactiveCommands<String, byte[]> commands, KeyNamespace namespace) {
        return scan(commands, namespace, namespace.pattern("*"))
                .buffer(DELETE_BATCH)
                .concatMap(keys -> commands.unlink(keys.toArray(new String[0])))
                .then();
    }

    @Override
    public Flux<Health> health() {
        if (settings.topology() == Topology.CLUSTER) {
            return clusterHealth();
        }
        NodeAddress node = context.config().connection().primary();
        String name = settings.topology() == Topology.SENTINEL ? "sentinel:" + settings.sentinelMaster() : node.toString();
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return connections.commands(new Endpoint(node, settings.database(), null, null))
                    .flatMap(c -> c.ping())
                    .map(pong -> new Health(REDIS, name, Health.Status.UP, since(start), pong))
                    .onErrorResume(e -> Mono.just(new Health(REDIS, name, Health.Status.DOWN, since(start),
                            RedisErrors.map(e, null).getMessage())));
        }).flux();
    }

    /** One entry per cluster node the client knows: PING through the cluster connection's node connection. */
    private Flux<Health> clusterHealth() {
        String seeds = context.config().connection().hosts().toString();
        return connections.cluster().flatMapMany(c -> Flux.fromIterable(c.getPartitions()).flatMap(node -> {
            String name = node.getUri().getHost() + ":" + node.getUri().getPort();
            String role = node.is(RedisClusterNode.NodeFlag.UPSTREAM) ? "master" : "replica";
            if (node.is(RedisClusterNode.NodeFlag.FAIL) || node.is(RedisClusterNode.NodeFlag.EVENTUAL_FAIL)) {
                return Mono.just(new Health(REDIS, name, Health.Status.DOWN, Duration.ZERO,
                        role + " marked failing by the cluster"));
            }
            return Mono.defer(() -> {
                long start = System.nanoTime();
                return Mono.fromFuture(c.getConnectionAsync(node.getNodeId()), true)
                        .flatMap(n -> n.reactive().ping())
                        .map(pong -> new Health(REDIS, name, Health.Status.UP, since(start), role + " " + pong))
                        .onErrorResume(e -> Mono.just(new Health(REDIS, name, Health.Status.DOWN, since(start),
                                role + ": " + RedisErrors.map(e, null).getMessage())));
            });
        })).onErrorResume(e -> Mono.just(new Health(REDIS, seeds, Health.Status.DOWN, Duration.ZERO,
                RedisErrors.map(e, null).getMessage())));
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public Mono<Void> closeAsync() {
        scopes.close();
        return connections.closeAsync();
    }

    /** @return the configured topology's name and strategies, for logs */
    @Override
    public String toString() {
        return "RedisEngine[" + settings.topology() + ", strategies=" + List.copyOf(supportedStrategies()) + "]";
    }
}
