package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

/**
 * An error that may go away when the same operation is tried again: a lost connection, a deadlock,
 * an open circuit, an exhausted quota, a timeout.
 */
public abstract class TransientTenantDbException extends TenantDbException {

    private static final long serialVersionUID = 1L;

    protected TransientTenantDbException(String message, TenantId tenant, DatabaseType engine, Throwable cause) {
        super(message, tenant, engine, cause);
    }

    protected TransientTenantDbException(String message, TenantId tenant, DatabaseType engine, Throwable cause,
                                         boolean writableStackTrace) {
        super(message, tenant, engine, cause, writableStackTrace);
    }

    @Override
    public final boolean isTransient() {
        return true;
    }
}
