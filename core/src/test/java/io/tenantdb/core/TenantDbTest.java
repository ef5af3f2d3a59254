package io.tenantdb.core;

import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.MissingTenantException;
import io.tenantdb.core.session.KeyValueSession;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.testengine.InMemoryEngineProvider;
import io.tenantdb.core.testengine.InMemoryEngineProvider.InMemoryEngine;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantDbTest {

    private static final TenantId A = TenantId.of("spotify_free");
    private static final TenantId B = TenantId.of("spotify_premium");

    private static DatabaseConfig redisConfig() {
        return DatabaseConfig.builder(DatabaseType.REDIS)
                .connection(new ConnectionConfig(List.of(NodeAddress.of("127.0.0.1", 6379)), null, null,
                        Secret.literal("hunter2"), TlsConfig.DISABLED, Duration.ofSeconds(1), Map.of()))
                .build();
    }

    private static TenantDb build(OperationOperator... operators) {
        TenantDb.Builder b = TenantDb.builder().engineConfig(redisConfig());
        for (OperationOperator op : operators) {
            b.operator(op);
        }
        return b.build();
    }

    @Test
    void findsTheEngineByServiceLoaderAndServesEachTenantItsOwnData() {
        try (TenantDb db = build()) {
            db.provision(A).then(db.provision(B)).block();
            KeyValueSession kv = db.keyValue(DatabaseType.REDIS);
            kv.set("song", "so what").contextWrite(TenantContext.of(A)).block();
            kv.set("song", "naima").contextWrite(TenantContext.of(B)).block();
            assertThat(kv.get("song").contextWrite(TenantContext.of(A)).block()).isEqualTo("so what");
            assertThat(kv.get("song").contextWrite(TenantContext.of(B)).block()).isEqualTo("naima");
        }
    }

    @Test
    void oneSessionServesTenantsConcurrentlyResolvedAtSubscription() {
        try (TenantDb db = build()) {
            db.provision(A).then(db.provision(B)).block();
            KeyValueSession kv = db.keyValue(DatabaseType.REDIS);
            Mono<String> read = kv.get("k");
            kv.set("k", "a").contextWrite(TenantContext.of(A)).block();
            kv.set("k", "b").contextWrite(TenantContext.of(B)).block();
            List<String> seen = Flux.range(0, 200)
                    .flatMap(i -> read.map(v -> (i % 2 == 0 ? "a" : "b") + "=" + v)
                            .subscribeOn(Schedulers.parallel())
                            .contextWrite(TenantContext.of(i % 2 == 0 ? A : B)), 16)
                    .collectList().block();
            assertThat(seen).hasSize(200).allMatch(s -> s.equals("a=a") || s.equals("b=b"));
        }
    }

    @Test
    void anOperationWithoutTenantFailsClosed() {
        try (TenantDb db = build()) {
            StepVerifier.create(db.keyValue(DatabaseType.REDIS).get("k"))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(MissingTenantException.class)
                            .hasMessageContaining("contextWrite(TenantContext.of"))
                    .verify(Duration.ofSeconds(5));
        }
    }

    @Test
    void operatorsSeeEveryOperationOutermostFirst() {
        List<String> calls = new CopyOnWriteArrayList<>();
        OperationOperator inner = recording("inner", 300, calls);
        OperationOperator outer = recording("outer", 100, calls);
        try (TenantDb db = build(inner, outer)) {
            db.provision(A).block();
            db.keyValue(DatabaseType.REDIS).set("k", "v").contextWrite(TenantContext.of(A)).block();
        }
        assertThat(calls).containsExactly("outer:spotify_free:WRITE:set", "inner:spotify_free:WRITE:set");
    }

    @Test
    void anEngineAskedForButNotConfiguredIsAClearError() {
        assertThatThrownBy(() -> TenantDb.builder().engines(DatabaseType.MONGODB).build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mongodb")
                .hasMessageContaining("mongodb.yml");
        try (TenantDb db = build()) {
            assertThatThrownBy(() -> db.sql(DatabaseType.POSTGRESQL))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("postgresql is not configured");
        }
    }

    @Test
    void healthAndCloseReachEveryEngine() {
        TenantDb db = build();
        InMemoryEngine engine = InMemoryEngineProvider.CREATED.get(InMemoryEngineProvider.CREATED.size() - 1);
        assertThat(db.health().collectList().block()).extracting(Health::status).containsExactly(Health.Status.UP);
        db.closeAsync().block();
        assertThat(engine.closed).isTrue();
        db.closeAsync().block();
    }

    @Test
    void deprovisionRemovesTheTenant() {
        try (TenantDb db = build()) {
            InMemoryEngine engine = InMemoryEngineProvider.CREATED.get(InMemoryEngineProvider.CREATED.size() - 1);
            db.provision(A).block();
            assertThat(engine.provisioned(A)).isTrue();
            db.deprovision(A).block();
            assertThat(engine.provisioned(A)).isFalse();
        }
    }

    @Test
    void configToStringNeverShowsTheSecret() {
        assertThat(redisConfig().toString()).doesNotContain("hunter2").contains("****");
    }

    private static OperationOperator recording(String name, int order, List<String> calls) {
        return new OperationOperator() {
            @Override
            public int order() {
                return order;
            }

            @Override
            public <T> Flux<T> apply(OperationInfo op, Flux<T> source) {
                return Flux.defer(() -> {
                    calls.add(name + ":" + op.tenant() + ":" + op.kind() + ":" + op.name());
                    return source;
                });
            }

            @Override
            public <T> Mono<T> apply(OperationInfo op, Mono<T> source) {
                return Mono.defer(() -> {
                    calls.add(name + ":" + op.tenant() + ":" + op.kind() + ":" + op.name());
                    return source;
                });
            }
        };
    }
}
