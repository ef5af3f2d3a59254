package io.tenantdb.redis.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.AsyncCloseable;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.redis.internal.RedisSettings.Topology;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The engine's Lettuce clients and shared connections. Lettuce connections are multiplexed and
 * thread-safe, so there is one shared connection per endpoint (node + logical database + user) or,
 * for Redis Cluster, one cluster connection; dedicated connections are opened only for what would
 * disturb other users of a shared one (MULTI/EXEC, pub/sub). Nothing connects before first use.
 */
public final class RedisConnections {

    /** Keys as UTF-8 strings, values as raw bytes: strings, bytes and JSON all travel as bytes. */
    public static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private final RedisSettings settings;
    private final ConnectionConfig connection;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final ClusterClientOptions clusterOptions;
    /** Cluster clients of tenants with their own ACL user (credentials are per client in Lettuce). */
    private final ConcurrentMap<String, TenantCluster> tenantClusters = new ConcurrentHashMap<>();
    private final ConcurrentMap<Endpoint, CompletableFuture<StatefulRedisConnection<String, byte[]>>> shared =
            new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> cluster;

    /**
     * Where a standalone/Sentinel connection goes and as whom.
     *
     * @param node     the node (ignored for Sentinel, where the master is asked of the sentinels)
     * @param database the logical database
     * @param user     the ACL user, or {@code null} for the configured credentials
     * @param password the ACL user's password, or {@code null}
     */
    public record Endpoint(NodeAddress node, int database, String user, String password) {
        /** Masks the password. */
        @Override
        public String toString() {
            return node + "/" + database + (user == null ? "" : " as " + user);
        }
    }

