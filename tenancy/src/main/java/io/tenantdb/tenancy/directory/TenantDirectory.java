package io.tenantdb.tenancy.directory;

import io.tenantdb.core.TenantId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Which tenants exist and how they are placed. Implementations must not block; lookups are
 * expected to be cached ({@link #find} is on every operation's path through
 * {@link TenantStatusOperator}).
 */
public interface TenantDirectory {

    /**
     * @param tenant a tenant
     * @return its record, empty when the directory does not know it
     */
    Mono<TenantRecord> find(TenantId tenant);

    /** @return every tenant */
    Flux<TenantRecord> all();

    /**
     * Creates or replaces a tenant's record. Other instances see the change without restart
     * (for the PostgreSQL directory: within its poll interval).
     *
     * @param record the record (its version is assigned by the directory)
     * @return the stored record
     * @throws UnsupportedOperationException from read-only directories (the static one)
     */
    Mono<TenantRecord> save(TenantRecord record);

    /**
     * Replaces a tenant's record only if it is still at the version the caller read (compare and
     * set): the atomic step of a tenant move, which switches placement, strategy and status in one
     * change. Other instances see the new record as one change.
     *
     * <p>The default reads and then saves (not atomic against concurrent writers); the PostgreSQL
     * directory overrides it with one conditional {@code UPDATE}.
     *
     * @param expected the record as read (its {@link TenantRecord#version()} is compared)
     * @param next     the record to store
     * @return the stored record, or empty when the stored version differs from the expected one
     */
    default Mono<TenantRecord> replace(TenantRecord expected, TenantRecord next) {
        return find(expected.tenant())
                .filter(current -> current.version() == expected.version())
                .flatMap(current -> save(next));
    }
}
