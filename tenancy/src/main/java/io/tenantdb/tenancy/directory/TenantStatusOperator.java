package io.tenantdb.tenancy.directory;

import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Refuses operations of tenants the directory lists as suspended or erased, with
 * {@link TenantSuspendedException} (order {@value #ORDER}: outermost, before quotas). Tenants the
 * directory does not know are served (the directory is not the only source of tenants) unless
 * built with {@code requireKnown}.
 */
public final class TenantStatusOperator implements OperationOperator {

    /** Outermost. */
    public static final int ORDER = 50;

    private final TenantDirectory directory;
    private final boolean requireKnown;

    /**
     * @param directory    the directory (should cache: it is asked on every operation)
     * @param requireKnown whether tenants unknown to the directory are refused too
     */
    public TenantStatusOperator(TenantDirectory directory, boolean requireKnown) {
        this.directory = directory;
        this.requireKnown = requireKnown;
    }

    @Override
    public int order() {
        return ORDER;
    }

    private Mono<Void> check(OperationInfo op) {
        return directory.find(op.tenant())
                .map(r -> r.status() == TenantStatus.SUSPENDED || r.status() == TenantStatus.ERASED
                        ? Mono.<Void>error(new TenantSuspendedException(op.tenant(), op.engine(), r.status()))
                        : Mono.<Void>empty())
                .switchIfEmpty(Mono.fromSupplier(() -> requireKnown
                        ? Mono.<Void>error(new io.tenantdb.core.exception.InvalidTenantException(
                        op.tenant().value(), "it is not in the tenant directory: onboard it first"))
                        : Mono.<Void>empty()))
                .flatMap(m -> m);
    }

    @Override
    public <T> Flux<T> apply(OperationInfo operation, Flux<T> source) {
        return check(operation).thenMany(source);
    }

    @Override
    public <T> Mono<T> apply(OperationInfo operation, Mono<T> source) {
        return check(operation).then(source);
    }
}
