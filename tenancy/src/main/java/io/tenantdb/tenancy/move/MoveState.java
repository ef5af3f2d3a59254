package io.tenantdb.tenancy.move;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

import java.util.Objects;

/**
 * A move as persisted: what moves where and the next step to run.
 *
 * @param id             the move's id ({@code [a-z0-9_]}, used in object names on the source)
 * @param tenant         the tenant
 * @param engine         the engine
 * @param from           where its data was when the move was planned
 * @param to             where it goes
 * @param step           the next step to run
 * @param fenceStartedAt when the write fence began (epoch millis), 0 before
 * @param fenceMillis    how long writes were fenced (from marking the tenant moving to the switch), -1 before
 */
public record MoveState(String id, TenantId tenant, DatabaseType engine, Placement from, Placement to, MoveStep step,
                        long fenceStartedAt, long fenceMillis) {

    /** Checks nothing is null. */
    public MoveState {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(step, "step");
    }

    /** @param s the next step @return a copy at it */
    public MoveState at(MoveStep s) {
        return new MoveState(id, tenant, engine, from, to, s, fenceStartedAt, fenceMillis);
    }

    /** @param startedAt epoch millis @return a copy with the fence start */
    public MoveState fenceStarted(long startedAt) {
        return new MoveState(id, tenant, engine, from, to, step, startedAt, fenceMillis);
    }

    /** @param millis the fence's duration @return a copy with it */
    public MoveState fenceEnded(long millis) {
        return new MoveState(id, tenant, engine, from, to, step, fenceStartedAt, millis);
    }

    /** @return whether the move finished */
    public boolean done() {
        return step == MoveStep.DONE;
    }
}
