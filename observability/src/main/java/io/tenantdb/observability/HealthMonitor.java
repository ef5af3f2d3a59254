package io.tenantdb.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Checks the health of every engine node, once ({@link #check()}) or every interval
 * ({@link #reports()}, {@link #start()}), and sums it up in a {@link HealthReport}.
 *
 * <p>Each engine's check is bounded by a timeout; an engine whose check fails or times out counts
 * as DOWN with the error as reason. With a {@link MeterRegistry}, a gauge
 * {@value MetricNames#HEALTH_STATUS} per engine shows 1 (up), 0.5 (degraded) or 0 (down).
 *
 * <p>PostgreSQL replica lag is not part of the check yet: an engine reporting a lagging replica as
 * {@code DEGRADED} in its own {@link Engine#health()} is already summed up correctly here.
 *
 * @apiNote nothing is checked until subscription (or {@link #start()}).
 */
public final class HealthMonitor implements AutoCloseable {

    /** Default interval between periodic checks. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Default time limit of one engine's check. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final Supplier<? extends Collection<Engine>> engines;
    private final Duration interval;
    private final Duration timeout;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<DatabaseType, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();
    private final AtomicReference<HealthReport> latest = new AtomicReference<>();
    private final Flux<HealthReport> periodic;
    private final AtomicReference<Disposable> running = new AtomicReference<>();

    private HealthMonitor(Builder b) {
        this.engines = b.engines;
        this.interval = b.interval;
        this.timeout = b.timeout;
        this.clock = b.clock;
        this.registry = b.registry;
        this.periodic = Flux.interval(Duration.ZERO, interval, Schedulers.parallel())
                .onBackpressureDrop()
                .concatMap(tick -> check(), 0)
                .replay(1)
                .refCount();
    }

    /**
     * @param db the façade whose engines to check
     * @return a builder
     */
    public static Builder builder(TenantDb db) {
        Objects.requireNonNull(db, "db");
        return new Builder(() -> {
            List<Engine> list = new ArrayList<>();
            for (DatabaseType type : db.engineTypes()) {
                list.add(db.engine(type));
            }
            return list;
        });
    }

    /**
     * @param engines the engines to check, asked for at every check
     * @return a builder
     */
    public static Builder builder(Supplier<? extends Collection<Engine>> engines) {
        return new Builder(Objects.requireNonNull(engines, "engines"));
    }

    /**
     * Checks every engine once.
     *
     * @return the report; never an error (failed checks are DOWN entries)
     */
    public Mono<HealthReport> check() {
        return Mono.defer(() -> {
            List<Engine> list = List.copyOf(engines.get());
            List<DatabaseType> types = list.stream().map(Engine::type).toList();
            return Flux.fromIterable(list)
                    .flatMap(this::checkEngine)
                    .collectList()
                    .map(nodes -> HealthReport.of(types, nodes, clock.instant()))
                    .doOnNext(this::publish);
        });
    }

    private Flux<Health> checkEngine(Engine engine) {
        long start = System.nanoTime();
        return Flux.defer(engine::health)
                .collectList()
                .timeout(timeout)
                .flatMapIterable(l -> l)
                .onErrorResume(e -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    String why = e instanceof java.util.concurrent.TimeoutException
                            ? "health check timed out after " + timeout.toMillis() + " ms"
                            : "health check failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                    return Mono.just(new Health(engine.type(), "*", Health.Status.DOWN, took, why));
                });
    }

    private void publish(HealthReport report) {
        HealthReport previous = latest.getAndSet(report);
        if (previous == null || previous.status() != report.status()) {
            if (report.status() == Health.Status.UP) {
                LOG.info("health: UP");
            } else {
                LOG.warn("health: {} ({})", report.status(), String.join("; ", report.reasons()));
            }
        }
        if (registry != null) {
            report.engines().forEach((engine, status) -> gauges.computeIfAbsent(engine, e -> {
                AtomicReference<Double> value = new AtomicReference<>(Double.NaN);
                Gauge.builder(MetricNames.HEALTH_STATUS, value, AtomicReference::get)
                        .description("engine health: 1 up, 0.5 degraded, 0 down")
                        .tag("engine", e.id()).register(registry);
                return value;
            }).set(status == Health.Status.UP ? 1.0 : status == Health.Status.DEGRADED ? 0.5 : 0.0));
        }
    }

    /**
     * Reports every interval, the first at once. Shared: every subscriber sees the same checks, and
     * a late subscriber gets the last report first.
     *
     * @return the reports
     */
    public Flux<HealthReport> reports() {
        return periodic;
    }

    /** @return the last report, or {@code null} before the first check finished */
    public HealthReport latest() {
        return latest.get();
    }

    /**
     * @return the last report when periodic checking runs and has produced one, else a fresh check
     */
    public Mono<HealthReport> current() {
        HealthReport last = latest.get();
        return last != null && running.get() != null ? Mono.just(last) : check();
    }

    /** @return the interval between periodic checks */
    public Duration interval() {
        return interval;
    }

    /**
     * Starts checking every interval in the background, keeping {@link #latest()} fresh. Idempotent.
     *
     * @return this
     */
    public HealthMonitor start() {
        if (running.get() == null) {
            Disposable d = periodic.subscribe(r -> { }, e -> LOG.error("periodic health checking stopped", e));
            if (!running.compareAndSet(null, d)) {
                d.dispose();
            }
        }
        return this;
    }

    /** Stops periodic checking started by {@link #start()}. */
    @Override
    public void close() {
        Disposable d = running.getAndSet(null);
        if (d != null) {
            d.dispose();
        }
    }

    /** Builds a {@link HealthMonitor}. */
    public static final class Builder {
        private final Supplier<? extends Collection<Engine>> engines;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Clock clock = Clock.systemUTC();
        private MeterRegistry registry;

        private Builder(Supplier<? extends Collection<Engine>> engines) {
            this.engines = engines;
        }

        /**
         * Takes the {@code health} interval and timeout of the monitoring section.
         *
         * @param config the monitoring settings
         * @return this
         */
        public Builder monitoring(MonitoringConfig config) {
            return interval(config.healthInterval()).timeout(config.healthTimeout());
        }

        /** @param interval between periodic checks, &gt; 0 (default 10 s) @return this */
        public Builder interval(Duration interval) {
            if (interval == null || interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("interval must be > 0");
            }
            this.interval = interval;
            return this;
        }

        /** @param timeout time limit of one engine's check, &gt; 0 (default 5 s) @return this */
        public Builder timeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("timeout must be > 0");
            }
            this.timeout = timeout;
            return this;
        }

        /** @param registry where to publish the per-engine health gauge @return this */
        public Builder meterRegistry(MeterRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** @param clock the clock stamping reports (tests) @return this */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the monitor (not started) */
        public HealthMonitor build() {
            return new HealthMonitor(this);
        }
    }
}
