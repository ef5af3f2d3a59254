package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

/**
 * The engine failed the operation for a reason that may pass: a deadlock, a serialization failure, a lost connection, a server shutting down.
 */
public class TransientDataAccessException extends TransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do
     * @param tenant  the tenant, or {@code null}
     * @param engine  the engine, or {@code null}
     * @param cause   the underlying error, or {@code null}
     */
    public TransientDataAccessException(String message, TenantId tenant, DatabaseType engine, Throwable cause) {
        super(message, tenant, engine, cause);
    }

}
