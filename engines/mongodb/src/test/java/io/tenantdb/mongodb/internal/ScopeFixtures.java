package io.tenantdb.mongodb.internal;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;

/** Tenant scopes without a server, for rewriting and validation tests. */
final class ScopeFixtures {

    private ScopeFixtures() {
    }

    static TenantScope scope(IsolationStrategy strategy, String tenant, boolean allowJs) {
        String prefix = strategy == IsolationStrategy.SCHEMA_PER_TENANT ? "tenant_" + tenant + "-" : "";
        String database = strategy == IsolationStrategy.DATABASE_PER_TENANT ? "tenant_" + tenant : "shared";
        return new TenantScope(TenantId.of(tenant), strategy, null, database, prefix,
                new MongoSettings(allowJs, "tenantId", 500, false, false), new NameRegistry(), "test:1");
    }

    static TenantScope rowLevel(String tenant) {
        return scope(IsolationStrategy.ROW_LEVEL_SECURITY, tenant, false);
    }
}
