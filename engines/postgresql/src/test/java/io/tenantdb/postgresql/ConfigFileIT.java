package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.tenantdb.testkit.tck.TckSupport.all;
import static org.assertj.core.api.Assertions.assertThat;

/** The engine configured from YAML files through the ConfigLoader, with its postgresql section. */
class ConfigFileIT {

    private final String run = PgIt.unique();

    @Test
    void postgresqlYamlWithAnOwnDatabaseTenantFileWorksEndToEnd(@TempDir Path dir) throws IOException {
        String base = "connection:\n"
                + "  hosts:\n    - host: " + PgIt.server().host() + "\n      port: " + PgIt.server().port() + "\n"
                + "  database: " + PgIt.server().database() + "\n"
                + "  user: " + PgIt.server().user() + "\n"
                + "pool:\n  initial_size: 1\n  max_size: 4\n  acquire_timeout: 10s\n  validation_query: SELECT 1\n"
                + "tenant_isolation:\n  strategy: schema_per_tenant\n  prefix: \"" + run + "_{{tenant_id}}_\"\n"
                + "postgresql:\n  application_name: tenantdb_it\n  statement_timeout: 5s\n  ssl_mode: disable\n"
                + "  fetch_size: 100\n  max_pools: 8\n  tenant_ddl:\n"
                + "    - CREATE TABLE IF NOT EXISTS {schema}.tracks (id bigint PRIMARY KEY, name text)\n";
        Files.writeString(dir.resolve("postgresql.yml"), base);
        Files.createDirectories(dir.resolve("tenants/premium"));
        Files.writeString(dir.resolve("tenants/premium/postgresql.yml"),
                "tenant_isolation:\n  strategy: database_per_tenant\n");
        TenantDb db = TenantDb.builder().configDirectory(dir).environmentVariables(Map.of()).engines(DatabaseType.POSTGRESQL)
                .build();
        List<TenantId> tenants = List.of(TenantId.of("free"), TenantId.of("premium"));
        try {
            for (TenantId t : tenants) {
                PgIt.block(db.provision(t));
                PgIt.block(db.sql(DatabaseType.POSTGRESQL).execute("INSERT INTO {schema}.tracks VALUES (1, $1)", t.value())
                        .contextWrite(TenantContext.of(t)));
            }
            assertThat(all(TenantId.of("premium"), db.sql(DatabaseType.POSTGRESQL).query(
                    "SELECT current_database() || ':' || name || ':' || current_setting('application_name') || ':' "
                            + "|| current_setting('statement_timeout') FROM tracks").map(r -> r.get(0, String.class))))
                    .containsExactly(run + "_premium:premium:tenantdb_it:5s");
            assertThat(all(TenantId.of("free"), db.sql(DatabaseType.POSTGRESQL).query("SELECT name FROM tracks")
                    .map(r -> r.get(0, String.class)))).containsExactly("free");
        } finally {
            for (TenantId t : tenants) {
                PgIt.block(db.deprovision(t));
            }
            PgIt.block(db.closeAsync());
        }
    }
}
