package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.spi.Engine;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Provisioning 100 tenants per strategy, twice (idempotent), then dropping them, leaves nothing behind. */
class ProvisioningIT {

    private static final int TENANTS = 100;

    private final String run = PgIt.unique();

    private static List<TenantId> tenants() {
        return IntStream.range(0, TENANTS).mapToObj(i -> TenantId.of(String.format("t%03d", i))).collect(Collectors.toList());
    }

    private TenantDb db(IsolationStrategy strategy, Map<String, Object> section) {
        return TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, strategy, run, PgIt.pool(4), section)).build();
    }

    private static void provisionAll(Engine engine, int concurrency) {
        Flux.fromIterable(tenants()).flatMap(engine::provision, concurrency).blockLast(PgIt.WAIT.multipliedBy(4));
    }

    private static void deprovisionAll(Engine engine, int concurrency) {
        Flux.fromIterable(tenants()).flatMap(engine::deprovision, concurrency).blockLast(PgIt.WAIT.multipliedBy(4));
    }

    @Test
    void schemas() {
        TenantDb db = db(IsolationStrategy.SCHEMA_PER_TENANT,
                Map.of("tenant_ddl", List.of("CREATE TABLE IF NOT EXISTS {schema}.tracks (id bigint PRIMARY KEY)")));
        try {
            Engine engine = db.engine(DatabaseType.POSTGRESQL);
            provisionAll(engine, 8);
            provisionAll(engine, 8);
            assertThat(PgIt.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1", run + "\\_t%"))
                    .isEqualTo(TENANTS);
            assertThat(PgIt.queryLong("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    + "WHERE n.nspname LIKE $1 AND c.relname = 'tracks'", run + "\\_t%")).isEqualTo(TENANTS);
            deprovisionAll(engine, 8);
            deprovisionAll(engine, 8);
            assertThat(PgIt.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1", run + "%")).isZero();
        } finally {
            PgIt.block(db.closeAsync());
        }
    }

    @Test
    void databases() {
        TenantDb db = db(IsolationStrategy.DATABASE_PER_TENANT, Map.of());
        try {
            Engine engine = db.engine(DatabaseType.POSTGRESQL);
            provisionAll(engine, 2);
            provisionAll(engine, 2);
            assertThat(PgIt.queryLong("SELECT count(*) FROM pg_database WHERE datname LIKE $1", run + "\\_t%"))
                    .isEqualTo(TENANTS);
            // a tenant's own database answers, through its own pool
            assertThat(db.sql(DatabaseType.POSTGRESQL).query("SELECT current_database()")
                    .map(r -> r.get(0, String.class)).contextWrite(TenantContext.of("t042")).blockFirst(PgIt.WAIT))
                    .isEqualTo(run + "_t042");
            deprovisionAll(engine, 2);
            deprovisionAll(engine, 2);
            assertThat(PgIt.queryLong("SELECT count(*) FROM pg_database WHERE datname LIKE $1", run + "%")).isZero();
        } finally {
            PgIt.block(db.closeAsync());
            PgIt.exec(tenants().stream().map(t -> "DROP DATABASE IF EXISTS \"" + run + "_" + t + "\" WITH (FORCE)")
                    .toArray(String[]::new));
        }
    }

    @Test
    void rowLevelSecurity() {
        String schema = run + "_rls";
        String role = run + "_app";
        RowLevelSecurityIT.createSharedTracks(schema, role);
        TenantDb db = db(IsolationStrategy.ROW_LEVEL_SECURITY, Map.of("rls_role", role, "rls_schema", schema));
        try {
            Engine engine = db.engine(DatabaseType.POSTGRESQL);
            provisionAll(engine, 8);
            provisionAll(engine, 8);
            Flux.fromIterable(tenants()).flatMap(t -> db.sql(DatabaseType.POSTGRESQL)
                    .execute("INSERT INTO tracks (id, name, plays) VALUES (1, $1, 0)", t.value())
                    .contextWrite(TenantContext.of(t)), 8).blockLast(PgIt.WAIT);
            assertThat(PgIt.queryLong("SELECT count(DISTINCT tenant_id) FROM \"" + schema + "\".tracks")).isEqualTo(TENANTS);
            long policies = PgIt.queryLong("SELECT count(*) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1", schema);
            deprovisionAll(engine, 8);
            deprovisionAll(engine, 8);
            assertThat(PgIt.queryLong("SELECT count(*) FROM \"" + schema + "\".tracks")).isZero();
            // the shared policy is the only one, before and after: nothing per tenant is left
            assertThat(policies).isEqualTo(1);
            assertThat(PgIt.queryLong("SELECT count(*) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1", schema)).isEqualTo(1);
        } finally {
            PgIt.block(db.closeAsync());
            RowLevelSecurityIT.dropShared(schema, role);
        }
    }
}
