package io.tenantdb.benchmarks.cases;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.tenantdb.benchmarks.BenchCase;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Side;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.internal.DefaultEngineContext;
import io.tenantdb.core.session.KeyValueSession;
import io.tenantdb.core.spi.OperationRunner;
import io.tenantdb.core.spi.TargetResolver;
import io.tenantdb.tenancy.ResilienceOperator;
import io.tenantdb.testkit.ServerEndpoint;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Micro cases on the no-I/O engine ({@link NoIoEngineProvider}), single thread, synchronous completion:
 * <ul>
 *   <li>{@code operators_overhead}: a session {@code get} with every operator that has landed ÷ the same
 *       without operators; the table adds the nanoseconds and bytes added per operation. The operators are
 *       {@link Common#operators()}: observability's {@code MetricsOperator} (on a {@code SimpleMeterRegistry})
 *       and the tenancy module's {@code ResilienceOperator} (bulkhead, rate limiter, retry, timeout; no node
 *       breaker here: this engine resolves no target through the guarded resolver). The operation completes
 *       while being subscribed, so the resilience timeout never arms its timer (an I/O operation arms one per
 *       attempt, on {@code Schedulers.parallel()}).</li>
 *   <li>{@code operators_overhead_breaker}: the same with the resilience operator guarding the engine's resolver,
 *       so each operation also takes and reports to its node's circuit breaker (the attempt goes into the
 *       Reactor context for the resolver) — what every I/O case pays.</li>
 *   <li>{@code core_overhead}: the session {@code get} without operators (tenant from the context, operator
 *       runner, target resolution) ÷ the same acquire/use/release body called directly.</li>
 * </ul>
 */
final class OperatorsCases implements BenchCase {

    @Override
    public List<String> ids() {
        return List.of("operators_overhead", "operators_overhead_breaker", "core_overhead");
    }

    @Override
    public void run(Bench bench) {
        TenantId tenant = TenantId.of("bench_a");
        Function<Context, Context> ctx = TenantContext.of(tenant);
        ServerEndpoint nowhere = new ServerEndpoint("none", "127.0.0.1", 1, null, null, null, "no I/O");
        DatabaseConfig config = Common.config(DatabaseType.REDIS, nowhere, null, IsolationStrategy.SCHEMA_PER_TENANT);
        NoIoEngineProvider provider = new NoIoEngineProvider();
        KeyValueSession bare = provider.create(new DefaultEngineContext(DatabaseType.REDIS, config, Map.of(), (TargetResolver) null,
                OperationRunner.none())).session(KeyValueSession.class);
        Object connection = new Object();
        bench.compareMicro("core_overhead",
                Side.of("session get, no operators", () -> bare.get("k").contextWrite(ctx)),
                Side.of("the same usingWhen body, direct", () -> Mono.usingWhen(Mono.just(connection),
                        c -> Mono.just(tenant.value()), c -> Mono.empty()).contextWrite(ctx)));
        List<OperationOperator> operators = Common.operators();
        KeyValueSession decorated = provider.create(new DefaultEngineContext(DatabaseType.REDIS, config, Map.of(), (TargetResolver) null,
                OperationRunner.of(operators))).session(KeyValueSession.class);
        bench.compareMicro("operators_overhead",
                Side.of("session get with " + Common.operatorNames(), () -> decorated.get("k").contextWrite(ctx)),
                Side.of("session get, no operators", () -> bare.get("k").contextWrite(ctx)));
        List<OperationOperator> guardedOperators = Common.operators();
        ResilienceOperator resilience = guardedOperators.stream().filter(ResilienceOperator.class::isInstance)
                .map(ResilienceOperator.class::cast).findFirst().orElseThrow();
        KeyValueSession guarded = provider.create(new DefaultEngineContext(DatabaseType.REDIS, config, Map.of(),
                c -> resilience.guard(TargetResolver.firstHost(c)), OperationRunner.of(guardedOperators)))
                .session(KeyValueSession.class);
        bench.compareMicro("operators_overhead_breaker",
                Side.of("session get with " + Common.operatorNames() + ", node breaker through the guarded resolver",
                        () -> guarded.get("k").contextWrite(ctx)),
                Side.of("session get, no operators", () -> bare.get("k").contextWrite(ctx)));
    }
}
