package io.tenantdb.elasticsearch;

import io.tenantdb.core.IsolationStrategy;

/** The search TCK with {@link IsolationStrategy#ROW_LEVEL_SECURITY}: a shared index, a filtered alias per tenant. */
class SharedIndexSearchTckIT extends AbstractSearchTckIT {

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.ROW_LEVEL_SECURITY;
    }

    @Override
    String prefixTemplate() {
        return "sh_{{tenant_id}}_";
    }
}
