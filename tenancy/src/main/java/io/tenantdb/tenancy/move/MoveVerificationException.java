package io.tenantdb.tenancy.move;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataIntegrityException;

/**
 * Counts or checksums of a moved table differ between source and target after the final drain.
 * The move did not switch: the tenant stays where it was and is served as before; the target was
 * removed and the move rewound to its first step.
 */
public final class MoveVerificationException extends DataIntegrityException {

    private static final long serialVersionUID = 1L;

    /**
     * @param tenant the tenant
     * @param engine the engine
     * @param detail which table differs and how
     */
    public MoveVerificationException(TenantId tenant, DatabaseType engine, String detail) {
        super("moving the tenant did not switch: " + detail + "; the tenant stays on its source, the target was removed and "
                + "the move starts again from its first step when resumed (look for writes bypassing tenantdb, "
                + "e.g. TRUNCATE or session_replication_role = replica, on the source)", tenant, engine, null);
    }
}
