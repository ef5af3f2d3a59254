package io.tenantdb.tenancy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.LoadBalancingConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.Target;
import io.tenantdb.core.spi.TargetResolver;
import io.tenantdb.tenancy.internal.NodeState;
import io.tenantdb.tenancy.internal.Routed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Routes (tenant, engine, read/write intent) to a node: the core {@link TargetResolver} of the
 * tenancy module, plus an operator (order {@value #ORDER}) that tracks in-flight operations per node
 * and detects failing nodes passively.
 *
 * <ul>
 *   <li>Nodes are the tenant's {@code connection.hosts} (writers) and {@code replicas} (readers), with
 *       their region/zone/weight labels. Active probes ({@link NodeProbe}, every
 *       {@code load_balancing.health_check_interval}) find which node is primary — for PostgreSQL with
 *       {@code pg_is_in_recovery()} — and which answer at all; without a probe the configuration decides.</li>
 *   <li>Writes go to a healthy primary; while none is known they fail fast with a transient
 *       {@link EngineUnavailableException} and resume once a probe finds one (no restart).</li>
 *   <li>Reads go to healthy replicas (the primary when there are none), chosen by the engine's
 *       {@code load_balancing.strategy}: {@code round_robin}, {@code least_connections} (fewest in-flight
 *       operations), {@code weighted_round_robin} (smooth, by node weight).</li>
 *   <li>Nodes of the local region are preferred; other regions serve only when no local node is healthy.</li>
 *   <li>Read-your-writes: for the stickiness window after a tenant's write, its reads go to the primary
 *       (to replicas when no primary is known: availability first).</li>
 *   <li>Passive detection: an operation failing with {@link EngineUnavailableException} (connection
 *       refused or lost) marks its node down until a probe finds it up again, or for one health-check
 *       interval when no probe runs.</li>
 *   <li>Sharding: with a {@link io.tenantdb.tenancy.directory.TenantDirectory}, a tenant placed on a
 *       shard uses that shard's hosts and database from the engine's {@code shards} section, and the
 *       isolation strategy the directory records for it on that engine.</li>
 *   <li>Nodes whose circuit breaker is open (when built with a {@link ResilienceOperator}) are skipped.</li>
 * </ul>
 *
 * Register both faces: {@code builder.operator(router).targetResolverFactory(router::resolverFor)}
 * (or wrap with {@link ResilienceOperator#guard}). {@link #start()} begins the health checks.
 */
public final class Router implements OperationOperator {

    /** The operator's position: inside quotas (100), outside breakers and metrics. */
    public static final int ORDER = 150;
    /** Default read-your-writes window. */
    public static final Duration DEFAULT_STICKINESS = Duration.ofSeconds(2);

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    private record NodeKey(DatabaseType engine, String host, int port) {
        static NodeKey of(DatabaseType engine, NodeAddress node) {
            return new NodeKey(engine, node.host(), node.port());
        }
    }

    private record TenantKey(DatabaseType engine, TenantId tenant) {
    }

    private final String localRegion;
    private final NodeProbe probe;
    private final ResilienceOperator breakers;
    private final io.tenantdb.tenancy.directory.TenantDirectory directory;
    private final Cache<TenantKey, Boolean> recentWriters;
    private final Map<NodeKey, NodeState> nodes = new ConcurrentHashMap<>();
    private final Map<DatabaseType, DatabaseConfig> engines = new ConcurrentHashMap<>();
    private final Map<List<NodeKey>, AtomicLong> rotations = new ConcurrentHashMap<>();
    private final Disposable.Composite running = Disposables.composite();

    private Router(Builder b) {
        this.localRegion = b.localRegion;
        this.probe = b.probe;
        this.breakers = b.breakers;
        this.directory = b.directory;
        this.recentWriters = Caffeine.newBuilder().expireAfterWrite(b.stickiness).maximumSize(b.maxTenants).build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The resolver of one engine, for {@code TenantDb.Builder.targetResolverFactory(router::resolverFor)}.
     *
     * @param context the engine's context
     * @return its resolver
     */
    public TargetResolver resolverFor(EngineContext context) {
        DatabaseConfig base = context.config();
        engines.put(context.type(), base);
        for (NodeAddress n : nodesOf(base)) {
            state(context.type(), n);
        }
        return (engine, tenant, kind) -> placed(engine, tenant, context.config(tenant)).flatMap(config -> Mono.deferContextual(ctx -> {
            NodeAddress node = choose(engine, tenant, kind, config);
            if (node == null) {
                return Mono.error(kind == OperationKind.WRITE
                        ? new EngineUnavailableException("no primary node is known for writes (nodes "
                        + nodesOf(config) + " are down, read-only or open-circuited): writes fail until a health check "
                        + "finds a primary again; reads continue on replicas", tenant, engine, null)
                        : new EngineUnavailableException("no healthy node can serve reads (nodes " + nodesOf(config)
                        + "): check the servers and load_balancing settings", tenant, engine, null));
            }
            NodeState st = state(engine, node);
            Routed routed = ctx.getOrDefault(Routed.class, null);
            if (routed != null && routed.hold(st)) {
                st.inFlight.incrementAndGet();
            }
            if (kind == OperationKind.WRITE) {
                recentWriters.put(new TenantKey(engine, tenant), Boolean.TRUE);
            }
            return Mono.just(new Target(engine, tenant, kind, config.isolation().strategy(), node, config));
        }));
    }

    /**
     * The tenant's configuration on its shard: when the directory places it on a shard listed in
     * the engine's {@code shards} section, that shard's hosts (first = writer) and database replace
     * the connection's; replicas are kept only without a shard.
     */
    private Mono<DatabaseConfig> placed(DatabaseType engine, TenantId tenant, DatabaseConfig config) {
        if (directory == null) {
            return Mono.just(config);
        }
        return directory.find(tenant)
                .map(r -> {
                    DatabaseConfig c = r.shard(engine).map(shard -> onShard(engine, tenant, config, shard)).orElse(config);
                    io.tenantdb.core.IsolationStrategy strategy = r.strategies().get(engine);
                    if (strategy != null && strategy != c.isolation().strategy()) {
                        c = c.toBuilder().isolation(new io.tenantdb.core.config.IsolationConfig(strategy,
                                c.isolation().prefix(), c.isolation().encryption())).build();
                    }
                    return c;
                })
                .defaultIfEmpty(config);
    }

    /**
     * The configuration of a tenant placed on a shard: the shard's hosts (first = writer) and
     * database from the engine's {@code shards} section replace the connection's; no replicas.
     *
     * @param engine the engine
     * @param tenant the tenant (for the error)
     * @param config the engine's (or tenant's) configuration, with the {@code shards} section
     * @param shard  the shard's name
     * @return the configuration on that shard
     * @throws io.tenantdb.core.exception.ConfigException when the shard is not configured
     */
    public static DatabaseConfig onShard(DatabaseType engine, TenantId tenant, DatabaseConfig config, String shard) {
        for (io.tenantdb.core.config.ConfigNode s : config.root().nodes("shards")) {
            if (shard.equals(s.string("name").orElse(null))) {
                io.tenantdb.core.config.ConnectionConfig cc = config.connection();
                List<NodeAddress> hosts = s.addresses("hosts");
                return config.toBuilder().connection(new io.tenantdb.core.config.ConnectionConfig(hosts,
                                s.string("database").orElse(cc.database()), cc.user(), cc.password(), cc.tls(),
                                cc.connectTimeout(), cc.options()))
                        .replicas(List.of()).build();
            }
        }
        throw new io.tenantdb.core.exception.ConfigException("tenant " + tenant.value() + " is placed on shard '" + shard
                + "' which the " + engine.id() + " configuration does not list under 'shards': add it or re-place the tenant",
                engine, null);
    }

    private boolean isSticky(DatabaseType engine, TenantId tenant) {
        return recentWriters.getIfPresent(new TenantKey(engine, tenant)) != null;
    }

    /** Picks the node, or null when none can serve. Package-private for tests. */
    NodeAddress choose(DatabaseType engine, TenantId tenant, OperationKind kind, DatabaseConfig config) {
        List<NodeAddress> hosts = config.connection().hosts();
        List<NodeAddress> all = nodesOf(config);
        boolean needPrimary = kind == OperationKind.WRITE || isSticky(engine, tenant);
        List<NodeAddress> primaries = new ArrayList<>();
        List<NodeAddress> replicas = new ArrayList<>();
        for (NodeAddress n : all) {
            NodeState st = state(engine, n);
            if (!st.usable() || breakers != null && !breakers.permits(engine, n)) {
                continue;
            }
            NodeProbe.Status role = st.role();
            boolean primary = role == NodeProbe.Status.PRIMARY
                    || role == NodeProbe.Status.UP && hosts.contains(n);
            (primary ? primaries : replicas).add(n);
        }
        if (needPrimary) {
            List<NodeAddress> local = local(primaries);
            if (!local.isEmpty() || kind == OperationKind.WRITE) {
                return local.isEmpty() ? null : local.get(0);
            }
            // a sticky read with no primary: availability first, the replica may lag the last write
        }
        List<NodeAddress> candidates = local(replicas.isEmpty() ? primaries : replicas);
        if (candidates.isEmpty()) {
            return null;
        }
        return pick(engine, config.loadBalancing().strategy(), candidates);
    }

    private List<NodeAddress> local(List<NodeAddress> nodes) {
        if (localRegion == null || nodes.isEmpty()) {
            return nodes;
        }
        List<NodeAddress> local = nodes.stream().filter(n -> localRegion.equals(n.region())).toList();
        return local.isEmpty() ? nodes : local;
    }

    private NodeAddress pick(DatabaseType engine, LoadBalancingConfig.Strategy strategy, List<NodeAddress> candidates) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        List<NodeKey> key = candidates.stream().map(n -> NodeKey.of(engine, n)).toList();
        long tick = rotations.computeIfAbsent(key, k -> new AtomicLong()).getAndIncrement();
        switch (strategy) {
            case LEAST_CONNECTIONS: {
                NodeAddress best = null;
                long bestLoad = Long.MAX_VALUE;
                int size = candidates.size();
                for (int i = 0; i < size; i++) {
                    // start the scan at the rotation so ties spread evenly
                    NodeAddress n = candidates.get((int) ((tick + i) % size));
                    long load = state(engine, n).inFlight.get();
                    if (load < bestLoad) {
                        best = n;
                        bestLoad = load;
                    }
                }
                return best;
            }
            case WEIGHTED_ROUND_ROBIN: {
                long total = 0;
                for (NodeAddress n : candidates) {
                    total += Math.max(1, n.weight());
                }
                // interleaved: position p of the cycle goes to the node whose cumulative share crosses it
                long p = spread(tick % total, total);
                for (NodeAddress n : candidates) {
                    p -= Math.max(1, n.weight());
                    if (p < 0) {
                        return n;
                    }
                }
                return candidates.get(candidates.size() - 1);
            }
            default:
                return candidates.get((int) (tick % candidates.size()));
        }
    }

    /** A permutation of [0, total) so consecutive ticks do not hit the same heavy node in a row. */
    private static long spread(long tick, long total) {
        long step = 1;
        for (long s = total / 2 + 1; s < total; s++) {
            if (gcd(s, total) == 1) {
                step = s;
                break;
            }
        }
        return tick * step % total;
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    private static List<NodeAddress> nodesOf(DatabaseConfig config) {
        LinkedHashSet<NodeAddress> all = new LinkedHashSet<>(config.connection().hosts());
        all.addAll(config.replicas());
        return List.copyOf(all);
    }

    private NodeState state(DatabaseType engine, NodeAddress node) {
        return nodes.computeIfAbsent(NodeKey.of(engine, node), k -> new NodeState(node));
    }

    // ---------------------------------------------------------------- operator: in-flight + passive detection

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public <T> Flux<T> apply(OperationInfo operation, Flux<T> source) {
        return Flux.defer(() -> {
            Routed routed = new Routed();
            return source.doOnError(e -> failed(operation.engine(), routed, e))
                    .doFinally(s -> routed.release())
                    .contextWrite(c -> c.put(Routed.class, routed));
        });
    }

    @Override
    public <T> Mono<T> apply(OperationInfo operation, Mono<T> source) {
        return Mono.defer(() -> {
            Routed routed = new Routed();
            return source.doOnError(e -> failed(operation.engine(), routed, e))
                    .doFinally(s -> routed.release())
                    .contextWrite(c -> c.put(Routed.class, routed));
        });
    }

    private void failed(DatabaseType engine, Routed routed, Throwable e) {
        NodeState st = routed.node();
        if (st != null && e instanceof EngineUnavailableException && !(e instanceof CircuitOpenException)) {
            DatabaseConfig cfg = engines.get(engine);
            Duration interval = cfg == null ? LoadBalancingConfig.DEFAULT.healthCheckInterval()
                    : cfg.loadBalancing().healthCheckInterval();
            if (st.markDown(interval)) {
                LOG.warn("{} node {} marked down after: {}", engine.id(), st.node, e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- active health checks

    /**
     * Starts active health checks of every configured node of every engine, each engine at its
     * {@code load_balancing.health_check_interval}. Needs a probe; idempotent per engine set.
     *
     * @return this
     */
    public Router start() {
        if (probe == null) {
            return this;
        }
        for (Map.Entry<DatabaseType, DatabaseConfig> e : engines.entrySet()) {
            Duration every = e.getValue().loadBalancing().healthCheckInterval();
            running.add(Flux.interval(Duration.ZERO, every)
                    .onBackpressureDrop()
                    .concatMap(i -> check(e.getKey()), 1)
                    .subscribe());
        }
        return this;
    }

    /**
     * Probes every known node of every engine once.
     *
     * @return completes when every probe answered or timed out
     */
    public Mono<Void> checkNow() {
        return Flux.fromIterable(engines.keySet()).concatMap(this::check).then();
    }

    private Mono<Void> check(DatabaseType engine) {
        DatabaseConfig cfg = engines.get(engine);
        if (probe == null || cfg == null) {
            return Mono.empty();
        }
        Duration limit = cfg.connection().connectTimeout().plusSeconds(1);
        return Flux.fromIterable(List.copyOf(nodes.entrySet()))
                .filter(en -> en.getKey().engine() == engine)
                .flatMap(en -> Mono.defer(() -> probe.probe(engine, en.getValue().node, cfg))
                        .timeout(limit)
                        .onErrorReturn(NodeProbe.Status.DOWN)
                        .doOnNext(status -> {
                            NodeProbe.Status before = en.getValue().observe(status);
                            if (before != status) {
                                LOG.info("{} node {}: {} -> {}", engine.id(), en.getValue().node, before, status);
                            }
                        }))
                .then();
    }

    /**
     * @param engine an engine
     * @param node   a node
     * @return what is known of it: its probed role ({@code UP} when unprobed), whether it is usable, in-flight operations
     */
    public String describe(DatabaseType engine, NodeAddress node) {
        NodeState st = state(engine, node);
        return st.role() + (st.usable() ? "" : " (down)") + ", in flight " + st.inFlight.get();
    }

    /**
     * @param engine an engine
     * @param node   a node
     * @return operations currently running on it through this router
     */
    public long inFlight(DatabaseType engine, NodeAddress node) {
        return state(engine, node).inFlight.get();
    }

    /** Stops the health checks. */
    public void stop() {
        running.dispose();
    }

    /** Builds a {@link Router}. */
    public static final class Builder {
        private String localRegion;
        private NodeProbe probe;
        private ResilienceOperator breakers;
        private io.tenantdb.tenancy.directory.TenantDirectory directory;
        private Duration stickiness = DEFAULT_STICKINESS;
        private long maxTenants = 100_000;

        private Builder() {
        }

        /** @param region the region this instance runs in (nodes labelled with it are preferred), or null @return this */
        public Builder localRegion(String region) {
            this.localRegion = region;
            return this;
        }

        /** @param probe the active health check (e.g. {@link PostgresNodeProbe}), or null for none @return this */
        public Builder probe(NodeProbe probe) {
            this.probe = probe;
            return this;
        }

        /** @param operator whose circuit breakers exclude nodes, or null @return this */
        public Builder breakers(ResilienceOperator operator) {
            this.breakers = operator;
            return this;
        }

        /**
         * @param tenants where tenants are placed: a tenant placed on a shard is routed to that shard's
         *                hosts (from the engine's {@code shards} section), or null for no sharding
         * @return this
         */
        public Builder directory(io.tenantdb.tenancy.directory.TenantDirectory tenants) {
            this.directory = tenants;
            return this;
        }

        /** @param window read-your-writes window after a tenant's write (zero disables) @return this */
        public Builder stickiness(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.isNegative()) {
                throw new IllegalArgumentException("stickiness must be >= 0, got " + window);
            }
            this.stickiness = window.isZero() ? Duration.ofNanos(1) : window;
            return this;
        }

        /** @param max &gt; 0: tenants whose last write time is remembered @return this */
        public Builder maxTenants(long max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxTenants must be > 0, got " + max);
            }
            this.maxTenants = max;
            return this;
        }

        /** @return the router */
        public Router build() {
            return new Router(this);
        }
    }
}
