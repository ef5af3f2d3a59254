package io.tenantdb.tenancy.directory;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Readable;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A directory stored in PostgreSQL, for thousands of tenants that come and go at run time:
 *
 * <pre>
 * CREATE TABLE tenantdb_directory (tenant_id text PRIMARY KEY, status text NOT NULL, tier text NOT NULL,
 *   strategies text NOT NULL, placement text NOT NULL, version bigint NOT NULL);   -- + a version sequence
 * </pre>
 *
 * Every save takes the next value of the version sequence; every instance polls for rows with a
 * version above the last it saw (every {@code pollInterval}) and invalidates those tenants in its
 * Caffeine cache, so a change (e.g. suspension) is visible to all instances within one interval,
 * without restart. Lookups are served from the cache; a miss reads the row once.
 */
public final class PostgresTenantDirectory implements TenantDirectory, AutoCloseable {

    /** Default table. */
    public static final String DEFAULT_TABLE = "tenantdb_directory";
    /** Default poll interval. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(PostgresTenantDirectory.class);
    private static final Pattern TABLE = Pattern.compile("^[a-z_][a-z0-9_]{0,50}$");

    private final PostgresqlConnectionFactory factory;
    private final String table;
    private final Duration pollInterval;
    private final AsyncLoadingCache<TenantId, Optional<TenantRecord>> cache;
    private final AtomicLong seen = new AtomicLong(-1);
    private volatile Disposable polling;

    private PostgresTenantDirectory(PostgresqlConnectionFactory factory, String table, Duration pollInterval, long maxCached) {
        this.factory = factory;
        this.table = table;
        this.pollInterval = pollInterval;
        this.cache = Caffeine.newBuilder().maximumSize(maxCached)
                .buildAsync((tenant, executor) -> load(tenant).map(Optional::of).defaultIfEmpty(Optional.empty()).toFuture());
    }

    /**
     * @param config       where the table lives: the first host, database, user and password of this configuration
     * @param table        the table name ({@code [a-z_][a-z0-9_]*}); a sequence {@code <table>_version} goes with it
     * @param pollInterval how often changes by other instances are looked for
     * @return the directory; call {@link #initialize()} once, then {@link #start()}
     */
    public static PostgresTenantDirectory of(DatabaseConfig config, String table, Duration pollInterval) {
        if (!TABLE.matcher(Objects.requireNonNull(table, "table")).matches()) {
            throw new IllegalArgumentException("directory table '" + table + "' must match [a-z_][a-z0-9_]{0,50}");
        }
        ConnectionConfig cc = config.connection();
        NodeAddress node = cc.primary();
        PostgresqlConnectionConfiguration.Builder b = PostgresqlConnectionConfiguration.builder()
                .host(node.host()).port(node.port())
                .database(cc.database() == null ? "postgres" : cc.database())
                .username(cc.user()).connectTimeout(cc.connectTimeout())
                .applicationName("tenantdb-directory").autodetectExtensions(false);
        Secret password = cc.password();
        if (!password.isNone()) {
            b.password(Mono.fromCallable(() -> (CharSequence) password.reveal()).subscribeOn(Schedulers.boundedElastic()));
        }
        return new PostgresTenantDirectory(new PostgresqlConnectionFactory(b.build()), table, pollInterval, 100_000);
    }

    private <T> Flux<T> withConnection(Function<Connection, Flux<T>> work) {
        return Flux.usingWhen(factory.create(), work, Connection::close, (c, e) -> c.close(), Connection::close);
    }

