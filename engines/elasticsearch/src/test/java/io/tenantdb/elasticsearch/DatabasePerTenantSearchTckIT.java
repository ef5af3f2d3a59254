package io.tenantdb.elasticsearch;

import io.tenantdb.core.IsolationStrategy;

/** The search TCK with {@link IsolationStrategy#DATABASE_PER_TENANT}. */
class DatabasePerTenantSearchTckIT extends AbstractSearchTckIT {

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.DATABASE_PER_TENANT;
    }

    @Override
    String prefixTemplate() {
        return "db_{{tenant_id}}_";
    }
}
