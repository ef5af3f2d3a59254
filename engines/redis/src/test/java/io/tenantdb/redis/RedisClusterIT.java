package io.tenantdb.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.ClusterPartitionParser;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.spi.Health;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine on a real 6-node Redis Cluster: 100 tenants' keys spread over the three masters, and a
 * master killed with SIGKILL: operations resume after the replica's promotion without any manual
 * reconnect, and no tenant ever sees another's keys. The killed node is restarted afterwards so it
 * rejoins as a replica.
 */
class RedisClusterIT {

    private static final int TENANTS = 100;
    private static TenantDb db;
    private static RedisKeyValueSession kv;
    private static final List<TenantId> tenants = new ArrayList<>();

    @BeforeAll
    static void start() {
        DatabaseConfigHolder.seeds = RedisClusterServers.seeds();
        db = RedisIt.db(RedisTestConfigs.config(DatabaseConfigHolder.seeds, IsolationStrategy.SCHEMA_PER_TENANT,
                Map.of("topology", "cluster",
                        "topology_refresh", Duration.ofSeconds(2))));
        kv = RedisIt.session(db);
        String run = RedisIt.uniqueTenant("c").value();
        for (int i = 0; i < TENANTS; i++) {
            tenants.add(TenantId.of(run + "_" + i));
        }
    }

    @AfterAll
    static void stop() {
        try {
            if (db != null) {
                Flux.fromIterable(tenants).concatMap(t -> db.deprovision(t)
                                .retryWhen(Retry.backoff(5, Duration.ofMillis(200))))
                        .blockLast(Duration.ofSeconds(60));
                db.close();
            }
        } finally {
            RedisClusterServers.restore(Duration.ofSeconds(30));
        }
    }

    /** Holds the seeds for the static set-up. */
    private static final class DatabaseConfigHolder {
        static List<io.tenantdb.core.config.NodeAddress> seeds;
    }

    private static <T> Mono<T> as(TenantId tenant, Mono<T> mono) {
        return mono.contextWrite(TenantContext.of(tenant));
    }

    private static Mono<Void> writeAll(String version) {
        return Flux.fromIterable(tenants)
                .flatMap(t -> as(t, kv.set("k", t.value() + ":" + version)
                        .then(kv.set("other", "x"))
                        .retryWhen(Retry.fixedDelay(60, Duration.ofMillis(500))
                                .filter(e -> e instanceof TenantDbException && ((TenantDbException) e).isTransient()))), 16)
                .then();
    }

    private static void assertEveryTenantSeesOnlyItsOwnKeys(String version) {
        for (TenantId t : tenants) {
            String value = as(t, kv.get("k").retryWhen(Retry.fixedDelay(20, Duration.ofMillis(500))
                    .filter(e -> e instanceof TenantDbException && ((TenantDbException) e).isTransient())))
                    .block(Duration.ofSeconds(30));
            assertThat(value).isEqualTo(t.value() + ":" + version);
            List<String> keys = as(t, kv.scan("*").collectList().retryWhen(Retry.fixedDelay(20, Duration.ofMillis(500))
                    .filter(e -> e instanceof TenantDbException && ((TenantDbException) e).isTransient())))
                    .block(Duration.ofSeconds(30));
            assertThat(keys).containsExactlyInAnyOrder("k", "other");
        }
    }

    /**
     * Health is a point-in-time check (a first connection to a node may be slow on a loaded machine):
     * asks again for up to 20 seconds until {@code condition} holds, then returns the last answer.
     */
    private static List<Health> healthWhen(java.util.function.Predicate<List<Health>> condition)
            throws InterruptedException {
        List<Health> health = List.of();
        for (int i = 0; i < 40; i++) {
            health = db.health().collectList().block(Duration.ofSeconds(30));
            if (condition.test(health)) {
                break;
            }
            Thread.sleep(500);
        }
        return health;
    }

