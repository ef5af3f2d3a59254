package io.tenantdb.tenancy.directory;

import java.util.Locale;

/** A tenant's lifecycle state in the directory. */
public enum TenantStatus {
    /** Serving. */
    ACTIVE,
    /** Refused: every operation fails with {@link TenantSuspendedException}. */
    SUSPENDED,
    /** Being moved between shards or strategies; served, with a brief write fence at the switch. */
    MOVING,
    /** Offboarded: data removed; operations are refused. */
    ERASED;

    /** @return the lower-case id stored and shown */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param id a stored id
     * @return the status
     * @throws IllegalArgumentException for an unknown id
     */
    public static TenantStatus fromId(String id) {
        for (TenantStatus s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown tenant status '" + id + "': expected active, suspended, moving or erased");
    }
}