    /**
     * @param settings   the {@code redis:} section
     * @param connection the {@code connection:} section
     */
    public RedisConnections(RedisSettings settings, ConnectionConfig connection) {
        this.settings = settings;
        this.connection = connection;
        this.resources = DefaultClientResources.create();
        SocketOptions socket = SocketOptions.builder().connectTimeout(connection.connectTimeout()).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(settings.commandTimeout());
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder().socketOptions(socket).timeoutOptions(timeouts).autoReconnect(true)
                .build());
        if (settings.topology() == Topology.CLUSTER) {
            List<RedisURI> seeds = new ArrayList<>();
            for (NodeAddress host : connection.hosts()) {
                seeds.add(uri(host, 0, null, null));
            }
            this.clusterClient = RedisClusterClient.create(resources, seeds);
            this.clusterOptions = ClusterClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .autoReconnect(true)
                    .maxRedirects(5)
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enablePeriodicRefresh(settings.topologyRefresh())
                            // Lettuce 7 enables every adaptive trigger (MOVED, ASK, reconnects...) by default
                            .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(1))
                            .dynamicRefreshSources(true)
                            .closeStaleConnections(true)
                            .build())
                    .build();
            clusterClient.setOptions(clusterOptions);
        } else {
            this.clusterClient = null;
            this.clusterOptions = null;
        }
    }

    /** @return the topology */
    public Topology topology() {
        return settings.topology();
    }

    /**
     * @param endpoint a standalone or Sentinel endpoint (not used for cluster)
     * @return the shared connection's commands, connecting on first use
     */
    public Mono<RedisClusterReactiveCommands<String, byte[]>> commands(Endpoint endpoint) {
        if (settings.topology() == Topology.CLUSTER) {
            return cluster(endpoint).map(StatefulRedisClusterConnection::reactive);
        }
        return sharedConnection(endpoint).map(StatefulRedisConnection::reactive);
    }

    /** A tenant's own cluster client (as its ACL user) and its connection. */
    private record TenantCluster(RedisClusterClient client,
                                 CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> connection) {
        Mono<Void> close() {
            return Mono.fromFuture(connection).flatMap(c -> Mono.fromFuture(c.closeAsync()))
                    .onErrorResume(e -> Mono.empty())
                    .then(Mono.fromFuture(() -> client.shutdownAsync(0, 2, TimeUnit.SECONDS)))
                    .onErrorResume(e -> Mono.empty());
        }
    }

    /**
     * @param endpoint the tenant's endpoint: with an ACL user, that user's own cluster connection
     * @return the cluster connection to use
     */
    Mono<StatefulRedisClusterConnection<String, byte[]>> cluster(Endpoint endpoint) {
        if (endpoint.user() == null) {
            return cluster();
        }
        return Mono.defer(() -> {
            checkOpen();
            TenantCluster t = tenantClusters.computeIfAbsent(endpoint.user(), u -> {
                List<RedisURI> seeds = new ArrayList<>();
                for (NodeAddress host : connection.hosts()) {
                    seeds.add(uri(host, 0, endpoint.user(), endpoint.password()));
                }
                RedisClusterClient c = RedisClusterClient.create(resources, seeds);
                c.setOptions(clusterOptions);
                return new TenantCluster(c, c.refreshPartitionsAsync().toCompletableFuture()
                        .thenCompose(v -> c.connectAsync(CODEC)));
            });
            t.connection().whenComplete((c, e) -> {
                if (e != null && tenantClusters.remove(endpoint.user(), t)) {
                    t.client().shutdownAsync(0, 2, TimeUnit.SECONDS);
                }
            });
            return Mono.fromFuture(t.connection(), true);
        });
    }

    /** @return the shared cluster connection, connecting on first use */
    public Mono<StatefulRedisClusterConnection<String, byte[]>> cluster() {
        return Mono.defer(() -> {
            checkOpen();
            CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> f = cluster;
            if (f == null) {
                synchronized (this) {
                    f = cluster;
                    if (f == null) {
                        // connectAsync needs the partitions loaded; loading them first keeps it non-blocking
                        f = clusterClient.refreshPartitionsAsync().toCompletableFuture()
                                .thenCompose(v -> clusterClient.connectAsync(CODEC));
                        cluster = f;
                        CompletableFuture<StatefulRedisClusterConnection<String, byte[]>> created = f;
                        f.whenComplete((c, e) -> {
                            if (e != null) {
                                synchronized (this) {
                                    if (cluster == created) {
                                        cluster = null;
                                    }
                                }
                            }
                        });
                    }
                }
            }
            return Mono.fromFuture(f, true);
        });
    }

    /**
     * @param endpoint where
     * @return the shared connection, connecting on first use; a failed connect is forgotten so the
     *     next call tries again
     */
    public Mono<StatefulRedisConnection<String, byte[]>> sharedConnection(Endpoint endpoint) {
        return Mono.defer(() -> {
            checkOpen();
            CompletableFuture<StatefulRedisConnection<String, byte[]>> f = shared.computeIfAbsent(endpoint, e -> {
                CompletableFuture<StatefulRedisConnection<String, byte[]>> created =
                        client.connectAsync(CODEC, uri(e)).toCompletableFuture();
                return created;
            });
            f.whenComplete((c, e) -> {
                if (e != null) {
                    shared.remove(endpoint, f);
                }
            });
            return Mono.fromFuture(f, true);
        });
    }

    /**
     * Closes and forgets the shared connection of an endpoint (a deprovisioned tenant's ACL user).
     *
     * @param endpoint the endpoint
     * @return completes when closed
     */
    public Mono<Void> forget(Endpoint endpoint) {
        if (endpoint.user() != null) {
            TenantCluster t = tenantClusters.remove(endpoint.user());
            if (t != null) {
                return t.close();
            }
        }
        CompletableFuture<StatefulRedisConnection<String, byte[]>> f = shared.remove(endpoint);
        if (f == null) {
            return Mono.empty();
        }
        return Mono.fromFuture(f).flatMap(c -> Mono.fromFuture(c.closeAsync())).onErrorResume(e -> Mono.empty());
    }

    /**
     * A connection of its own, for MULTI/EXEC. For cluster, it goes to the master serving the slot of
     * {@code slotKey}.
     *
     * @param endpoint where (standalone/Sentinel)
     * @param slotKey  a physical key whose slot decides the node (cluster)
     * @return a new connection; the caller closes it
     */
    public Mono<StatefulRedisConnection<String, byte[]>> dedicated(Endpoint endpoint, String slotKey) {
        if (settings.topology() != Topology.CLUSTER) {
            return Mono.defer(() -> {
                checkOpen();
                return owned(() -> client.connectAsync(CODEC, uri(endpoint)));
            });
        }
        return cluster(endpoint).flatMap(c -> {
            RedisClusterNode master = c.getPartitions().getMasterBySlot(SlotHash.getSlot(slotKey));
            if (master == null) {
                return Mono.error(new EngineUnavailableException("no master serves slot " + SlotHash.getSlot(slotKey)
                        + " right now; retry after the cluster has recovered", null, DatabaseType.REDIS, null));
            }
            RedisURI node = master.getUri();
            return owned(() -> client.connectAsync(CODEC, uri(NodeAddress.of(node.getHost(), node.getPort()), 0,
                    endpoint.user(), endpoint.password())));
        });
    }

    /**
     * A pub/sub connection of its own (subscriptions take a connection over).
     *
     * @param endpoint where (standalone/Sentinel; for cluster the seeds are used)
     * @return a new connection; the caller closes it
     */
    public Mono<StatefulRedisPubSubConnection<String, byte[]>> pubSub(Endpoint endpoint) {
        return Mono.defer(() -> {
            checkOpen();
            if (settings.topology() == Topology.CLUSTER) {
                if (endpoint.user() != null) {
                    return cluster(endpoint).then(owned(() ->
                            tenantClusters.get(endpoint.user()).client().<String, byte[]>connectPubSubAsync(CODEC)))
                            .map(c -> c);
                }
                return cluster().then(owned(() -> clusterClient.<String, byte[]>connectPubSubAsync(CODEC)))
                        .map(c -> c);
            }
            return owned(() -> client.connectPubSubAsync(CODEC, uri(endpoint)));
        });
    }

    /**
     * A connection the subscriber owns. Cancelling while it is still being opened does not leave it
     * open on the server: the connect is let finish and the connection it yields is closed.
     * ({@code Mono.fromFuture} alone would cancel the future, which does not stop Lettuce's connect.)
     */
    static <C extends AsyncCloseable> Mono<C> owned(Supplier<? extends CompletionStage<C>> connect) {
        return Mono.defer(() -> {
            CompletableFuture<C> opening = connect.get().toCompletableFuture();
            return Mono.fromFuture(opening, true)
                    .doOnCancel(() -> opening.whenComplete((c, e) -> {
                        if (c != null) {
                            c.closeAsync();
                        }
                    }));
        });
    }

    /** @param e an endpoint @return the URI connections to it use (package-private for tests) */
    RedisURI uri(Endpoint e) {
        return uri(e.node(), e.database(), e.user(), e.password());
    }

    private RedisURI uri(NodeAddress node, int database, String user, String password) {
        RedisURI.Builder b;
        if (settings.topology() == Topology.SENTINEL) {
            b = RedisURI.builder().withSentinelMasterId(settings.sentinelMaster());
            for (NodeAddress sentinel : connection.hosts()) {
                b.withSentinel(sentinel.host(), sentinel.port());
            }
        } else {
            b = RedisURI.builder().withHost(node.host()).withPort(node.port());
        }
        b.withDatabase(database).withTimeout(settings.commandTimeout()).withLibraryName("tenantdb");
        if (user != null) {
            b.withAuthentication(user, Objects.requireNonNull(password, "password"));
        } else if (!connection.password().isNone()) {
            String pw = connection.password().reveal();
            if (connection.user() != null && !connection.user().isBlank()) {
                b.withAuthentication(connection.user(), pw);
            } else {
                b.withPassword(pw.toCharArray());
            }
        }
        if (connection.tls().enabled()) {
            b.withSsl(true).withVerifyPeer(connection.tls().verify());
        }
        return b.build();
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new EngineUnavailableException("the Redis engine is closed", null, DatabaseType.REDIS, null);
        }
    }

    /** @return completes when every connection, client and the event loops are shut down */
    public Mono<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return Mono.empty();
        }
        List<CompletableFuture<?>> connections = new ArrayList<>(shared.values());
        shared.clear();
        if (cluster != null) {
            connections.add(cluster);
        }
        Mono<Void> closeConnections = Flux.fromIterable(connections)
                .flatMap(f -> Mono.fromFuture(f)
                        .flatMap(c -> Mono.fromFuture(((io.lettuce.core.api.AsyncCloseable) c).closeAsync()))
                        .onErrorResume(e -> Mono.empty()))
                .then();
        List<TenantCluster> tenants = new ArrayList<>(tenantClusters.values());
        tenantClusters.clear();
        closeConnections = closeConnections.then(Flux.fromIterable(tenants).flatMap(TenantCluster::close).then());
        Mono<Void> shutdownClients = Mono.fromFuture(() -> client.shutdownAsync(0, 2, TimeUnit.SECONDS))
                .onErrorResume(e -> Mono.empty())
                .then(clusterClient == null ? Mono.empty()
                        : Mono.fromFuture(() -> clusterClient.shutdownAsync(0, 2, TimeUnit.SECONDS))
                        .onErrorResume(e -> Mono.empty()));
        Mono<Void> shutdownResources = Mono.create(sink -> resources.shutdown(0, 2, TimeUnit.SECONDS)
                .addListener(f -> sink.success()));
        return closeConnections.then(shutdownClients).then(shutdownResources);
    }
}
