package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.LoadBalancingConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.EngineUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With reads and writes running, the primary of the test bed (ha1, 5433) is killed, then the standby
 * (ha2, 5434) promoted: reads continue on the standby, writes fail fast (transient) until the router's
 * probe finds the new primary, then resume; every acknowledged write is present afterwards. The pair
 * is rebuilt at the end so the next test and the next CI run start healthy.
 */
class FailoverIT {

    static final NodeAddress HA1 = new NodeAddress("127.0.0.1", HaPair.PRIMARY_PORT, "local", "a", 1);
    static final NodeAddress HA2 = new NodeAddress("127.0.0.1", HaPair.STANDBY_PORT, "local", "b", 1);
    final TenantId tenant = TenantId.of("failover");
    final String prefix = PgTenancy.unique();
    Router router;
    TenantDb db;

    record Read(long startNanos, long endNanos, Integer port, Throwable error) {
    }

    @BeforeEach
    void setUp() {
        HaPair.ensureHealthy();
        DatabaseConfig config = PgTenancy.config(List.of(HA1), List.of(HA2),
                new LoadBalancingConfig(LoadBalancingConfig.Strategy.ROUND_ROBIN, Duration.ofMillis(100), Duration.ofSeconds(30)),
                IsolationStrategy.SCHEMA_PER_TENANT, prefix, 4);
        ResilienceOperator resilience = ResilienceOperator.builder().engine(DatabaseType.POSTGRESQL, ResilienceConfig.builder()
                .maxAttempts(4).backoff(Duration.ofMillis(5)).timeout(Duration.ofSeconds(5)).slidingWindowSize(50).build()).build();
        router = Router.builder().localRegion("local").stickiness(Duration.ofMillis(500))
                .probe(new PostgresNodeProbe()).breakers(resilience).build();
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(config)
                .operator(resilience).operator(router)
                .targetResolverFactory(ctx -> resilience.guard(router.resolverFor(ctx)))
                .build();
        router.checkNow().block(PgTenancy.WAIT);
        router.start();
        db.provision(tenant).block(PgTenancy.WAIT);
        db.sql(DatabaseType.POSTGRESQL).execute("CREATE TABLE {schema}.acks (id bigint PRIMARY KEY)")
                .contextWrite(TenantContext.of(tenant)).block(PgTenancy.WAIT);
    }

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.stop();
        }
        if (db != null) {
            db.close();
        }
        HaPair.rebuild();
    }

    @Test
    void readsContinueOnTheStandbyAndWritesResumeAfterPromotionWithoutLosingAcknowledgedWrites() throws InterruptedException {
        Set<Long> acked = new ConcurrentSkipListSet<>();
        AtomicLong nextId = new AtomicLong();
        AtomicLong lastWriteOkNanos = new AtomicLong();
        ConcurrentLinkedQueue<Throwable> writeErrors = new ConcurrentLinkedQueue<>();
        Disposable writer = Flux.<Long>generate(sink -> sink.next(nextId.incrementAndGet()))
                .concatMap(id -> db.sql(DatabaseType.POSTGRESQL).execute("INSERT INTO {schema}.acks VALUES ($1)", id)
                        .contextWrite(TenantContext.of(tenant))
                        .doOnSuccess(n -> {
                            acked.add(id);
                            lastWriteOkNanos.set(System.nanoTime());
                        })
                        .then(Mono.delay(Duration.ofMillis(2)))
                        .onErrorResume(e -> {
                            writeErrors.add(e);
                            return Mono.delay(Duration.ofMillis(5));
                        }), 1)
                .subscribe();
        ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
        Disposable reader = Flux.range(0, Integer.MAX_VALUE)
                .concatMap(i -> {
                    long start = System.nanoTime();
                    return db.sql(DatabaseType.POSTGRESQL).query("SELECT inet_server_port() AS port, count(*) FROM {schema}.acks")
                            .map(r -> r.get("port", Integer.class)).single()
                            .contextWrite(TenantContext.of(tenant))
                            .map(port -> new Read(start, System.nanoTime(), port, null))
                            .onErrorResume(e -> Mono.just(new Read(start, System.nanoTime(), null, e)))
                            .doOnNext(reads::add)
                            .then(Mono.delay(Duration.ofMillis(2)));
                }, 1)
                .subscribe();
        try {
            Thread.sleep(1500);
            assertThat(acked).as("writes run before the kill").isNotEmpty();
            long killed = System.nanoTime();
            HaPair.killPrimary();
            long killDone = System.nanoTime();
            Read firstAfterKill = awaitRead(reads, killDone, Duration.ofSeconds(20));
            Thread.sleep(1000); // reads keep being served by the standby while there is no primary
            long promoted = System.nanoTime();
            HaPair.promoteStandby();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (lastWriteOkNanos.get() < promoted && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            long firstWrite = lastWriteOkNanos.get();
            assertThat(firstWrite).as("writes resumed after promotion").isGreaterThan(promoted);
            Thread.sleep(500);
            writer.dispose();
            reader.dispose();
            Thread.sleep(200);

            List<Read> afterKill = reads.stream().filter(r -> r.startNanos() > killDone).toList();
            assertThat(afterKill.stream().filter(r -> r.error() == null).map(Read::port).collect(Collectors.toSet()))
                    .as("every read after the kill is served by the standby").containsOnly(HaPair.STANDBY_PORT);
            assertThat(afterKill.stream().filter(r -> r.error() != null).toList()).as("reads after the kill do not fail").isEmpty();
            assertThat(writeErrors).as("writes without a primary fail fast and transient")
                    .allMatch(e -> e instanceof EngineUnavailableException || e instanceof io.tenantdb.core.exception.TenantDbException t && t.isTransient());

            List<Long> present = db.sql(DatabaseType.POSTGRESQL).query("SELECT id FROM {schema}.acks")
                    .map(r -> r.get("id", Long.class)).collectList()
                    .contextWrite(TenantContext.of(tenant)).block(PgTenancy.WAIT);
            assertThat(present).as("every acknowledged write is present").containsAll(acked);

            System.out.printf("FailoverIT: kill command took %d ms; kill -> first successful read %d ms (served by %d);"
                            + " promotion -> first successful write %d ms; acknowledged writes %d, all present; "
                            + "write errors while no primary %d; reads after kill %d%n",
                    (killDone - killed) / 1_000_000, (firstAfterKill.endNanos() - killDone) / 1_000_000, firstAfterKill.port(),
                    (firstWrite - promoted) / 1_000_000, acked.size(), writeErrors.size(), afterKill.size());
        } finally {
            writer.dispose();
            reader.dispose();
        }
    }

    private static Read awaitRead(ConcurrentLinkedQueue<Read> reads, long after, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            for (Read r : reads) {
                if (r.startNanos() > after && r.error() == null) {
                    return r;
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no successful read within " + limit + " after the kill");
    }
}
