package io.tenantdb.postgresql.internal;

import io.tenantdb.core.spi.Target;

/**
 * Where and how one operation of one tenant runs.
 *
 * @param target       the resolved target
 * @param spec         the pool to use
 * @param where        the tenant's database or schema (or the shared schema), for messages
 * @param quotedSchema what {@code {schema}} renders to
 * @param binding      how the tenant is bound to the connection
 * @param session      the session-level values bound for this tenant ({@code app.tenant_id},
 *                     {@code search_path}), as recorded on a {@link TrackedConnection}
 * @param verifyKey    what the RLS verification of this route is remembered by
 */
record Route(Target target, PoolRegistry.PoolSpec spec, String where, String quotedSchema, Binding binding,
             TrackedConnection.Bound session, String verifyKey) {

    /** How the tenant is bound to a pooled connection for one operation. */
    enum Binding {
        /** Nothing to bind: the pool itself is the tenant's (database per tenant). */
        NONE,
        /** {@code search_path} set to the tenant's schema (and {@code app.tenant_id} to the tenant). */
        SEARCH_PATH,
        /** {@code app.tenant_id} set to the tenant (row-level security). */
        TENANT_ID
    }

    /**
     * @param sqlUsesSchemaPlaceholder whether the statement names its tables through {@code {schema}}
     * @return whether a single statement needs the connection bound to its tenant (otherwise a
     *     neutral connection, or one bound to the same tenant, will do)
     */
    boolean needsBinding(boolean sqlUsesSchemaPlaceholder) {
        switch (binding) {
            case NONE:
                return false;
            case SEARCH_PATH:
                return !sqlUsesSchemaPlaceholder;
            default:
                return true;
        }
    }
}
