package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

/**
 * The engine, its server version or the tenant's isolation strategy does not offer the operation asked for.
 */
public class UnsupportedFeatureException extends NonTransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do
     * @param tenant  the tenant, or {@code null}
     * @param engine  the engine, or {@code null}
     * @param cause   the underlying error, or {@code null}
     */
    public UnsupportedFeatureException(String message, TenantId tenant, DatabaseType engine, Throwable cause) {
        super(message, tenant, engine, cause);
    }

}
