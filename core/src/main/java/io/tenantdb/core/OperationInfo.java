package io.tenantdb.core;

import java.util.Objects;

/**
 * What an operator in the chain knows about the operation it wraps.
 *
 * @param engine the engine that runs it
 * @param tenant the tenant it runs for
 * @param kind   read or write
 * @param name   a low-cardinality name: the statement name given by the caller, or the operation
 *               (for example {@code query}, {@code find}, {@code get}); never bound values
 */
public record OperationInfo(DatabaseType engine, TenantId tenant, OperationKind kind, String name) {

    /** Checks that no component is null. */
    public OperationInfo {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(tenant, "tenant");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
    }
}
