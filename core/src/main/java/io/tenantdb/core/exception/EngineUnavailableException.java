package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

/**
 * No healthy node can serve the operation now: the server is down or unreachable, no primary is known, or the circuit is open.
 */
public class EngineUnavailableException extends TransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do
     * @param tenant  the tenant, or {@code null}
     * @param engine  the engine, or {@code null}
     * @param cause   the underlying error, or {@code null}
     */
    public EngineUnavailableException(String message, TenantId tenant, DatabaseType engine, Throwable cause) {
        super(message, tenant, engine, cause);
    }

}
