package io.tenantdb.tenancy.move;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.TransientTenantDbException;

import java.time.Duration;

/**
 * A write of a tenant being moved was held by the move's write fence longer than the fence
 * timeout. Transient: retry the write; it goes to wherever the tenant is once the move switched
 * (or back to the source if the move was abandoned).
 */
public final class TenantMovingException extends TransientTenantDbException {

    private static final long serialVersionUID = 1L;

    /**
     * @param tenant  the tenant
     * @param engine  the engine
     * @param waited  how long the write was held
     */
    public TenantMovingException(TenantId tenant, DatabaseType engine, Duration waited) {
        super("the tenant is being moved and its write was held by the move's write fence for " + waited.toMillis()
                + " ms without the move switching: retry the write (it is safe: it was not run); if this persists, "
                + "resume the move with TenantMover.resume(..) or check its state table", tenant, engine, null, false);
    }
}
