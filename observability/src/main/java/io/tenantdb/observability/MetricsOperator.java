package io.tenantdb.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.observability.internal.LatencyWindow;
import io.tenantdb.observability.internal.TenantTagger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.publisher.SignalType;
import reactor.util.context.Context;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The metrics operator: register it on {@link io.tenantdb.core.TenantDb.Builder#operator} and every
 * operation of every engine is timed and counted.
 *
 * <pre>{@code
 * MetricsOperator metrics = MetricsOperator.builder(registry).topTenants(20).build();
 * TenantDb db = TenantDb.builder().configDirectory(dir).operator(metrics).build();
 * }</pre>
 *
 * <p>It records (names in {@link MetricNames}): a timer per engine, operation, kind, outcome
 * ({@code success}/{@code error}/{@code cancel}) and tenant tag, with a percentile histogram; a
 * per-engine latency timer, and per-engine p50/p95/p99 gauges over the last 30 to 60 seconds
 * (recorded lock-free, see {@link MetricNames#ENGINE_LATENCY_RECENT}); error counters by exception
 * simple name and transient flag; timeouts; and the items a multi-valued operation streamed. The tenant tag keeps cardinality
 * bounded: the top-N tenants by traffic keep their own tag, every other tenant is {@code other}, and
 * the meters of a tenant that drops out of the top-N are removed.
 *
 * <p>When an {@link ObservationRegistry} is given, each operation is also an {@link Observation}
 * named {@code tenantdb.operation}, child of the observation found in the subscriber's context under
 * {@code micrometer.observation} (what Reactor and the tracing bridges use), so tracing can attach.
 * The tenant is a low-cardinality key value when in the top-N, else {@code other} with the id as a
 * high-cardinality key value.
 *
 * <p>The {@code operation} tag is the statement name or operation; at most
 * {@value #MAX_OPERATION_NAMES} distinct names get their own tag, later ones are {@code other}.
 *
 * <p>Operations slower than the slow-operation threshold are logged at WARN on the logger
 * {@code io.tenantdb.observability.slow} with tenant, engine, operation name, kind, outcome and
 * duration; bound values are never known to this operator and never logged.
 *
 * <p>Runs at {@link #ORDER} (300) in the chain: inside quotas, breakers and retries, so each attempt
 * is timed. Never blocks.
 */
public final class MetricsOperator implements OperationOperator {

    /** The operator's position in the chain. */
    public static final int ORDER = 300;
    /** Default number of tenants that keep their own tag. */
    public static final int DEFAULT_TOP_TENANTS = 20;
    /** Default slow-operation threshold. */
    public static final Duration DEFAULT_SLOW_THRESHOLD = Duration.ofSeconds(1);
    /** The Reactor context key under which Micrometer's context propagation keeps the current observation. */
    public static final String OBSERVATION_CONTEXT_KEY = "micrometer.observation";
    /** The name of the observation each operation creates. */
    public static final String OBSERVATION_NAME = "tenantdb.operation";

    /** Distinct operation names that get their own tag; later new names are tagged {@value #OTHER_OPERATION}. */
    public static final int MAX_OPERATION_NAMES = 1000;
    /** The operation tag of names beyond {@link #MAX_OPERATION_NAMES}. */
    public static final String OTHER_OPERATION = "other";

    /** How long each recent-latency histogram records; the gauges cover one to two such periods. */
    private static final Duration RECENT_PERIOD = Duration.ofSeconds(30);
    private static final double[] RECENT_QUANTILES = {0.5, 0.95, 0.99};

    private static final Logger SLOW_LOG = LoggerFactory.getLogger("io.tenantdb.observability.slow");
    private static final Logger LOG = LoggerFactory.getLogger(MetricsOperator.class);

    private final MeterRegistry registry;
    private final ObservationRegistry observations;
    private final TenantTagger tenants;
    private final long slowNanos;
    private final Map<DatabaseType, Timer> engineLatency = new EnumMap<>(DatabaseType.class);
    private final Map<DatabaseType, LatencyWindow> recentLatency = new EnumMap<>(DatabaseType.class);
    private final LongAdder operations = new LongAdder();
    private final LongAdder connectionFailures = new LongAdder();
    private final ConcurrentHashMap<String, TenantWindow> windows = new ConcurrentHashMap<>();
    private final Set<String> operationNames = ConcurrentHashMap.newKeySet();
    /** Registered meters of the hot path, so an operation does not build and look up its meters each time. */
    private final ConcurrentHashMap<MeterKey, Meter> hot = new ConcurrentHashMap<>();

    /** The {@code kind} tag of each operation kind, made once. */
    private static final Map<OperationKind, String> KIND_TAGS = kindTags();

    private static Map<OperationKind, String> kindTags() {
        Map<OperationKind, String> tags = new EnumMap<>(OperationKind.class);
        for (OperationKind k : OperationKind.values()) {
            tags.put(k, k.name().toLowerCase(Locale.ROOT));
        }
        return tags;
    }

    private record MeterKey(String name, String engine, String operation, String tenant, String kind, String outcome) {
    }

    private MetricsOperator(Builder b) {
        this.registry = b.registry;
        this.observations = b.observations;
        this.slowNanos = b.slowThreshold.toNanos();
        int capacity = b.sketchCapacity > 0 ? b.sketchCapacity : Math.max(256, b.topTenants * 10);
        this.tenants = new TenantTagger(b.topTenants, capacity, b.decayEvery, this::forgetTenant);
        for (DatabaseType type : DatabaseType.values()) {
            engineLatency.put(type, Timer.builder(MetricNames.ENGINE_LATENCY)
                    .description("latency of every operation of an engine")
                    .tag("engine", type.id())
                    .register(registry));
            LatencyWindow window = new LatencyWindow(RECENT_PERIOD, System::nanoTime);
            recentLatency.put(type, window);
            for (double q : RECENT_QUANTILES) {
                Gauge.builder(MetricNames.ENGINE_LATENCY_RECENT, window, w -> w.percentileMillis(q * 100) / 1_000)
                        .description("latency percentile of an engine over the last 30 to 60 seconds")
                        .tags("engine", type.id(), "quantile", Double.toString(q))
                        .baseUnit("seconds")
                        .register(registry);
            }
        }
        Gauge.builder(MetricNames.TRACKED_TENANTS, tenants, t -> t.tagged().size())
                .description("tenants holding their own tenant tag (the top-N by traffic)")
                .register(registry);
    }

    /**
     * @param registry where meters go
     * @return a builder
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    @Override
    public int order() {
        return ORDER;
    }

    @Override
    public <T> Flux<T> apply(OperationInfo operation, Flux<T> source) {
        return new TimedFlux<>(source, operation);
    }

    @Override
    public <T> Mono<T> apply(OperationInfo operation, Mono<T> source) {
        return new TimedMono<>(source, operation);
    }

    /**
     * The timed operation as one operator: per subscription a {@link Probe} is made from the
     * subscriber's context and subscribed to the source (what {@code deferContextual}, four
     * {@code doOn..} and a {@code contextWrite} did, in one subscriber instead of six).
     */
    private final class TimedFlux<T> extends Flux<T> {
        private final Flux<T> source;
        private final OperationInfo op;

        TimedFlux(Flux<T> source, OperationInfo op) {
            this.source = source;
            this.op = op;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            subscribeProbed(source, op, actual, true);
        }
    }

    /** Subscribes {@code source} through a new {@link Probe}; a probe that cannot be made is the subscriber's error. */
    private <T> void subscribeProbed(Publisher<T> source, OperationInfo op, CoreSubscriber<? super T> actual, boolean multi) {
        Probe<T> probe;
        try {
            probe = new Probe<>(op, actual, multi);
        } catch (Throwable e) {
            Operators.error(actual, Operators.onOperatorError(e, actual.currentContext()));
            return;
        }
        source.subscribe(probe);
    }

    /** The single-valued {@link TimedFlux}: done when its value (or completion) arrives. */
    private final class TimedMono<T> extends Mono<T> {
        private final Mono<T> source;
        private final OperationInfo op;

        TimedMono(Mono<T> source, OperationInfo op) {
            this.source = source;
            this.op = op;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            subscribeProbed(source, op, actual, false);
        }
    }

    /** @return the tenants holding their own tag now (the top-N by recent traffic) */
    public Set<String> topTenants() {
        return tenants.tagged();
    }

    /**
     * @param tenant a tenant
     * @return the tag its metrics carry now: its id, or {@link MetricNames#OTHER_TENANT}
     */
    public String tenantTag(TenantId tenant) {
        return tenants.tagOf(tenant);
    }

    /** @return the number of tenants the traffic sketch counts now; never more than its capacity */
    public int trackedTenantCount() {
        return tenants.sketchSize();
    }

    /**
     * The highest p99 latency over every engine, over the last 30 to 60 seconds.
     *
     * @return milliseconds; 0 when nothing ran recently
     */
    public double latencyP99Millis() {
        double max = 0;
        for (LatencyWindow window : recentLatency.values()) {
            max = Math.max(max, window.percentileMillis(99));
        }
        return max;
    }

    /** @return operations finished since start */
    public long operationCount() {
        return operations.sum();
    }

    /**
     * Operations that failed because a connection could not be had: {@link EngineUnavailableException}
     * or a cause chain holding a {@link ConnectException} or an exception whose name mentions a
     * connection.
     *
     * @return such failures since start
     */
    public long connectionFailureCount() {
        return connectionFailures.sum();
    }

    /**
     * Takes and resets the per-tenant-tag figures gathered since the last call (for anomaly
     * detection). At most top-N + 1 entries.
     *
     * @return figures by tenant tag
     */
    public Map<String, TenantSample> drainTenantSamples() {
        Map<String, TenantSample> out = new HashMap<>();
        for (Map.Entry<String, TenantWindow> e : windows.entrySet()) {
            TenantSample s = e.getValue().drain();
            if (s.operations() > 0) {
                out.put(e.getKey(), s);
            }
        }
        return out;
    }

    /**
     * What one tenant tag did during one interval.
     *
     * @param operations    operations finished
     * @param errors        of which failed
     * @param meanLatencyMs mean duration in milliseconds
     */
    public record TenantSample(long operations, long errors, double meanLatencyMs) {

        /** @return errors / operations, 0 when there were none */
        public double errorRate() {
            return operations == 0 ? 0 : (double) errors / operations;
        }
    }

    private void forgetTenant(String tag) {
        windows.remove(tag);
        hot.keySet().removeIf(k -> k.tenant().equals(tag));
        List<Meter> gone = new ArrayList<>();
        for (Meter m : registry.getMeters()) {
            if (tag.equals(m.getId().getTag("tenant")) && m.getId().getName().startsWith("tenantdb.operation")) {
                gone.add(m);
            }
        }
        gone.forEach(registry::remove);
    }

    /** Statement names come from callers: bound them so a careless caller cannot flood the registry. */
    private String operationTag(String name) {
        if (operationNames.contains(name)) {
            return name;
        }
        if (operationNames.size() < MAX_OPERATION_NAMES) {
            operationNames.add(name);
            return name;
        }
        if (operationNames.add(OTHER_OPERATION)) {
            LOG.warn("more than {} distinct operation names: further names are tagged '{}' (statement names must be labels, not SQL)",
                    MAX_OPERATION_NAMES, OTHER_OPERATION);
        }
        return OTHER_OPERATION;
    }

    private static String exceptionName(Throwable error) {
        String simple = error.getClass().getSimpleName();
        return simple.isEmpty() ? error.getClass().getName() : simple;
    }

    private static boolean isTimeout(Throwable error) {
        return error instanceof OperationTimeoutException || error instanceof TimeoutException;
    }

    private static boolean isConnectionFailure(Throwable error) {
        if (error instanceof EngineUnavailableException) {
            return true;
        }
        Throwable t = error;
        for (int depth = 0; t != null && depth < 10; depth++, t = t.getCause()) {
            if (t instanceof ConnectException || t.getClass().getSimpleName().contains("Connect")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The figures of one subscription, and the subscriber that takes them: it passes every signal
     * on, counting items and recording the outcome once (completion, error or cancel; for a Mono the
     * value already counts as success, since {@code block()} cancels right after it). Upstream sees
     * the subscriber's context plus the operation's observation. onNext is serialized, so plain
     * fields are enough.
     */
    private final class Probe<T> implements CoreSubscriber<T>, Subscription {
        private final OperationInfo op;
        private final boolean multi;
        private final String tenantTag;
        private final long start = System.nanoTime();
        private final Observation observation;
        private final CoreSubscriber<? super T> actual;
        private final Context context;
        private final AtomicBoolean done = new AtomicBoolean();
        private Subscription upstream;
        private long items;

        Probe(OperationInfo op, CoreSubscriber<? super T> actual, boolean multi) {
            this.op = op;
            this.multi = multi;
            this.actual = actual;
            Context ctx = actual.currentContext();
            this.tenantTag = tenants.record(op.tenant());
            if (observations.isNoop()) {
                this.observation = null;
                this.context = ctx;
            } else {
                Observation o = Observation.createNotStarted(OBSERVATION_NAME, observations)
                        .contextualName(op.engine().id() + " " + op.name())
                        .lowCardinalityKeyValue("db.system", op.engine().id())
                        .lowCardinalityKeyValue("tenantdb.operation", op.name())
                        .lowCardinalityKeyValue("tenantdb.kind", kind())
                        .lowCardinalityKeyValue("tenantdb.tenant", tenantTag);
                if (TenantTagger.OTHER.equals(tenantTag)) {
                    o.highCardinalityKeyValue("tenantdb.tenant.id", op.tenant().value());
                }
                Object parent = ctx.getOrDefault(OBSERVATION_CONTEXT_KEY, null);
                if (parent instanceof Observation p) {
                    o.parentObservation(p);
                }
                this.observation = o.start();
                this.context = ctx.put(OBSERVATION_CONTEXT_KEY, observation);
            }
        }

        @Override
        public Context currentContext() {
            return context;
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(T t) {
            if (multi) {
                items++;
            } else {
                finish(SignalType.ON_COMPLETE, null);
            }
            actual.onNext(t);
        }

        @Override
        public void onError(Throwable t) {
            finish(SignalType.ON_ERROR, t);
            actual.onError(t);
        }

        @Override
        public void onComplete() {
            finish(SignalType.ON_COMPLETE, null);
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            finish(SignalType.CANCEL, null);
            upstream.cancel();
        }

        private String kind() {
            return KIND_TAGS.get(op.kind());
        }

        private Tags base(String engine, String operation) {
            return Tags.of("engine", engine, "operation", operation, "tenant", tenantTag);
        }

        void finish(SignalType signal, Throwable error) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            long nanos = System.nanoTime() - start;
            String outcome = signal == SignalType.ON_COMPLETE ? "success"
                    : signal == SignalType.ON_ERROR ? "error" : "cancel";
            String engine = op.engine().id();
            String operation = operationTag(op.name());
            String kind = kind();
            // the meters are found by key; their tags are built only when one is registered
            Timer timer = (Timer) hot.computeIfAbsent(
                    new MeterKey(MetricNames.OPERATION, engine, operation, tenantTag, kind, outcome),
                    k -> Timer.builder(MetricNames.OPERATION)
                            .description("duration of tenantdb operations")
                            .tags(base(engine, operation)).tag("kind", kind).tag("outcome", outcome)
                            .publishPercentileHistogram()
                            .minimumExpectedValue(Duration.ofMillis(1))
                            .maximumExpectedValue(Duration.ofSeconds(30))
                            .register(registry));
            timer.record(nanos, TimeUnit.NANOSECONDS);
            engineLatency.get(op.engine()).record(nanos, TimeUnit.NANOSECONDS);
            recentLatency.get(op.engine()).record(nanos);
            if (multi) {
                Counter counter = (Counter) hot.computeIfAbsent(
                        new MeterKey(MetricNames.ITEMS, engine, operation, tenantTag, "", ""),
                        k -> Counter.builder(MetricNames.ITEMS).description("rows, documents, keys or hits streamed")
                                .tags(base(engine, operation)).register(registry));
                counter.increment(items);
            }
            boolean failed = signal == SignalType.ON_ERROR && error != null;
            if (failed) {
                Tags base = base(engine, operation);
                String transientFlag = error instanceof TenantDbException t ? Boolean.toString(t.isTransient()) : "unknown";
                Counter.builder(MetricNames.ERRORS).description("failed operations by exception type")
                        .tags(base).tag("exception", exceptionName(error)).tag("transient", transientFlag)
                        .register(registry).increment();
                if (isTimeout(error)) {
                    Counter.builder(MetricNames.TIMEOUTS).description("operations that timed out")
                            .tags(base).register(registry).increment();
                }
                if (isConnectionFailure(error)) {
                    connectionFailures.increment();
                }
            }
            operations.increment();
            windows.computeIfAbsent(tenantTag, k -> new TenantWindow()).add(nanos, failed);
            if (nanos >= slowNanos) {
                Counter.builder(MetricNames.SLOW).description("operations slower than the slow-operation threshold")
                        .tag("engine", engine).tag("operation", operation).register(registry).increment();
                SLOW_LOG.warn("slow operation: tenant={} engine={} operation={} kind={} outcome={} duration={}ms (threshold {}ms)",
                        op.tenant().value(), engine, op.name(), kind(), outcome,
                        TimeUnit.NANOSECONDS.toMillis(nanos), TimeUnit.NANOSECONDS.toMillis(slowNanos));
            }
            if (observation != null) {
                if (failed) {
                    observation.error(error);
                } else if (signal == SignalType.CANCEL) {
                    observation.event(Observation.Event.of("cancel"));
                }
                observation.stop();
            }
        }
    }

    /** Interval accumulators of one tenant tag. */
    private static final class TenantWindow {
        private final LongAdder count = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final LongAdder nanos = new LongAdder();

        void add(long duration, boolean failed) {
            count.increment();
            nanos.add(duration);
            if (failed) {
                errors.increment();
            }
        }

        TenantSample drain() {
            long c = count.sumThenReset();
            long e = errors.sumThenReset();
            long n = nanos.sumThenReset();
            return new TenantSample(c, e, c == 0 ? 0 : n / 1e6 / c);
        }
    }

    /** Builds a {@link MetricsOperator}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private ObservationRegistry observations = ObservationRegistry.NOOP;
        private int topTenants = DEFAULT_TOP_TENANTS;
        private int sketchCapacity;
        private long decayEvery = 1_000_000;
        private Duration slowThreshold = DEFAULT_SLOW_THRESHOLD;

        private Builder(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
        }

        /**
         * Takes {@code top_tenants} and {@code slow_query_threshold} from the monitoring section.
         *
         * @param config the monitoring settings
         * @return this
         */
        public Builder monitoring(MonitoringConfig config) {
            return topTenants(config.topTenants()).slowThreshold(config.slowQueryThreshold());
        }

        /** @param registry observations for tracing bridges (default none) @return this */
        public Builder observationRegistry(ObservationRegistry registry) {
            this.observations = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /** @param n tenants that keep their own tag, 0..10000 (default 20) @return this */
        public Builder topTenants(int n) {
            if (n < 0 || n > 10_000) {
                throw new IllegalArgumentException("topTenants must be between 0 and 10000, was " + n);
            }
            this.topTenants = n;
            return this;
        }

        /** @param capacity tenants the traffic sketch counts (default max(256, 10 x topTenants)) @return this */
        public Builder sketchCapacity(int capacity) {
            if (capacity <= 0) {
                throw new IllegalArgumentException("sketchCapacity must be > 0, was " + capacity);
            }
            this.sketchCapacity = capacity;
            return this;
        }

        /** @param operations halve traffic counts after this many operations (default 1,000,000) @return this */
        public Builder decayEvery(long operations) {
            if (operations <= 0) {
                throw new IllegalArgumentException("decayEvery must be > 0, was " + operations);
            }
            this.decayEvery = operations;
            return this;
        }

        /** @param threshold operations at least this slow are logged (default 1 s) @return this */
        public Builder slowThreshold(Duration threshold) {
            if (threshold == null || threshold.isNegative()) {
                throw new IllegalArgumentException("slowThreshold must be >= 0");
            }
            this.slowThreshold = threshold;
            return this;
        }

        /**
         * @return the operator
         * @throws IllegalArgumentException when the sketch capacity is below topTenants
         */
        public MetricsOperator build() {
            if (sketchCapacity > 0 && sketchCapacity < topTenants) {
                throw new IllegalArgumentException("sketchCapacity (" + sketchCapacity + ") must be >= topTenants (" + topTenants + ")");
            }
            return new MetricsOperator(this);
        }
    }
}
