package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.spi.TargetResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** A node that refuses connections opens its circuit for its tenants only. */
class CircuitIsolationIT {

    private final String prefix = PgTenancy.unique();
    private final NodeAddress dead = NodeAddress.of("127.0.0.1", PgTenancy.deadPort());
    private final TenantId down1 = TenantId.of("down_one");
    private final TenantId down2 = TenantId.of("down_two");
    private final List<TenantId> healthy = List.of(TenantId.of("ok_a"), TenantId.of("ok_b"), TenantId.of("ok_c"));
    private ResilienceOperator operator;
    private TenantDb db;

    @BeforeEach
    void setUp() {
        operator = ResilienceOperator.builder().engine(DatabaseType.POSTGRESQL, ResilienceConfig.builder()
                .slidingWindowSize(5).maxAttempts(1).waitDurationInOpenState(Duration.ofMinutes(1))
                .timeout(Duration.ofSeconds(10)).build()).build();
        var deadConfig = PgTenancy.config(List.of(dead), IsolationStrategy.SCHEMA_PER_TENANT, prefix, 4);
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgTenancy.config(List.of(PgTenancy.serverNode()), IsolationStrategy.SCHEMA_PER_TENANT, prefix, 8))
                .tenantConfig(down1, deadConfig)
                .tenantConfig(down2, deadConfig)
                .operator(operator)
                .targetResolverFactory(ctx -> operator.guard(TargetResolver.firstHost(ctx)))
                .build();
        for (TenantId t : healthy) {
            db.provision(t).block(PgTenancy.WAIT);
        }
    }

    @AfterEach
    void tearDown() {
        for (TenantId t : healthy) {
            db.deprovision(t).block(PgTenancy.WAIT);
        }
        db.close();
    }

    private Long one(TenantId tenant) {
        return db.sql(DatabaseType.POSTGRESQL).query("SELECT 1 AS one")
                .map(r -> r.get("one", Integer.class).longValue()).single()
                .contextWrite(TenantContext.of(tenant)).block(PgTenancy.WAIT);
    }

    @Test
    void aRefusingNodeOpensItsCircuitWhileTenantsOnTheHealthyServerKeepWorking() {
        for (int i = 0; i < 5; i++) {
            assertThat(catchThrowable(() -> one(down1))).isInstanceOf(EngineUnavailableException.class)
                    .isNotInstanceOf(CircuitOpenException.class);
        }
        assertThat(operator.circuitState(DatabaseType.POSTGRESQL, dead)).isEqualTo("OPEN");

        Throwable refused = catchThrowable(() -> one(down2));
        assertThat(refused).isInstanceOf(CircuitOpenException.class);
        assertThat(refused.getMessage()).contains("tenant=down_two", "engine=postgresql",
                "127.0.0.1:" + dead.port(), "half-opens at");
        assertThat(((CircuitOpenException) refused).isTransient()).isTrue();

        // 300 operations of the healthy tenants, 3 at a time each, interleaved with the failing tenants'
        List<Throwable> errors = Flux.range(0, 300)
                .flatMap(i -> db.sql(DatabaseType.POSTGRESQL).query("SELECT 1 AS one").then()
                        .contextWrite(TenantContext.of(healthy.get(i % 3)))
                        .thenReturn(java.util.Optional.<Throwable>empty())
                        .onErrorResume(e -> reactor.core.publisher.Mono.just(java.util.Optional.of(e))), 9)
                .filter(java.util.Optional::isPresent).map(java.util.Optional::get)
                .collectList().block(PgTenancy.WAIT);
        errors.forEach(e -> e.printStackTrace());
        assertThat(errors).isEmpty();
        assertThat(operator.circuitState(DatabaseType.POSTGRESQL, PgTenancy.serverNode())).isEqualTo("CLOSED");
        assertThat(catchThrowable(() -> one(down1))).isInstanceOf(CircuitOpenException.class);
    }
}
