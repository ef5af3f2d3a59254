package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.LoadBalancingConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.session.TransactionOptions;
import io.tenantdb.core.spi.TargetResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each strategy spreads reads over labelled local nodes as specified, on real servers: the main
 * server reached as {@code localhost:5432} (weight 1) and the test bed's primary {@code 127.0.0.1:5433}
 * (weight 3) are the local read replicas, {@code 127.0.0.1:5432} is the writer, and a node in another
 * region (nothing listening) must get nothing while local nodes are healthy. Every read reports
 * {@code inet_server_port()}, so the count is what the servers answered, not what the router meant.
 */
class LoadBalancingIT {

    static final String PREFIX = PgTenancy.unique();
    static final TenantId TENANT = TenantId.of("lb");
    static final NodeAddress WRITER = new NodeAddress("127.0.0.1", 5432, "local", "a", 1);
    static final NodeAddress MAIN_ALIAS = new NodeAddress("localhost", 5432, "local", "a", 1);
    static final NodeAddress HA1 = new NodeAddress("127.0.0.1", 5433, "local", "b", 3);
    static final NodeAddress FAR = new NodeAddress("127.0.0.1", PgTenancy.deadPort(), "far", "z", 5);

    @BeforeAll
    static void provisionOnBothServers() {
        HaPair.ensureHealthy();
        for (NodeAddress server : List.of(WRITER, HA1)) {
            try (TenantDb db = db(List.of(server), List.of(), LoadBalancingConfig.Strategy.ROUND_ROBIN, new Router[1])) {
                db.provision(TENANT).block(PgTenancy.WAIT);
            }
        }
    }

    @AfterAll
    static void deprovision() {
        for (NodeAddress server : List.of(WRITER, HA1)) {
            try (TenantDb db = db(List.of(server), List.of(), LoadBalancingConfig.Strategy.ROUND_ROBIN, new Router[1])) {
                db.deprovision(TENANT).block(PgTenancy.WAIT);
            }
        }
    }

    static TenantDb db(List<NodeAddress> hosts, List<NodeAddress> replicas, LoadBalancingConfig.Strategy strategy,
                       Router[] routerOut) {
        DatabaseConfig config = PgTenancy.config(hosts, replicas,
                new LoadBalancingConfig(strategy, Duration.ofSeconds(10), Duration.ofSeconds(30)),
                IsolationStrategy.SCHEMA_PER_TENANT, PREFIX, 8);
        Router router = Router.builder().localRegion("local").stickiness(Duration.ZERO).build();
        routerOut[0] = router;
        return TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(config)
                .operator(router).targetResolverFactory(router::resolverFor).build();
    }

    /** @return reads answered per server port, and per node alias as routed */
    private static Map<String, Integer> spread(LoadBalancingConfig.Strategy strategy, int reads, int concurrency) {
        Router[] router = new Router[1];
        Map<String, Integer> counts = new ConcurrentHashMap<>();
        try (TenantDb db = db(List.of(WRITER), List.of(MAIN_ALIAS, HA1, FAR), strategy, router)) {
            List<Integer> ports = Flux.range(0, reads)
                    .flatMap(i -> db.sql(DatabaseType.POSTGRESQL)
                            .query("SELECT inet_server_port() AS port, pg_sleep(0.002)")
                            .map(r -> r.get("port", Integer.class)).single()
                            .contextWrite(TenantContext.of(TENANT)), concurrency)
                    .collectList().block(PgTenancy.WAIT);
            for (int port : ports) {
                counts.merge(String.valueOf(port), 1, Integer::sum);
            }
        }
        System.out.println("LoadBalancingIT " + strategy.id() + ": reads per server port " + counts);
        return counts;
    }

    @Test
    void roundRobinSpreadsReadsEvenlyOverLocalReplicas() {
        Map<String, Integer> counts = spread(LoadBalancingConfig.Strategy.ROUND_ROBIN, 400, 1);
        assertThat(counts).containsOnlyKeys("5432", "5433");
        assertThat(counts.get("5432")).isBetween(190, 210);
    }

    @Test
    void weightedRoundRobinFollowsTheConfiguredWeights() {
        Map<String, Integer> counts = spread(LoadBalancingConfig.Strategy.WEIGHTED_ROUND_ROBIN, 400, 1);
        assertThat(counts).containsOnlyKeys("5432", "5433");
        assertThat(counts.get("5432")).as("weight 1 of 4").isBetween(90, 110);
        assertThat(counts.get("5433")).as("weight 3 of 4").isBetween(290, 310);
    }

    @Test
    void leastConnectionsUsesEveryLocalReplicaUnderConcurrency() {
        Map<String, Integer> counts = spread(LoadBalancingConfig.Strategy.LEAST_CONNECTIONS, 400, 8);
        assertThat(counts).containsOnlyKeys("5432", "5433");
        assertThat(counts.get("5432")).as("equal nodes share the load").isBetween(100, 300);
    }

    @Test
    void writesGoToTheWriterAndOtherRegionsServeOnlyWhenNoLocalNodeIsUp() {
        Router[] router = new Router[1];
        NodeAddress deadLocal = new NodeAddress("127.0.0.1", PgTenancy.deadPort(), "local", "a", 1);
        try (TenantDb db = db(List.of(WRITER), List.of(deadLocal, new NodeAddress("localhost", 5432, "far", "z", 1)),
                LoadBalancingConfig.Strategy.ROUND_ROBIN, router)) {
            Integer written = db.sql(DatabaseType.POSTGRESQL).inTransaction(TransactionOptions.DEFAULT,
                            s -> s.query("SELECT inet_server_port() AS port").map(r -> r.get("port", Integer.class)))
                    .single().contextWrite(TenantContext.of(TENANT)).block(PgTenancy.WAIT);
            assertThat(written).isEqualTo(5432);
            // the local replica refuses connections: the first read fails and marks it down (passive
            // detection), then reads go to the far region
            List<Object> outcomes = Flux.range(0, 10).concatMap(i -> db.sql(DatabaseType.POSTGRESQL)
                            .query("SELECT inet_server_port() AS port").then(Mono.<Object>just("ok"))
                            .onErrorResume(e -> Mono.just(e))
                            .contextWrite(TenantContext.of(TENANT)))
                    .collectList().block(PgTenancy.WAIT);
            assertThat(outcomes.subList(1, 10)).containsOnly("ok");
            assertThat(router[0].describe(DatabaseType.POSTGRESQL, deadLocal)).contains("(down)");
        }
    }
}
