package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

/**
 * A statement or request the engine refused and will refuse again: bad syntax, unknown table, wrong type, permission denied. See {@link DataIntegrityException} for constraint violations.
 */
public class DataAccessException extends NonTransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do
     * @param tenant  the tenant, or {@code null}
     * @param engine  the engine, or {@code null}
     * @param cause   the underlying error, or {@code null}
     */
    public DataAccessException(String message, TenantId tenant, DatabaseType engine, Throwable cause) {
        super(message, tenant, engine, cause);
    }

}
