package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.LoadBalancingConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.OperationRunner;
import io.tenantdb.core.spi.TargetResolver;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTest {

    static final DatabaseType PG = DatabaseType.POSTGRESQL;
    static final NodeAddress PRIMARY = new NodeAddress("p.local", 5432, "eu", "eu-a", 1);
    static final NodeAddress R1 = new NodeAddress("r1.local", 5432, "eu", "eu-a", 1);
    static final NodeAddress R2 = new NodeAddress("r2.local", 5432, "eu", "eu-b", 2);
    static final NodeAddress R3 = new NodeAddress("r3.local", 5432, "eu", "eu-b", 3);
    static final NodeAddress FAR = new NodeAddress("far.local", 5432, "us", "us-a", 1);

    static DatabaseConfig config(LoadBalancingConfig.Strategy strategy, List<NodeAddress> replicas) {
        return DatabaseConfig.builder(PG)
                .connection(new ConnectionConfig(List.of(PRIMARY), "db", "u", Secret.NONE, TlsConfig.DISABLED,
                        Duration.ofSeconds(1), Map.of()))
                .isolation(new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, "t_{{tenant_id}}_", "none"))
                .loadBalancing(new LoadBalancingConfig(strategy, Duration.ofSeconds(10), Duration.ofSeconds(30)))
                .replicas(replicas)
                .build();
    }

    static EngineContext context(DatabaseConfig config) {
        return new EngineContext() {
            public DatabaseType type() {
                return PG;
            }

            public DatabaseConfig config() {
                return config;
            }

            public DatabaseConfig config(TenantId tenant) {
                return config;
            }

            public TargetResolver targets() {
                throw new UnsupportedOperationException();
            }

            public OperationRunner operations() {
                throw new UnsupportedOperationException();
            }
        };
    }

    /** Routes operations through the router's operator and resolver, counting nodes used. */
    static final class Harness {
        final Router router;
        final TargetResolver resolver;
        final OperationRunner runner;
        final Map<NodeAddress, Integer> counts = new ConcurrentHashMap<>();
        volatile Function<NodeAddress, Mono<NodeAddress>> node = Mono::just;

        Harness(Router router, DatabaseConfig config) {
            this.router = router;
            this.resolver = router.resolverFor(context(config));
            this.runner = OperationRunner.of(List.of(router));
        }

        Mono<NodeAddress> op(String tenant, OperationKind kind) {
            return runner.<NodeAddress>mono(PG, kind, "op", t -> resolver.resolve(PG, t, kind)
                            .flatMap(target -> {
                                counts.merge(target.node(), 1, Integer::sum);
                                return node.apply(target.node());
                            }))
                    .contextWrite(TenantContext.of(tenant));
        }

        Map<String, Integer> run(int n, OperationKind kind) {
            counts.clear();
            for (int i = 0; i < n; i++) {
                op("t" + (i % 7), kind).block(Duration.ofSeconds(5));
            }
            return counts.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().host(), Map.Entry::getValue));
        }
    }

    @Test
    void roundRobinSpreadsReadsEvenlyOverReplicas() {
        Harness h = new Harness(Router.builder().stickiness(Duration.ZERO).build(),
                config(LoadBalancingConfig.Strategy.ROUND_ROBIN, List.of(R1, R2, R3)));
        assertThat(h.run(300, OperationKind.READ)).isEqualTo(Map.of("r1.local", 100, "r2.local", 100, "r3.local", 100));
    }

    @Test
    void weightedRoundRobinFollowsWeights() {
        Harness h = new Harness(Router.builder().stickiness(Duration.ZERO).build(),
                config(LoadBalancingConfig.Strategy.WEIGHTED_ROUND_ROBIN, List.of(R1, R2, R3)));
        assertThat(h.run(600, OperationKind.READ)).isEqualTo(Map.of("r1.local", 100, "r2.local", 200, "r3.local", 300));
    }

    @Test
    void leastConnectionsPicksTheNodeWithFewestInFlight() {
        Harness h = new Harness(Router.builder().stickiness(Duration.ZERO).build(),
                config(LoadBalancingConfig.Strategy.LEAST_CONNECTIONS, List.of(R1, R2, R3)));
        h.node = n -> n.equals(R1) ? Mono.just(n) : Mono.never();
        List<Disposable> held = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            held.add(h.op("a", OperationKind.READ).subscribe());
        }
        // R1 answers at once, so it stays at 0 in flight and takes every op after the first round
        assertThat(h.router.inFlight(PG, R1)).isZero();
        assertThat(h.router.inFlight(PG, R2)).isEqualTo(1);
        assertThat(h.router.inFlight(PG, R3)).isEqualTo(1);
        assertThat(h.counts.get(R1)).isEqualTo(6);
        held.forEach(Disposable::dispose);
        assertThat(h.router.inFlight(PG, R2)).as("cancel gives the slot back").isZero();
    }

    @Test
    void localRegionIsPreferredAndOtherRegionsServeWhenNoLocalNodeIsHealthy() {
        Map<NodeAddress, NodeProbe.Status> status = new ConcurrentHashMap<>();
        Router router = Router.builder().localRegion("eu").stickiness(Duration.ZERO)
                .probe((e, n, c) -> Mono.just(status.getOrDefault(n, NodeProbe.Status.REPLICA))).build();
        status.put(PRIMARY, NodeProbe.Status.PRIMARY);
        Harness h = new Harness(router, config(LoadBalancingConfig.Strategy.ROUND_ROBIN, List.of(R1, FAR)));
        router.checkNow().block();
        assertThat(h.run(50, OperationKind.READ)).isEqualTo(Map.of("r1.local", 50));
        status.put(R1, NodeProbe.Status.DOWN);
        router.checkNow().block();
        assertThat(h.run(50, OperationKind.READ)).isEqualTo(Map.of("far.local", 50));
    }

    @Test
    void writesGoToThePrimaryAndReadsStickToItJustAfterATenantsWrite() throws InterruptedException {
        Harness h = new Harness(Router.builder().stickiness(Duration.ofMillis(300)).build(),
                config(LoadBalancingConfig.Strategy.ROUND_ROBIN, List.of(R1, R2)));
        assertThat(h.op("alpha", OperationKind.WRITE).block()).isEqualTo(PRIMARY);
        assertThat(h.op("alpha", OperationKind.READ).block()).as("read-your-writes").isEqualTo(PRIMARY);
        assertThat(h.op("beta", OperationKind.READ).block()).as("other tenants are not sticky").isIn(R1, R2);
        Thread.sleep(400);
        assertThat(h.op("alpha", OperationKind.READ).block()).isIn(R1, R2);
    }

    @Test
    void primaryIsWhatTheProbeFindsAndWritesFailFastWhileThereIsNone() {
        Map<NodeAddress, NodeProbe.Status> status = new ConcurrentHashMap<>();
        Router router = Router.builder().stickiness(Duration.ofMinutes(1))
                .probe((e, n, c) -> Mono.just(status.getOrDefault(n, NodeProbe.Status.DOWN))).build();
        Harness h = new Harness(router, config(LoadBalancingConfig.Strategy.ROUND_ROBIN, List.of(R1)));
        status.put(PRIMARY, NodeProbe.Status.PRIMARY);
        status.put(R1, NodeProbe.Status.REPLICA);
        router.checkNow().block();
        assertThat(h.op("alpha", OperationKind.WRITE).block()).isEqualTo(PRIMARY);
        assertThat(h.op("alpha", OperationKind.READ).block()).as("sticky").isEqualTo(PRIMARY);
        status.put(PRIMARY, NodeProbe.Status.DOWN);
        status.put(R1, NodeProbe.Status.REPLICA);
        router.checkNow().block();
        StepVerifier.create(h.op("alpha", OperationKind.WRITE))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(EngineUnavailableException.class);
                    assertThat(((EngineUnavailableException) e).isTransient()).isTrue();
                    assertThat(e.getMessage()).contains("tenant=alpha", "no primary node is known", "reads continue");
                })
                .verify();
        assertThat(h.op("alpha", OperationKind.READ).block()).as("a sticky read falls back to the replica").isEqualTo(R1);
        status.put(R1, NodeProbe.Status.PRIMARY); // promoted
        router.checkNow().block();
        assertThat(h.op("alpha", OperationKind.WRITE).block()).isEqualTo(R1);
    }

    @Test
    void aNodeFailingAnOperationIsAvoidedUntilItRecovers() {
        Harness h = new Harness(Router.builder().stickiness(Duration.ZERO).build(),
                config(LoadBalancingConfig.Strategy.ROUND_ROBIN, List.of(R1, R2)));
        h.node = n -> n.equals(R1) ? Mono.error(new EngineUnavailableException("refused", null, PG, null)) : Mono.just(n);
        List<Object> outcomes = Flux.range(0, 20).concatMap(i -> h.op("a", OperationKind.READ)
                .map(Object.class::cast).onErrorResume(Mono::just)).collectList().block();
        assertThat(outcomes.stream().filter(o -> o instanceof EngineUnavailableException)).hasSize(1);
        assertThat(outcomes.subList(1, 20)).allMatch(R2::equals);
    }

    @Test
    void aTenantPlacedOnAShardIsRoutedToThatShardsHosts() {
        DatabaseConfig sharded = config(LoadBalancingConfig.Strategy.ROUND_ROBIN, List.of(R1)).toBuilder()
                .root(MapConfigNode.root(Map.of("shards", List.of(
                        Map.of("name", "s1", "hosts", List.of("s1.local:5432")),
                        Map.of("name", "s2", "hosts", List.of("s2.local:6432"), "database", "shard2")))))
                .build();
        io.tenantdb.tenancy.directory.TenantDirectory directory = io.tenantdb.tenancy.directory.StaticTenantDirectory.of(List.of(
                io.tenantdb.tenancy.directory.TenantRecord.active(TenantId.of("alpha")).withShard(PG, "s2"),
                io.tenantdb.tenancy.directory.TenantRecord.active(TenantId.of("lost")).withShard(PG, "s9"),
                new io.tenantdb.tenancy.directory.TenantRecord(TenantId.of("own"), io.tenantdb.tenancy.directory.TenantStatus.ACTIVE,
                        "gold", Map.of(PG, IsolationStrategy.DATABASE_PER_TENANT), Map.of(), 0)));
        Harness h = new Harness(Router.builder().directory(directory).stickiness(Duration.ZERO).build(), sharded);
        StepVerifier.create(h.runner.<io.tenantdb.core.spi.Target>mono(PG, OperationKind.WRITE, "op",
                        t -> h.resolver.resolve(PG, t, OperationKind.WRITE)).contextWrite(TenantContext.of("alpha")))
                .assertNext(t -> {
                    assertThat(t.node()).isEqualTo(NodeAddress.of("s2.local", 6432));
                    assertThat(t.config().connection().database()).isEqualTo("shard2");
                })
                .verifyComplete();
        assertThat(h.op("beta", OperationKind.WRITE).block()).as("unplaced tenants use the connection hosts").isEqualTo(PRIMARY);
        assertThat(h.runner.<io.tenantdb.core.spi.Target>mono(PG, OperationKind.READ, "op",
                        t -> h.resolver.resolve(PG, t, OperationKind.READ)).contextWrite(TenantContext.of("own")).block().strategy())
                .as("the directory's strategy for the tenant").isEqualTo(IsolationStrategy.DATABASE_PER_TENANT);
        StepVerifier.create(h.op("lost", OperationKind.WRITE))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("shard 's9'").hasMessageContaining("tenant lost"))
                .verify();
    }
}
