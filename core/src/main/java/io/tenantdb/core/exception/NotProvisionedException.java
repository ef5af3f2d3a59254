package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

/**
 * The tenant has no database, schema, collection or index on this engine yet: provision it first ({@code TenantDb.provision}).
 */
public class NotProvisionedException extends NonTransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do
     * @param tenant  the tenant, or {@code null}
     * @param engine  the engine, or {@code null}
     * @param cause   the underlying error, or {@code null}
     */
    public NotProvisionedException(String message, TenantId tenant, DatabaseType engine, Throwable cause) {
        super(message, tenant, engine, cause);
    }

}
