package io.tenantdb.core;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A step in the chain every operation runs through: routing, quotas, circuit breakers, metrics,
 * encryption, audit. Core ships none; modules register theirs on the {@link TenantDb.Builder}.
 *
 * <p>Operators are ordered by {@link #order()}: the lowest order is outermost (sees the
 * subscription first and the result last). Suggested bands: 100 quotas and bulkheads, 200 circuit
 * breakers and retries, 300 metrics, 400 encryption and audit.
 *
 * <p>An operator must not block and must keep the subscriber's context.
 */
public interface OperationOperator {

    /** @return the position in the chain; lower runs outer. Defaults to 0. */
    default int order() {
        return 0;
    }

    /**
     * Decorates a multi-valued operation.
     *
     * @param operation what runs
     * @param source    the operation (or the next operator)
     * @param <T>       element type
     * @return the decorated publisher
     */
    <T> Flux<T> apply(OperationInfo operation, Flux<T> source);

    /**
     * Decorates a single-valued operation.
     *
     * @param operation what runs
     * @param source    the operation (or the next operator)
     * @param <T>       value type
     * @return the decorated publisher
     */
    <T> Mono<T> apply(OperationInfo operation, Mono<T> source);
}
