package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;

/**
 * An operation ran without a tenant in its Reactor context. tenantdb fails closed: there is no
 * default tenant.
 */
public class MissingTenantException extends NonTransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /** @param engine the engine the operation was meant for, or {@code null} */
    public MissingTenantException(DatabaseType engine) {
        super("no tenant in the Reactor context" + (engine == null ? "" : " of this " + engine.id() + " operation")
                + ": add .contextWrite(TenantContext.of(\"tenant_id\")) at the end of the pipeline that subscribes,"
                + " after the operators that call tenantdb", null, engine, null);
    }
}
