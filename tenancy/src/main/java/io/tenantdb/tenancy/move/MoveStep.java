package io.tenantdb.tenancy.move;

import java.util.Locale;

/**
 * The steps of a tenant move, in order. A move's state records the next step to run; each step
 * is idempotent, so a move that crashed anywhere resumes by running its recorded step again.
 */
public enum MoveStep {
    /** Create the tenant at the target (Engine SPI provisioning) and check the tables match. */
    PROVISION,
    /** Start capturing the tenant's changes on the source: triggers writing a sequenced log. */
    CAPTURE,
    /** Copy the tenant's rows, table by table, in key order, in batches (checkpointed). */
    COPY,
    /** Replay the log on the target, in order, until little is left. */
    CATCH_UP,
    /** Mark the tenant moving (writes held), fence the source, drain the rest of the log. */
    FENCE,
    /** Verify counts and checksums, then switch placement and strategy in the directory. */
    SWITCH,
    /** After a grace period: drop capture, delete the source data. */
    CLEANUP,
    /** Finished. */
    DONE;

    /** @return the step after this one ({@code DONE} after {@code DONE}) */
    public MoveStep next() {
        return this == DONE ? DONE : values()[ordinal() + 1];
    }

    /** @return the lower-case id stored */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param id a stored id
     * @return the step
     */
    public static MoveStep fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
