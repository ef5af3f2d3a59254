package io.tenantdb.tenancy.warming;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.spi.PoolMetricsSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Periodically warms the pools of tenants whose recent traffic predicts use: every
 * {@code interval}, the tenants of one engine whose {@link TenantActivity} rate is at least
 * {@code min_rate} (busiest first, at most {@code max_per_cycle}) are looked at; those whose pool is
 * cold get it warmed, while the connection budget has room for it. With PostgreSQL:
 *
 * <pre>{@code
 * WarmingConfig wc = WarmingConfig.from(pgConfig);                 // pool.warming, off by default
 * TenantActivity activity = TenantActivity.of(wc);
 * TenantDb db = TenantDb.builder()...operator(activity).build();
 * PostgresSession pg = db.session(DatabaseType.POSTGRESQL, PostgresSession.class);
 * PoolWarmer warmer = PoolWarmer.builder(activity, DatabaseType.POSTGRESQL)
 *         .warm(t -> pg.warmup().contextWrite(TenantContext.of(t)))
 *         .isWarm(t -> pg.poolMetrics().map(m -> m.idleSize() + m.acquiredSize() > 0).contextWrite(TenantContext.of(t)))
 *         .headroom(PoolWarmer.headroom((PoolMetricsSource) db.engine(DatabaseType.POSTGRESQL), 50), 1) // connection_budget, initial_size
 *         .config(wc).build().start();
 * }</pre>
 *
 * Nothing blocks: a cycle is a reactive chain on {@link Schedulers#parallel()}, warming one tenant
 * at a time; a cycle still running when the next is due makes that one skipped. A failed warm-up is
 * logged and the cycle goes on. {@link #close()} stops it.
 */
public final class PoolWarmer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PoolWarmer.class);
    /** Bound on one tenant's warm-up. */
    static final Duration WARM_TIMEOUT = Duration.ofSeconds(30);

    private final TenantActivity activity;
    private final DatabaseType engine;
    private final Function<TenantId, Mono<Integer>> warm;
    private final Function<TenantId, Mono<Boolean>> isWarm;
    private final IntSupplier headroom;
    private final int connectionsPerWarm;
    private final WarmingConfig config;
    private final AtomicLong warmed = new AtomicLong();
    private final AtomicLong cycles = new AtomicLong();
    private Disposable running;
    private boolean closed;

    private PoolWarmer(Builder b) {
        this.activity = b.activity;
        this.engine = b.engine;
        this.warm = Objects.requireNonNull(b.warm, "warm");
        this.isWarm = Objects.requireNonNull(b.isWarm, "isWarm");
        this.headroom = b.headroom;
        this.connectionsPerWarm = b.connectionsPerWarm;
        this.config = b.config;
    }

    /**
     * @param activity the activity recorder registered as an operator
     * @param engine   the engine whose pools are warmed
     * @return a builder
     */
    public static Builder builder(TenantActivity activity, DatabaseType engine) {
        return new Builder(Objects.requireNonNull(activity, "activity"), Objects.requireNonNull(engine, "engine"));
    }

    /**
     * Starts the periodic warming, when enabled in the configuration (else does nothing).
     *
     * @return this
     */
    public synchronized PoolWarmer start() {
        if (closed) {
            throw new IllegalStateException("the pool warmer of " + engine.id() + " is closed; build a new one");
        }
        if (config.enabled() && running == null) {
            running = Flux.interval(config.interval(), config.interval(), Schedulers.parallel())
                    .onBackpressureDrop()
                    .concatMap(i -> cycle(), 1)
                    .subscribe(n -> { }, e -> LOG.warn("pool warming of {} stopped: {}", engine.id(), e.toString()));
        }
        return this;
    }

    /**
     * One warming cycle: the predicted tenants with a cold pool are warmed, within the budget.
     *
     * @return the number of pools warmed
     * @apiNote nothing happens until subscription.
     */
    public Mono<Integer> cycle() {
        return Flux.defer(() -> {
                    cycles.incrementAndGet();
                    List<TenantId> predicted = activity.predicted(engine, config.minRate(), config.maxPerCycle());
                    return Flux.fromIterable(predicted);
                })
                .concatMap(tenant -> isWarm.apply(tenant)
                        .flatMap(w -> w || !hasRoom() ? Mono.just(0) : warm.apply(tenant).map(n -> 1).defaultIfEmpty(1))
                        .timeout(WARM_TIMEOUT)
                        .onErrorResume(e -> {
                            LOG.warn("warming the {} pool of tenant {} failed: {}", engine.id(), tenant.value(), e.toString());
                            return Mono.just(0);
                        }))
                .reduce(0, Integer::sum)
                .doOnNext(n -> {
                    warmed.addAndGet(n);
                    if (n > 0) {
                        LOG.debug("warmed {} {} pools", n, engine.id());
                    }
                });
    }

    private boolean hasRoom() {
        return headroom == null || headroom.getAsInt() >= connectionsPerWarm;
    }

    /** @return pools warmed since start */
    public long warmedCount() {
        return warmed.get();
    }

    /** @return cycles run since start */
    public long cycleCount() {
        return cycles.get();
    }

    /** @return whether the periodic warming runs */
    public synchronized boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    /** Stops the periodic warming; a warm-up in progress is cancelled. */
    @Override
    public synchronized void close() {
        closed = true;
        if (running != null) {
            running.dispose();
            running = null;
        }
    }

    /**
     * @param source an engine's pool counters
     * @param budget the connections allowed to the engine's servers (its {@code connection_budget})
     * @return connections that may still be opened: the budget less those open (acquired or idle)
     */
    public static IntSupplier headroom(PoolMetricsSource source, int budget) {
        Objects.requireNonNull(source, "source");
        return () -> {
            int open = 0;
            for (PoolMetricsSource.PoolStats s : source.poolStats()) {
                open += s.acquired() + s.idle();
            }
            return budget - open;
        };
    }

    /** Builds a {@link PoolWarmer}. */
    public static final class Builder {
        private final TenantActivity activity;
        private final DatabaseType engine;
        private Function<TenantId, Mono<Integer>> warm;
        private Function<TenantId, Mono<Boolean>> isWarm;
        private IntSupplier headroom;
        private int connectionsPerWarm = 1;
        private WarmingConfig config = WarmingConfig.DEFAULT;

        private Builder(TenantActivity activity, DatabaseType engine) {
            this.activity = activity;
            this.engine = engine;
        }

        /** @param warmup warms the tenant's pool (e.g. {@code PostgresSession.warmup()} in its context) @return this */
        public Builder warm(Function<TenantId, Mono<Integer>> warmup) {
            this.warm = warmup;
            return this;
        }

        /** @param check whether the tenant's pool has open connections @return this */
        public Builder isWarm(Function<TenantId, Mono<Boolean>> check) {
            this.isWarm = check;
            return this;
        }

        /**
         * @param room               connections that may still be opened (e.g. {@link #headroom(PoolMetricsSource, int)})
         * @param connectionsPerWarm connections one warm-up opens (the pool's {@code initial_size}), &gt; 0
         * @return this
         */
        public Builder headroom(IntSupplier room, int connectionsPerWarm) {
            if (connectionsPerWarm < 1) {
                throw new IllegalArgumentException("connectionsPerWarm must be > 0, got " + connectionsPerWarm);
            }
            this.headroom = room;
            this.connectionsPerWarm = connectionsPerWarm;
            return this;
        }

        /** @param settings the engine's {@code pool.warming} settings @return this */
        public Builder config(WarmingConfig settings) {
            this.config = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** @return the warmer (not started) */
        public PoolWarmer build() {
            return new PoolWarmer(this);
        }
    }
}
