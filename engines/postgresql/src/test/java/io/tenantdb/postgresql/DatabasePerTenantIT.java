package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.exception.NotProvisionedException;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.util.Map;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static org.assertj.core.api.Assertions.assertThat;

/** database_per_tenant: each tenant has its own database and its own pool. */
class DatabasePerTenantIT extends AbstractPostgresTckIT {

    @Override
    protected TenantDb build() {
        return TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.DATABASE_PER_TENANT, run, PgIt.pool(10),
                        Map.of()))
                .build();
    }

    @Test
    void eachTenantHasItsOwnDatabase() {
        assertThat(PgIt.queryLong("SELECT count(*) FROM pg_database WHERE datname IN ($1, $2)",
                run + "_alpha", run + "_beta")).isEqualTo(2);
        assertThat(io.tenantdb.testkit.tck.TckSupport.all(alpha, pg().query("SELECT current_database()",
                new Object[0]).map(r -> r.get(0, String.class)))).containsExactly(run + "_alpha");
    }

    @Test
    void unprovisionedTenantGetsNotProvisioned() {
        StepVerifier.create(pg().query("SELECT 1").contextWrite(TenantContext.of("gamma")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NotProvisionedException.class)
                        .hasMessageContaining("gamma"))
                .verify(STEP);
    }
}