    private static Flux<Long> run(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated());
    }

    /** @return completes when the table and its sequence exist (idempotent) */
    public Mono<Void> initialize() {
        return withConnection(c -> run(c, "CREATE SEQUENCE IF NOT EXISTS " + table + "_version")
                .thenMany(run(c, "CREATE TABLE IF NOT EXISTS " + table + " (tenant_id text PRIMARY KEY, "
                        + "status text NOT NULL, tier text NOT NULL, strategies text NOT NULL DEFAULT '', "
                        + "placement text NOT NULL DEFAULT '', version bigint NOT NULL)"))
                .thenMany(run(c, "CREATE INDEX IF NOT EXISTS " + table + "_by_version ON " + table + " (version)")))
                .then();
    }

    /**
     * Starts polling for changes made by any instance.
     *
     * @return this
     */
    public synchronized PostgresTenantDirectory start() {
        if (polling == null) {
            polling = Flux.interval(Duration.ZERO, pollInterval)
                    .onBackpressureDrop()
                    .concatMap(i -> poll().onErrorResume(e -> {
                        LOG.warn("polling the tenant directory {} failed: {}", table, e.toString());
                        return Mono.empty();
                    }), 1)
                    .subscribe();
        }
        return this;
    }

    /** @return completes when changes up to now are applied to the cache */
    public Mono<Void> poll() {
        long since = seen.get();
        return withConnection(c -> Flux.from(c.createStatement("SELECT tenant_id, version FROM " + table
                        + " WHERE version > $1 ORDER BY version").bind(0, since).execute())
                .concatMap(r -> r.map((row, md) -> Map.entry(row.get(0, String.class), row.get(1, Long.class)))))
                .doOnNext(e -> {
                    if (since >= 0) {
                        cache.synchronous().invalidate(TenantId.of(e.getKey()));
                    }
                    seen.accumulateAndGet(e.getValue(), Math::max);
                })
                .then(Mono.fromRunnable(() -> seen.compareAndSet(-1, 0)));
    }

    @Override
    public Mono<TenantRecord> find(TenantId tenant) {
        return Mono.fromFuture(cache.get(tenant)).flatMap(Mono::justOrEmpty);
    }

    private Mono<TenantRecord> load(TenantId tenant) {
        return withConnection(c -> Flux.from(c.createStatement("SELECT tenant_id, status, tier, strategies, placement, version FROM "
                        + table + " WHERE tenant_id = $1").bind(0, tenant.value()).execute())
                .concatMap(r -> r.map((row, md) -> read(row))))
                .next();
    }

    @Override
    public Flux<TenantRecord> all() {
        return withConnection(c -> Flux.from(c.createStatement("SELECT tenant_id, status, tier, strategies, placement, version FROM "
                + table + " ORDER BY tenant_id").execute()).concatMap(r -> r.map((row, md) -> read(row))));
    }

    @Override
    public Mono<TenantRecord> save(TenantRecord record) {
        return withConnection(c -> Flux.from(c.createStatement("INSERT INTO " + table
                                + " (tenant_id, status, tier, strategies, placement, version) VALUES ($1, $2, $3, $4, $5, nextval('"
                                + table + "_version')) ON CONFLICT (tenant_id) DO UPDATE SET status = EXCLUDED.status, "
                                + "tier = EXCLUDED.tier, strategies = EXCLUDED.strategies, placement = EXCLUDED.placement, "
                                + "version = EXCLUDED.version RETURNING tenant_id, status, tier, strategies, placement, version")
                        .bind(0, record.tenant().value()).bind(1, record.status().id()).bind(2, record.tier())
                        .bind(3, encode(record.strategies(), IsolationStrategy::id))
                        .bind(4, encode(record.placement(), s -> s))
                        .execute())
                .concatMap(r -> r.map((row, md) -> read(row))))
                .next()
                .doOnNext(saved -> cache.put(saved.tenant(), java.util.concurrent.CompletableFuture.completedFuture(Optional.of(saved))));
    }

    /** One conditional {@code UPDATE ... WHERE version = expected}: atomic against every other writer. */
    @Override
    public Mono<TenantRecord> replace(TenantRecord expected, TenantRecord next) {
        if (!expected.tenant().equals(next.tenant())) {
            return Mono.error(new IllegalArgumentException("replace: expected record of tenant " + expected.tenant().value()
                    + " but the new record is of tenant " + next.tenant().value()));
        }
        return withConnection(c -> Flux.from(c.createStatement("UPDATE " + table + " SET status = $2, tier = $3, strategies = $4, "
                                + "placement = $5, version = nextval('" + table + "_version') WHERE tenant_id = $1 AND version = $6 "
                                + "RETURNING tenant_id, status, tier, strategies, placement, version")
                        .bind(0, next.tenant().value()).bind(1, next.status().id()).bind(2, next.tier())
                        .bind(3, encode(next.strategies(), IsolationStrategy::id))
                        .bind(4, encode(next.placement(), s -> s))
                        .bind(5, expected.version())
                        .execute())
                .concatMap(r -> r.map((row, md) -> read(row))))
                .next()
                .doOnNext(saved -> cache.put(saved.tenant(), java.util.concurrent.CompletableFuture.completedFuture(Optional.of(saved))))
                .switchIfEmpty(Mono.fromRunnable(() -> cache.synchronous().invalidate(expected.tenant())));
    }

    private static TenantRecord read(Readable row) {
        Map<DatabaseType, IsolationStrategy> strategies = new EnumMap<>(DatabaseType.class);
        decode(row.get(3, String.class)).forEach((k, v) -> strategies.put(k, IsolationStrategy.fromId(v)));
        Map<DatabaseType, String> placement = new EnumMap<>(DatabaseType.class);
        placement.putAll(decode(row.get(4, String.class)));
        return new TenantRecord(TenantId.of(row.get(0, String.class)), TenantStatus.fromId(row.get(1, String.class)),
                row.get(2, String.class), strategies, placement, row.get(5, Long.class));
    }

    private static <V> String encode(Map<DatabaseType, V> map, Function<V, String> value) {
        StringBuilder b = new StringBuilder();
        map.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k.id()).append('=').append(value.apply(v)));
        return b.toString();
    }

    private static Map<DatabaseType, String> decode(String text) {
        Map<DatabaseType, String> map = new EnumMap<>(DatabaseType.class);
        if (text == null || text.isEmpty()) {
            return map;
        }
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            map.put(DatabaseType.fromId(part.substring(0, eq)), part.substring(eq + 1));
        }
        return map;
    }

    /** Stops polling. */
    @Override
    public synchronized void close() {
        if (polling != null) {
            polling.dispose();
            polling = null;
        }
    }
}
