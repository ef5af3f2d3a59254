package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

/**
 * An error that will happen again if the same operation is tried again unchanged: bad input, bad
 * configuration, a violated constraint, a refused isolation breach.
 */
public abstract class NonTransientTenantDbException extends TenantDbException {

    private static final long serialVersionUID = 1L;

    protected NonTransientTenantDbException(String message, TenantId tenant, DatabaseType engine, Throwable cause) {
        super(message, tenant, engine, cause);
    }

    @Override
    public final boolean isTransient() {
        return false;
    }
}
