package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.TenantContext;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.util.Map;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * schema_per_tenant with unqualified SQL: the tenant is bound through {@code search_path} for
 * each operation.
 */
class SchemaPerTenantIT extends AbstractPostgresTckIT {

    @Override
    protected TenantDb build() {
        return TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, run, PgIt.pool(10),
                        Map.of()))
                .build();
    }

    @Test
    void onOneConnectionTheSamePreparedStatementFollowsTheBoundSchema() {
        TenantDb one = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, run, PgIt.pool(1),
                        Map.of()))
                .build();
        try {
            insertTracks(alpha, 1, 1, "a");
            insertTracks(beta, 1, 1, "b");
            for (int i = 0; i < 20; i++) {
                io.tenantdb.core.TenantId t = i % 2 == 0 ? alpha : beta;
                java.util.List<String> names = io.tenantdb.testkit.tck.TckSupport.all(t, one.sql(DatabaseType.POSTGRESQL)
                        .query(io.tenantdb.core.session.Statement.of("SELECT name FROM tracks WHERE id = $1", 1),
                                r -> r.get(0, String.class)));
                assertThat(names).containsExactly(t == alpha ? "a1" : "b1");
            }
        } finally {
            PgIt.block(one.closeAsync());
        }
    }

    @Test
    void aSchemaQualifiedStatementNeverRunsUnderAnotherTenantsSearchPath() {
        TenantDb one = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, run, PgIt.pool(1),
                        Map.of()))
                .build();
        try {
            insertTracks(alpha, 1, 1, "a");
            insertTracks(beta, 1, 1, "b");
            for (int i = 0; i < 10; i++) {
                io.tenantdb.core.TenantId t = i % 2 == 0 ? alpha : beta;
                io.tenantdb.core.TenantId other = t == alpha ? beta : alpha;
                // unqualified: binds the one connection's search_path to the other tenant
                io.tenantdb.testkit.tck.TckSupport.all(other, one.sql(DatabaseType.POSTGRESQL).query("SELECT name FROM tracks"));
                // {schema}-qualified, with an unqualified name in it: never resolves to the other tenant's schema
                java.util.List<String> seen = io.tenantdb.testkit.tck.TckSupport.all(t, one.sql(DatabaseType.POSTGRESQL)
                        .query(io.tenantdb.core.session.Statement.of(
                                "SELECT coalesce(current_schema(), '')::text FROM {schema}.tracks LIMIT 1"),
                                r -> r.get(0, String.class)));
                assertThat(seen).hasSize(1);
                assertThat(seen.get(0)).doesNotContain(other.value());
            }
        } finally {
            PgIt.block(one.closeAsync());
        }
    }

    @Test
    void eachTenantHasItsOwnSchema() {
        assertThat(PgIt.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname IN ($1, $2)",
                run + "_alpha", run + "_beta")).isEqualTo(2);
    }

    @Test
    void unprovisionedTenantGetsNotProvisioned() {
        StepVerifier.create(pg().query("SELECT 1 FROM tracks").contextWrite(TenantContext.of("gamma")))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NotProvisionedException.class)
                        .hasMessageContaining("gamma").hasMessageContaining(run + "_gamma"))
                .verify(STEP);
        StepVerifier.create(pg().query("SELECT 1 FROM {schema}.tracks").contextWrite(TenantContext.of("gamma")))
                .expectError(NotProvisionedException.class)
                .verify(STEP);
    }
}
