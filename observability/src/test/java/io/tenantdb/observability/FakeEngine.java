package io.tenantdb.observability;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.Session;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.spi.PoolMetricsSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** An engine with no I/O whose health and pool figures a test sets. */
final class FakeEngine implements Engine, PoolMetricsSource {

    private final DatabaseType type;
    volatile Supplier<Flux<Health>> health;
    volatile List<PoolStats> pools = List.of();

    FakeEngine(DatabaseType type, Health.Status... nodes) {
        this.type = type;
        setNodes(nodes);
    }

    void setNodes(Health.Status... nodes) {
        List<Health> list = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            list.add(new Health(type, "10.0.0." + (i + 1) + ":1", nodes[i], Duration.ofMillis(2),
                    nodes[i] == Health.Status.UP ? "ok" : "connection refused"));
        }
        this.health = () -> Flux.fromIterable(list);
    }

    @Override
    public DatabaseType type() {
        return type;
    }

    @Override
    public Set<IsolationStrategy> supportedStrategies() {
        return Set.of(IsolationStrategy.SCHEMA_PER_TENANT);
    }

    @Override
    public <S extends Session> S session(Class<S> family) {
        throw new UnsupportedFeatureException("no sessions in the fake engine", null, type, null);
    }

    @Override
    public Mono<Void> provision(TenantId tenant) {
        return Mono.empty();
    }

    @Override
    public Mono<Void> deprovision(TenantId tenant) {
        return Mono.empty();
    }

    @Override
    public Flux<Health> health() {
        return health.get();
    }

    @Override
    public Mono<Void> closeAsync() {
        return Mono.empty();
    }

    @Override
    public List<PoolStats> poolStats() {
        return pools;
    }
}
