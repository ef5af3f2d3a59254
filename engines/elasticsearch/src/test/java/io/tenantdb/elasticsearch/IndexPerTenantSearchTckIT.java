package io.tenantdb.elasticsearch;

import io.tenantdb.core.IsolationStrategy;

/** The search TCK with {@link IsolationStrategy#SCHEMA_PER_TENANT}. */
class IndexPerTenantSearchTckIT extends AbstractSearchTckIT {

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.SCHEMA_PER_TENANT;
    }

    @Override
    String prefixTemplate() {
        return "ix_{{tenant_id}}_";
    }
}
