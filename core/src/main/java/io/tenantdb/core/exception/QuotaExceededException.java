package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

/**
 * The tenant used up its share: its bulkhead is full or its rate limit is reached. Raised on the
 * hot path, so it carries no stack trace.
 */
public class QuotaExceededException extends TransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what was exceeded and how to raise it
     * @param tenant  the tenant
     * @param engine  the engine, or {@code null}
     */
    public QuotaExceededException(String message, TenantId tenant, DatabaseType engine) {
        super(message, tenant, engine, null, false);
    }
}
