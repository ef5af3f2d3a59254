package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.spi.OperationRunner;
import io.tenantdb.core.spi.Target;
import io.tenantdb.core.spi.TargetResolver;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A no-I/O stand-in for an engine: operations go through the operator chain exactly as an engine's
 * do (runner → resolver → node), and each node's behaviour is a function the test sets.
 */
final class FakeNodes {

    static final DatabaseType ENGINE = DatabaseType.POSTGRESQL;

    final Map<TenantId, NodeAddress> placement = new ConcurrentHashMap<>();
    final Map<NodeAddress, Function<TenantId, Mono<String>>> behaviour = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();
    final OperationRunner runner;
    final TargetResolver resolver;

    FakeNodes(ResilienceOperator operator) {
        this.runner = OperationRunner.of(List.of(operator));
        TargetResolver base = (engine, tenant, kind) -> Mono.just(new Target(engine, tenant, kind,
                IsolationStrategy.SCHEMA_PER_TENANT, placement.get(tenant), config(placement.get(tenant))));
        this.resolver = operator.guard(base);
    }

    static DatabaseConfig config(NodeAddress node) {
        return DatabaseConfig.builder(ENGINE)
                .connection(new ConnectionConfig(List.of(node), "db", "u", Secret.NONE, TlsConfig.DISABLED,
                        Duration.ofSeconds(1), Map.of()))
                .isolation(new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT, "tenant_{{tenant_id}}_", "none"))
                .build();
    }

    Mono<String> mono(String tenant, OperationKind kind) {
        return runner.<String>mono(ENGINE, kind, "op", t -> resolver.resolve(ENGINE, t, kind)
                        .flatMap(target -> {
                            calls.incrementAndGet();
                            return behaviour.get(target.node()).apply(t);
                        }))
                .contextWrite(TenantContext.of(tenant));
    }

    Flux<String> flux(String tenant, OperationKind kind, Function<TenantId, Flux<String>> rows) {
        return runner.<String>flux(ENGINE, kind, "op", t -> resolver.resolve(ENGINE, t, kind)
                        .flatMapMany(target -> {
                            calls.incrementAndGet();
                            return rows.apply(t);
                        }))
                .contextWrite(TenantContext.of(tenant));
    }
}
