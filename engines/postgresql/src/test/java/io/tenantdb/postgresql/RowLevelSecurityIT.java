package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.Secret;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * row_level_security: shared tables with {@code tenant_id}, FORCE ROW LEVEL SECURITY, the app
 * connecting as a non-owner role, {@code app.tenant_id} bound per operation.
 */
class RowLevelSecurityIT extends AbstractPostgresTckIT {

    String schema() {
        return run + "_rls";
    }

    String role() {
        return run + "_app";
    }

    @Override
    protected void beforeBuild() {
        createSharedTracks(schema(), role());
    }

    /** Creates the shared schema, the tracks table, its policy and the app role. */
    static void createSharedTracks(String schema, String role) {
        PgIt.exec("CREATE SCHEMA \"" + schema + "\"",
                "CREATE TABLE \"" + schema + "\".tracks (tenant_id text NOT NULL DEFAULT current_setting('app.tenant_id', true), "
                        + "id bigint NOT NULL, name text, plays bigint, PRIMARY KEY (tenant_id, id))");
        PgIt.admin(c -> PostgresRls.createAppRole(c, role, Secret.NONE, schema)
                .then(PostgresRls.enableFor(c, schema + ".tracks", role)).flux());
    }

    static void dropShared(String schema, String role) {
        PgIt.exec("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE", "DROP OWNED BY \"" + role + "\"",
                "DROP ROLE IF EXISTS \"" + role + "\"");
    }

    @Override
    protected void afterClose() {
        dropShared(schema(), role());
    }

    @Override
    protected TenantDb build() {
        return TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.ROW_LEVEL_SECURITY, run, PgIt.pool(10),
                        Map.of("rls_role", role(), "rls_schema", schema())))
                .build();
    }

    @Override
    public Mono<Void> resetTracks(TenantId tenant) {
        return sql().execute("DELETE FROM tracks").then();
    }

    @Test
    void rowsCarryTheirTenantAndTheAppRoleIsNotTheOwner() {
        insertTracks(alpha, 1, 2, "a");
        insertTracks(beta, 1, 1, "b");
        assertThat(PgIt.queryLong("SELECT count(*) FROM \"" + schema() + "\".tracks WHERE tenant_id = 'alpha'")).isEqualTo(2);
        assertThat(PgIt.queryLong("SELECT count(*) FROM \"" + schema() + "\".tracks WHERE tenant_id = 'beta'")).isEqualTo(1);
        assertThat(io.tenantdb.testkit.tck.TckSupport.all(alpha, pg().query("SELECT current_user::text", new Object[0])
                .map(r -> r.get(0, String.class)))).containsExactly(role());
    }

    @Test
    void deprovisionDeletesOnlyThatTenantsRows() {
        insertTracks(alpha, 1, 2, "a");
        insertTracks(beta, 1, 3, "b");
        PgIt.block(db.engine(DatabaseType.POSTGRESQL).deprovision(alpha));
        assertThat(count(alpha)).isZero();
        assertThat(count(beta)).isEqualTo(3);
        Flux.empty().blockLast();
    }
}
