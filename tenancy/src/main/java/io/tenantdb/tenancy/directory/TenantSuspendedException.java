package io.tenantdb.tenancy.directory;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.NonTransientTenantDbException;

/** The tenant is suspended or erased in the directory: its operations are refused. */
public final class TenantSuspendedException extends NonTransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /**
     * @param tenant the tenant
     * @param engine the engine
     * @param status its status
     */
    public TenantSuspendedException(TenantId tenant, DatabaseType engine, TenantStatus status) {
        super("the tenant is " + status.id() + " in the tenant directory: its operations are refused"
                + (status == TenantStatus.SUSPENDED ? "; reactivate it (status active) to serve it again"
                : "; it was offboarded, onboard it again to use it"), tenant, engine, null);
    }
}
