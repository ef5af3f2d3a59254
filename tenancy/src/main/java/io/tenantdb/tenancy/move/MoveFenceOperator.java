package io.tenantdb.tenancy.move;

import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.tenancy.directory.TenantDirectory;
import io.tenantdb.tenancy.directory.TenantRecord;
import io.tenantdb.tenancy.directory.TenantStatus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write fence of tenant moves (order {@value #ORDER}, just inside
 * {@link io.tenantdb.tenancy.directory.TenantStatusOperator}): while the directory lists a tenant
 * as {@link TenantStatus#MOVING moving}, its writes are held — not failed, not started — until the
 * status changes (the move switched, or was abandoned), then run, resolving their target afresh
 * (so they reach the new placement). A write held longer than the fence timeout fails with the
 * transient {@link TenantMovingException}. Reads are never held.
 *
 * <p>Register it on every instance: {@code TenantDb.builder().operator(new MoveFenceOperator(directory, ..))}.
 * An instance that has not yet seen the status change is caught by the fence the mover puts on the
 * source database itself (its writes there fail with a transient error and are retried).
 */
public final class MoveFenceOperator implements OperationOperator {

    /** Inside the status operator (50), outside quotas (100). */
    public static final int ORDER = 60;
    /** Default bound on how long a write is held. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Default interval between looks at the directory while holding. */
    public static final Duration DEFAULT_CHECK_EVERY = Duration.ofMillis(5);

    private final TenantDirectory directory;
    private final Duration timeout;
    private final Duration checkEvery;
    private final AtomicLong held = new AtomicLong();

    /**
     * @param directory  the directory (cached lookups: it is asked on every write)
     * @param timeout    how long a write may be held before it fails with {@link TenantMovingException}
     * @param checkEvery how often the directory is looked at while holding
     */
    public MoveFenceOperator(TenantDirectory directory, Duration timeout, Duration checkEvery) {
        this.directory = Objects.requireNonNull(directory, "directory");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("fence timeout must be > 0, got " + timeout);
        }
        if (checkEvery.isNegative() || checkEvery.isZero()) {
            throw new IllegalArgumentException("checkEvery must be > 0, got " + checkEvery);
        }
        this.timeout = timeout;
        this.checkEvery = checkEvery;
    }

    /** @param directory the directory @return an operator with the default timeout and check interval */
    public static MoveFenceOperator of(TenantDirectory directory) {
        return new MoveFenceOperator(directory, DEFAULT_TIMEOUT, DEFAULT_CHECK_EVERY);
    }

    @Override
    public int order() {
        return ORDER;
    }

    /** @return how many writes were held so far */
    public long heldWrites() {
        return held.get();
    }

    private static boolean moving(TenantRecord r) {
        return r.status() == TenantStatus.MOVING;
    }

    private Mono<Void> gate(OperationInfo op) {
        if (op.kind() != OperationKind.WRITE) {
            return Mono.empty();
        }
        return directory.find(op.tenant())
                .filter(MoveFenceOperator::moving)
                .flatMap(r -> {
                    held.incrementAndGet();
                    long start = System.nanoTime();
                    return Flux.interval(checkEvery)
                            .onBackpressureDrop()
                            .concatMap(i -> directory.find(op.tenant()).map(MoveFenceOperator::moving).defaultIfEmpty(false), 1)
                            .filter(stillMoving -> !stillMoving)
                            .next()
                            .timeout(timeout, Mono.error(() -> new TenantMovingException(op.tenant(), op.engine(),
                                    Duration.ofNanos(System.nanoTime() - start))));
                })
                .then();
    }

    @Override
    public <T> Flux<T> apply(OperationInfo operation, Flux<T> source) {
        return operation.kind() == OperationKind.WRITE ? gate(operation).thenMany(source) : source;
    }

    @Override
    public <T> Mono<T> apply(OperationInfo operation, Mono<T> source) {
        return operation.kind() == OperationKind.WRITE ? gate(operation).then(source) : source;
    }
}
