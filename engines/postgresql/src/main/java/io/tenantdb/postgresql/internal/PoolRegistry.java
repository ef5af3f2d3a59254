package io.tenantdb.postgresql.internal;

import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.pool.ConnectionPoolConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.Wrapped;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.spi.Deadlines;
import io.tenantdb.core.spi.PoolMetricsSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The engine's connection pools, one per (node, database, user), created lazily on first use and
 * all closed by {@link #closeAsync()}. A tenant with a {@code dedicated_pool} has a pool of its own
 * on the shared database: its key carries the tenant ({@link PoolKey#dedicatedTo()}), and it counts
 * against {@code max_pools} and the server's {@code connection_budget} like any other.
 *
 * <p>The number of pools is bounded ({@code max_pools}, default {@value #DEFAULT_MAX_POOLS}): when a
 * new pool is needed and the bound is reached, the least recently used pool with no connection in
 * use is closed. When every pool is in use the operation fails with a transient
 * {@link EngineUnavailableException}. With {@code database_per_tenant} each tenant needs its own
 * pool, so {@code max_pools} caps how many such tenants are served at once.
 *
 * <p>With {@code connection_budget} set, the physical connections of all pools to one server are
 * bounded by it ({@link ServerBudget}): opening one more waits for a permit, and the least recently
 * used idle pool of that server is closed (its idle connections drained) to free permits.
 */
final class PoolRegistry {

    /** Default bound on pools per engine. */
    static final int DEFAULT_MAX_POOLS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(PoolRegistry.class);

    /** A connection that arrived after its acquisition timed out goes back to its pool. */
    private static final Consumer<Connection> RETURN_LATE_CONNECTION = late -> Mono.from(late.close())
            .subscribe(v -> { }, e -> LOG.debug("returning a connection acquired after its timeout failed: {}", e.toString()));

    /**
     * Identifies one pool.
     *
     * @param dedicatedTo the tenant whose own pool this is on a shared database, {@code null} for a
     *                    pool shared by the tenants of the database (or a database tenant's pool)
     */
    record PoolKey(String host, int port, String database, String user, String dedicatedTo) {

        /** A pool shared by whoever connects to {@code database} as {@code user}. */
        PoolKey(String host, int port, String database, String user) {
            this(host, port, database, user, null);
        }

        /** @return {@code host:port/database}, with {@code #tenant} for a dedicated pool */
        String name() {
            return host + ":" + port + "/" + database + (dedicatedTo == null ? "" : "#" + dedicatedTo);
        }

        @Override
        public String toString() {
            return user + "@" + name();
        }
    }

    /**
     * What a pool is built from.
     *
     * @param key        the identity
     * @param password   the password reference (resolved off the event loop, never logged)
     * @param connection TLS, timeouts and driver options
     * @param pool       sizes and timeouts
     * @param settings   the postgresql section (fetch size, application name, timeouts, SSL mode)
     */
    record PoolSpec(PoolKey key, Secret password, ConnectionConfig connection, PoolConfig pool, PgSettings settings) {
    }

    /**
     * One pool and the operations currently using it. Leasing is lock-free: an operation counts
     * itself in with a compare-and-set that fails once the entry is retired (chosen for closing,
     * which happens only while nobody uses it), and then goes the locked way that makes a new pool.
     */
    static final class Entry {
        /** The in-flight count of a retired entry: negative, so no lease succeeds any more. */
        private static final int RETIRED = Integer.MIN_VALUE / 2;

        final PoolKey key;
        final ConnectionPool pool;
        /** {@code host:port}, the key of the server's connection budget. */
        final String server;
        /** The server's connection budget, {@code null} without one. */
        final ServerBudget budget;
        /** Session-level binding statements run on this pool's connections. */
        final LongAdder bindings = new LongAdder();
        /** {@code pool.acquire_timeout}, {@code null} when none is set. */
        final Duration acquireTimeout;
        /** The error of an acquisition past {@link #acquireTimeout}. */
        final Supplier<Throwable> acquireTimedOut;
        private final AtomicInteger inFlight = new AtomicInteger();
        volatile long lastUsed = System.nanoTime();

        Entry(PoolKey key, ConnectionPool pool, ServerBudget budget, Duration acquireTimeout) {
            this.key = key;
            this.pool = pool;
            this.server = server(key);
            this.budget = budget;
            this.acquireTimeout = acquireTimeout == null || acquireTimeout.isZero() || acquireTimeout.isNegative()
                    ? null : acquireTimeout;
            this.acquireTimedOut = () -> new R2dbcTimeoutException("no connection of pool " + key.name() + " within "
                    + acquireTimeout.toMillis() + " ms (pool.acquire_timeout)");
        }

        /** @return whether the operation was counted in (false once the entry is retired) */
        boolean tryLease() {
            for (;;) {
                int n = inFlight.get();
                if (n < 0) {
                    return false;
                }
                if (inFlight.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        /** @return the operations still using the pool */
        int unlease() {
            return inFlight.decrementAndGet();
        }

        /** @return whether nobody used the pool and now nobody can (it is to be closed) */
        boolean tryRetire() {
            return inFlight.compareAndSet(0, RETIRED);
        }

        /** Retires the entry whoever uses it (the registry is closing). */
        void retire() {
            inFlight.addAndGet(RETIRED);
        }

        boolean idle() {
            return inFlight.get() == 0;
        }
    }

    /** A connection acquired for one operation, with what the operation did to it. */
    static final class Lease {
        final Connection connection;
        private final PoolRegistry registry;
        private final Entry entry;
        private final AtomicBoolean returned = new AtomicBoolean();
        /** The physical connection with its tenant binding; {@code null} only for foreign pools. */
        final TrackedConnection tracked;
        volatile boolean inTransaction;
        /** Set when a binding statement failed: the connection is discarded, not reused. */
        volatile boolean doomed;

        Lease(PoolRegistry registry, Entry entry, Connection connection) {
            this.registry = registry;
            this.entry = entry;
            this.connection = connection;
            this.tracked = TrackedConnection.of(connection);
        }

        /** Counts one session-level binding statement run on this connection, for {@link #bindings(PoolKey)}. */
        void countBinding() {
            entry.bindings.increment();
        }

        /** Forgets the connection's session binding (after an error, cancel or unknown state). */
        void forget() {
            if (tracked != null) {
                tracked.forget();
            }
        }

        /** @return completes when the connection is back in its pool */
        Mono<Void> release() {
            if (!returned.compareAndSet(false, true)) {
                return Mono.empty();
            }
            return Mono.from(connection.close())
                    .onErrorResume(e -> {
                        LOG.debug("returning a connection to pool {} failed: {}", entry.key, e.toString());
                        return Mono.empty();
                    })
                    .doFinally(s -> registry.unlease(entry));
        }

        /**
         * Closes the physical connection, then releases the pooled handle, which the pool then
         * discards instead of reusing: for a connection in an unknown state.
         *
         * @return completes when done
         */
        @SuppressWarnings("unchecked")
        Mono<Void> invalidate() {
            Mono<Void> closePhysical = connection instanceof Wrapped
                    ? Mono.from(((Wrapped<Connection>) connection).unwrap().close()).onErrorResume(e -> Mono.empty())
                    : Mono.empty();
            return closePhysical.then(release());
        }
    }

    private final DatabaseType engine;
    private final int maxPools;
    private final Map<PoolKey, Entry> pools = new ConcurrentHashMap<>();
    private final Map<String, ServerBudget> budgets = new ConcurrentHashMap<>();
    private volatile boolean closed;

    PoolRegistry(DatabaseType engine, int maxPools) {
        if (maxPools < 1) {
            throw new IllegalArgumentException("max_pools must be >= 1, was " + maxPools);
        }
        this.engine = engine;
        this.maxPools = maxPools;
    }

    /**
     * Acquires a connection from the pool of {@code spec}, creating the pool when needed.
     *
     * @param spec the pool
     * @return the lease; release it with {@link Lease#release()}
     */
    Mono<Lease> acquire(PoolSpec spec) {
        return new Acquisition(this, spec);
    }

    /**
     * One acquisition as one operator (instead of defer, map and doFinally): per subscription the
     * pool is leased (created when needed), a connection asked of it, and the pool unleased unless
     * the connection was handed over as a {@link Lease}. A connection that arrives after the
     * subscriber cancelled goes back to the pool.
     */
    private static final class Acquisition extends Mono<Lease> {

        private final PoolRegistry registry;
        private final PoolSpec spec;

        Acquisition(PoolRegistry registry, PoolSpec spec) {
            this.registry = registry;
            this.spec = spec;
        }

        @Override
        public void subscribe(CoreSubscriber<? super Lease> actual) {
            Entry entry;
            try {
                entry = registry.lease(spec);
            } catch (Throwable e) {
                Operators.error(actual, e);
                return;
            }
            Mono<Connection> connection = entry.pool.create();
            if (entry.acquireTimeout != null) {
                // the pool's own maxAcquireTime is off: Mono.timeout per acquisition costs a scheduled
                // task and a description string; one sweep serves every waiting acquisition
                connection = Deadlines.shared().bound(connection, entry.acquireTimeout, entry.acquireTimedOut,
                        RETURN_LATE_CONNECTION);
            }
            connection.subscribe(new Handover(actual, registry, entry));
        }
    }

    private static final class Handover implements CoreSubscriber<Connection>, Subscription {

        private static final int WAITING = 0;
        private static final int HANDED_OVER = 1;
        private static final int GIVEN_UP = 2;
        private static final AtomicIntegerFieldUpdater<Handover> STATE =
                AtomicIntegerFieldUpdater.newUpdater(Handover.class, "state");

        private final CoreSubscriber<? super Lease> actual;
        private final PoolRegistry registry;
        private final Entry entry;
        private Subscription upstream;
        private volatile int state;

        Handover(CoreSubscriber<? super Lease> actual, PoolRegistry registry, Entry entry) {
            this.actual = actual;
            this.registry = registry;
            this.entry = entry;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(Connection c) {
            if (STATE.compareAndSet(this, WAITING, HANDED_OVER)) {
                actual.onNext(new Lease(registry, entry, c));
            } else {
                RETURN_LATE_CONNECTION.accept(c);
            }
        }

        @Override
        public void onError(Throwable t) {
            giveUp();
            actual.onError(t);
        }

        @Override
        public void onComplete() {
            giveUp();
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            upstream.cancel();
            giveUp();
        }

        private void giveUp() {
            if (STATE.compareAndSet(this, WAITING, GIVEN_UP)) {
                registry.unlease(entry);
            }
        }
    }

    /** @return the pool of {@code spec}, created when needed, without acquiring */
    ConnectionPool pool(PoolSpec spec) {
        Entry entry = lease(spec);
        unlease(entry);
        return entry.pool;
    }

    private Entry lease(PoolSpec spec) {
        Entry entry = pools.get(spec.key());
        if (entry != null && entry.tryLease()) {
            // the hot path: an open pool, no lock
            entry.lastUsed = System.nanoTime();
            return entry;
        }
        synchronized (this) {
            if (closed) {
                throw new EngineUnavailableException("the " + engine.id() + " engine is closed", null, engine, null);
            }
            for (;;) {
                entry = pools.get(spec.key());
                if (entry == null) {
                    if (pools.size() >= maxPools) {
                        evictOne();
                    }
                    ConnectionPool pool = create(spec);
                    entry = new Entry(spec.key(), pool, budgets.get(server(spec.key())), spec.pool().acquireTimeout());
                    pools.put(spec.key(), entry);
                    LOG.debug("created pool {} (max {} connections)", spec.key(), spec.pool().maxSize());
                }
                if (entry.tryLease()) {
                    entry.lastUsed = System.nanoTime();
                    return entry;
                }
                pools.remove(spec.key(), entry); // retired a moment ago: make a new one
            }
        }
    }

    private void unlease(Entry entry) {
        int left = entry.unlease();
        entry.lastUsed = System.nanoTime();
        if (left == 0 && entry.budget != null && entry.budget.hasWaiters()) {
            reclaim(entry.server);
        }
    }

    private static String server(PoolKey key) {
        return key.host() + ":" + key.port();
    }

    /** Closes the least recently used idle pool of a server, to free connection budget. */
    private void reclaim(String server) {
        Entry victim = null;
        synchronized (this) {
            for (Entry e : pools.values()) {
                if (e.idle() && server.equals(e.server) && (victim == null || e.lastUsed < victim.lastUsed)) {
                    victim = e;
                }
            }
            if (victim != null && victim.tryRetire()) {
                pools.remove(victim.key, victim);
            } else {
                victim = null; // leased meanwhile: it is in use again, nothing to reclaim now
            }
        }
        if (victim != null) {
            LOG.debug("closing idle pool {} to free connection budget of {}", victim.key, server);
            victim.pool.disposeLater().onErrorResume(e -> Mono.empty()).subscribe();
        }
    }

    /** @param host a server host @param port its port @return open connections counted against its budget, -1 without budget */
    synchronized int budgetUsed(String host, int port) {
        ServerBudget b = budgets.get(host + ":" + port);
        return b == null ? -1 : b.open();
    }

    private void evictOne() {
        Entry victim = null;
        for (int attempt = 0; attempt < 3 && victim == null; attempt++) {
            for (Entry e : pools.values()) {
                if (e.idle() && (victim == null || e.lastUsed < victim.lastUsed)) {
                    victim = e;
                }
            }
            if (victim != null && !victim.tryRetire()) {
                victim = null; // leased meanwhile: look again
            }
        }
        if (victim == null) {
            throw new EngineUnavailableException("all " + maxPools + " connection pools of this engine are in use: "
                    + "raise " + engine.id() + ".max_pools or serve fewer database_per_tenant tenants per instance",
                    null, engine, null);
        }
        pools.remove(victim.key, victim);
        LOG.debug("closing least recently used pool {} to stay within max_pools={}", victim.key, maxPools);
        victim.pool.disposeLater().onErrorResume(e -> Mono.empty()).subscribe();
    }

    /**
     * Closes and forgets one pool (before dropping its database).
     *
     * @param key the pool
     * @return completes when closed
     */
    Mono<Void> close(PoolKey key) {
        Entry entry;
        synchronized (this) {
            entry = pools.remove(key);
            if (entry != null) {
                entry.retire();
            }
        }
        return entry == null ? Mono.empty() : entry.pool.disposeLater().onErrorResume(e -> Mono.empty());
    }

    /**
     * A snapshot of every open pool's counters, for pool gauges. Cheap: reads the pools' own
     * counters, opens nothing.
     *
     * @param engine the engine type to report
     * @return one entry per open pool, named {@code host:port/database} ({@code #tenant} appended for a dedicated pool)
     */
    List<PoolMetricsSource.PoolStats> stats(DatabaseType engine) {
        List<Entry> all;
        synchronized (this) {
            all = new ArrayList<>(pools.values());
        }
        List<PoolMetricsSource.PoolStats> out = new ArrayList<>(all.size());
        for (Entry e : all) {
            e.pool.getMetrics().ifPresent(m -> out.add(new PoolMetricsSource.PoolStats(engine,
                    e.key.name(), m.acquiredSize(), m.idleSize(),
                    m.pendingAcquireSize(), m.getMaxAllocatedSize())));
        }
        return out;
    }

    /**
     * @param key a pool
     * @return session-level binding statements (re-binds to another tenant, or binds of a new or
     *     reset connection) run on its connections since it was opened, -1 when it is not open
     */
    synchronized long bindings(PoolKey key) {
        Entry e = pools.get(key);
        return e == null ? -1 : e.bindings.sum();
    }

    /** @return the keys of the open pools */
    synchronized List<PoolKey> keys() {
        return new ArrayList<>(pools.keySet());
    }

    /** @return the number of open pools */
    synchronized int size() {
        return pools.size();
    }

    /** @return completes when every pool is closed; later acquisitions fail */
    Mono<Void> closeAsync() {
        List<Entry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(pools.values());
            all.forEach(Entry::retire);
            pools.clear();
        }
        return Flux.fromIterable(all)
                .flatMap(e -> e.pool.disposeLater().onErrorResume(err -> {
                    LOG.warn("closing pool {} failed: {}", e.key, err.toString());
                    return Mono.empty();
                }))
                .then();
    }

    private ConnectionPool create(PoolSpec spec) {
        ConnectionConfig cc = spec.connection();
        PoolKey key = spec.key();
        PostgresqlConnectionConfiguration.Builder b = PostgresqlConnectionConfiguration.builder()
                .host(key.host())
                .port(key.port())
                .database(key.database())
                .username(Objects.requireNonNull(key.user(), "connection.user is required for postgresql"))
                .connectTimeout(cc.connectTimeout())
                .applicationName(spec.settings().applicationName())
                .tcpKeepAlive(true)
                // extension autodetection scans the class path (blocking I/O); pools are created
                // lazily, possibly on an event loop, and tenantdb needs no driver extension
                .autodetectExtensions(false)
                .fetchSize(spec.settings().fetchSize());
        Secret password = spec.password();
        if (!password.isNone()) {
            // a ${file:...} secret reads a file: resolve it off the event loop, at connect time
            b.password(Mono.fromCallable(() -> (CharSequence) password.reveal()).subscribeOn(Schedulers.boundedElastic()));
        }
        if (cc.tls().enabled()) {
            b.sslMode(cc.tls().verify() ? SSLMode.VERIFY_FULL : SSLMode.REQUIRE);
            if (cc.tls().caFile() != null) {
                b.sslRootCert(cc.tls().caFile());
            }
            if (cc.tls().certFile() != null) {
                b.sslCert(cc.tls().certFile());
            }
            if (cc.tls().keyFile() != null) {
                b.sslKey(cc.tls().keyFile());
            }
        } else if (spec.settings().sslMode() != null) {
            b.sslMode(SSLMode.fromValue(spec.settings().sslMode()));
        }
        if (spec.settings().statementTimeout() != null) {
            b.statementTimeout(spec.settings().statementTimeout());
        }
        PoolConfig pc = spec.pool();
        io.r2dbc.spi.ConnectionFactory factory = new PostgresqlConnectionFactory(b.build());
        int budget = spec.settings().connectionBudget();
        if (budget > 0) {
            String server = server(key);
            factory = budgets.computeIfAbsent(server, k -> new ServerBudget(k, budget, () -> reclaim(k))).wrap(factory);
        }
        factory = TrackedConnection.tracking(factory);
        ConnectionPoolConfiguration.Builder pb = ConnectionPoolConfiguration.builder(factory)
                .name("tenantdb-" + engine.id() + "-" + key.database() + (key.dedicatedTo() == null ? "" : "-" + key.dedicatedTo()))
                .initialSize(pc.initialSize())
                .maxSize(pc.maxSize())
                .maxIdleTime(pc.maxIdleTime())
                // acquire_timeout is enforced in acquire(), by Deadlines
                // under a budget, creating includes waiting for a permit: bounded by the acquire timeout
                .maxCreateConnectionTime(budget > 0 ? cc.connectTimeout().plus(pc.acquireTimeout()) : cc.connectTimeout());
        if (pc.validationQuery() != null && !pc.validationQuery().isBlank()) {
            pb.validationQuery(pc.validationQuery());
        }
        return new ConnectionPool(pb.build());
    }
}
