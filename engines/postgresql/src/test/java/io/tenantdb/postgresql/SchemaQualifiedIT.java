package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;

import java.util.Map;

/**
 * schema_per_tenant with schema-qualified SQL ({@code {schema}.tracks}): one round trip per
 * statement, no state on the connection.
 */
class SchemaQualifiedIT extends AbstractPostgresTckIT {

    @Override
    protected TenantDb build() {
        return TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, run, PgIt.pool(10),
                        Map.of()))
                .build();
    }

    @Override
    public String tracks() {
        return "{schema}.tracks";
    }
}
