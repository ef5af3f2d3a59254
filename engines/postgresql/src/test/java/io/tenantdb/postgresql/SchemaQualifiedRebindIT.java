package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.postgresql.internal.PoolProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Map;

import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * schema_per_tenant on one pooled connection that serves unqualified SQL (bound through
 * {@code search_path}) and {@code {schema}}-qualified SQL: a {@code {schema}} statement that finds
 * the connection bound to another tenant resets it to neutral once, and the {@code {schema}}
 * statements of every tenant after it then run with no binding round trip, never seeing another
 * tenant's search_path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaQualifiedRebindIT {

    private final String run = PgIt.unique();
    private final List<TenantId> tenants = List.of(TenantId.of("q_a"), TenantId.of("q_b"), TenantId.of("q_c"));
    private TenantDb db;

    @BeforeAll
    void start() {
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, run, PgIt.pool(1),
                        Map.of()))
                .build();
        Flux.fromIterable(tenants).concatMap(db::provision).blockLast(PgIt.WAIT);
        for (TenantId t : tenants) {
            as(t, sql().execute("CREATE TABLE tracks (id bigint PRIMARY KEY, name text NOT NULL)"));
            as(t, sql().execute("INSERT INTO tracks VALUES (1, $1)", t.value()));
        }
    }

    @AfterAll
    void stop() {
        Flux.fromIterable(tenants).concatMap(db::deprovision).blockLast(PgIt.WAIT);
        PgIt.block(db.closeAsync());
    }

    private SqlSession sql() {
        return db.sql(DatabaseType.POSTGRESQL);
    }

    private long bindings() {
        return PoolProbe.bindings(db.engine(DatabaseType.POSTGRESQL)).values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void aForeignBindingIsResetOnceThenEveryTenantsSchemaStatementsRunWithoutBinding() {
        TenantId a = tenants.get(0);
        // unqualified SQL binds the only connection to a's search_path
        String aPath = as(a, sql().query("SELECT name, current_setting('search_path') FROM tracks")
                .map(r -> r.get(0, String.class) + "|" + r.get(1, String.class)).single());
        assertThat(aPath).startsWith("q_a|").contains(run);
        aPath = aPath.substring("q_a|".length());
        long before = bindings();
        for (int round = 0; round < 3; round++) {
            for (TenantId t : tenants) {
                List<String> seen = as(t, sql().query("SELECT name, current_setting('search_path') FROM {schema}.tracks")
                        .map(r -> r.get(0, String.class) + "|" + r.get(1, String.class)).collectList());
                assertThat(seen).hasSize(1);
                assertThat(seen.get(0)).startsWith(t.value() + "|");
                if (!t.equals(a)) {
                    // the connection does not carry a's search_path into another tenant's statement
                    assertThat(seen.get(0)).doesNotContain(aPath);
                }
            }
        }
        // a's own statement ran on its binding; b's found it foreign and reset it (one round trip);
        // the other seven {schema} statements of three tenants needed none
        assertThat(bindings() - before).isEqualTo(1);
        // a's next unqualified statement binds again and still sees only a's row
        assertThat(as(a, sql().query("SELECT name FROM tracks").map(r -> r.get(0, String.class)).collectList()))
                .containsExactly("q_a");
        assertThat(bindings() - before).isEqualTo(2);
    }
}