    /** @return the cluster's view, from the first node that answers (one may have been killed) */
    private static Partitions partitions() {
        RuntimeException last = null;
        for (int port : RedisClusterServers.PORTS) {
            RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                return ClusterPartitionParser.parse(c.sync().clusterNodes());
            } catch (RuntimeException e) {
                last = e;
            } finally {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
        throw last;
    }

    private static String slotKey(TenantId t) {
        return "{tenant_" + t.value() + "}:k";
    }

    @Test
    void tenantsSpreadOverTheMastersAndSurviveAMasterBeingKilled() throws Exception {
        writeAll("v1").block(Duration.ofSeconds(60));
        assertEveryTenantSeesOnlyItsOwnKeys("v1");

        Partitions partitions = partitions();
        Set<String> masters = new HashSet<>();
        for (TenantId t : tenants) {
            masters.add(partitions.getMasterBySlot(SlotHash.getSlot(slotKey(t))).getNodeId());
        }
        assertThat(masters).as("the masters holding the 100 tenants").hasSize(3);
        assertThat(healthWhen(h -> h.size() == 6 && h.stream().allMatch(x -> x.status() == Health.Status.UP)))
                .hasSize(6).allMatch(h -> h.status() == Health.Status.UP);

        // pub/sub reaches subscribers of the same tenant only, across the cluster
        TenantId publisher = tenants.get(2);
        TenantId stranger = tenants.get(3);
        java.util.concurrent.atomic.AtomicBoolean leaked = new java.util.concurrent.atomic.AtomicBoolean();
        reactor.core.Disposable spy = kv.subscribe("news").contextWrite(TenantContext.of(stranger))
                .subscribe(m -> leaked.set(true));
        try {
            StepVerifier.create(kv.subscribe("news").contextWrite(TenantContext.of(publisher)).take(1))
                    .then(() -> Flux.interval(Duration.ofMillis(50)).onBackpressureDrop().concatMap(i -> kv.publish("news", "hello"))
                            .take(40).contextWrite(TenantContext.of(publisher)).subscribe())
                    .assertNext(m -> assertThat(m.message()).isEqualTo("hello"))
                    .verifyComplete();
            assertThat(leaked).isFalse();
        } finally {
            spy.dispose();
        }

        // a transaction and a multi-key command work: one tenant's keys share a slot
        TenantId first = tenants.get(0);
        assertThat(as(first, kv.transaction(tx -> tx.incrementBy("n", 2).set("k2", "v"))).block(Duration.ofSeconds(10)))
                .containsExactly(2L, "OK");
        assertThat(as(first, kv.delete("k2", "n")).block(Duration.ofSeconds(10))).isEqualTo(2L);

        // kill -9 the master serving the first tenant
        RedisClusterNode victim = partitions.getMasterBySlot(SlotHash.getSlot(slotKey(first)));
        int port = victim.getUri().getPort();
        long pid = pidOf(port);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly)).contains(true);
        try {
            // no reconnect, no new TenantDb: the same session resumes once the replica is promoted
            writeAll("v2").block(Duration.ofSeconds(120));
            assertEveryTenantSeesOnlyItsOwnKeys("v2");
            Partitions after = partitions();
            RedisClusterNode promoted = after.getMasterBySlot(SlotHash.getSlot(slotKey(first)));
            assertThat(promoted.getUri().getPort()).isNotEqualTo(port);
            // health reports every node: the killed one is down, the promoted replica serves as master
            int promotedPort = promoted.getUri().getPort();
            List<Health> health = healthWhen(h -> h.stream().anyMatch(x -> x.node().endsWith(":" + promotedPort)
                    && x.status() == Health.Status.UP && x.detail().startsWith("master")));
            assertThat(health).hasSize(6);
            assertThat(health).filteredOn(h -> h.node().endsWith(":" + port)).singleElement()
                    .extracting(Health::status).isEqualTo(Health.Status.DOWN);
            assertThat(health).filteredOn(h -> h.node().endsWith(":" + promoted.getUri().getPort())).singleElement()
                    .satisfies(h -> assertThat(h.detail()).startsWith("master"))
                    .extracting(Health::status).isEqualTo(Health.Status.UP);
        } finally {
            // the script starts the killed node again with its nodes.conf: it rejoins as a replica
            RedisClusterServers.runScript();
            RedisClusterServers.restore(Duration.ofSeconds(60));
        }
        assertThat(RedisClusterServers.healthy()).isTrue();
    }

    @Test
    void databasePerTenantIsRefusedInACluster() {
        TenantId t = tenants.get(1);
        TenantDb other = RedisIt.db(RedisTestConfigs.config(DatabaseConfigHolder.seeds, IsolationStrategy.SCHEMA_PER_TENANT,
                        Map.of("topology", "cluster")),
                Map.of(t, RedisTestConfigs.config(DatabaseConfigHolder.seeds, IsolationStrategy.DATABASE_PER_TENANT,
                        Map.of("topology", "cluster", "database", "3"))));
        try {
            assertThat(other.engine(DatabaseType.REDIS).supportedStrategies())
                    .containsExactlyInAnyOrder(IsolationStrategy.SCHEMA_PER_TENANT, IsolationStrategy.ROW_LEVEL_SECURITY);
            StepVerifier.create(other.keyValue(DatabaseType.REDIS).get("k").contextWrite(TenantContext.of(t)))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnsupportedFeatureException.class)
                            .hasMessageContaining("database 0"))
                    .verify(Duration.ofSeconds(10));
        } finally {
            other.close();
        }
    }

    private static long pidOf(int port) {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            for (String line : c.sync().info("server").split("\r?\n")) {
                if (line.startsWith("process_id:")) {
                    return Long.parseLong(line.substring("process_id:".length()).trim());
                }
            }
            throw new IllegalStateException("no process_id in INFO of port " + port);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
