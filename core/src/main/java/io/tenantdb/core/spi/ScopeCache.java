package io.tenantdb.core.spi;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Keeps, per tenant, the scope an engine built for its operations (its connection or client,
 * namespace, checked names: whatever the engine derives from a {@link Target}) and hands it to the
 * tenant's next operations while their target resolves to the same strategy, node and configuration
 * object. An operation then costs one map lookup instead of rebuilding the scope. A target that
 * resolves elsewhere (a replica, a moved tenant, a tenant configuration replaced) builds a new
 * scope, which replaces the kept one; at most one scope is kept per tenant.
 *
 * <p>{@link #forget(TenantId)} drops a tenant's scope, also one being built at that moment, so that
 * nothing built before a deprovision is kept after it; {@link #close()} stops keeping anything.
 *
 * @param <S> the engine's scope type, immutable and safe to share between operations
 */
public final class ScopeCache<S> {

    private final ConcurrentMap<TenantId, Kept<S>> kept = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private volatile boolean closed;

    /**
     * Runs an operation in the tenant's scope.
     *
     * @param target what the resolver answered for the tenant's operation
     * @param build  builds the scope of a target when none is kept for it
     * @param body   the operation in the scope
     * @param <T>    value type
     * @return the operation
     */
    public <T> Mono<T> run(Mono<Target> target, Function<? super Target, ? extends Mono<S>> build,
                           Function<? super S, ? extends Mono<T>> body) {
        return TargetResolver.withTarget(target, t -> {
            S scope = get(t);
            return scope != null ? body.apply(scope) : built(t, build).flatMap(body);
        });
    }

    /**
     * {@link #run} for a multi-valued operation.
     *
     * @param target what the resolver answered for the tenant's operation
     * @param build  builds the scope of a target when none is kept for it
     * @param body   the operation in the scope
     * @param <T>    element type
     * @return the operation
     */
    public <T> Flux<T> runMany(Mono<Target> target, Function<? super Target, ? extends Mono<S>> build,
                               Function<? super S, ? extends Publisher<T>> body) {
        return TargetResolver.withTargetMany(target, t -> {
            S scope = get(t);
            return scope != null ? Flux.from(body.apply(scope)) : built(t, build).flatMapMany(body);
        });
    }

    /**
     * @param target a tenant's target
     * @return the scope kept for its tenant when it was built for the same place, else {@code null}
     */
    public S get(Target target) {
        Kept<S> k = kept.get(target.tenant());
        return k != null && !closed && k.matches(target) ? k.scope() : null;
    }

    /**
     * Drops the tenant's kept scope, and keeps none that was being built when this was called.
     *
     * @param tenant the tenant
     */
    public void forget(TenantId tenant) {
        generation.incrementAndGet();
        kept.remove(tenant);
    }

    /** Drops every scope and keeps none from now on (the engine is closing). */
    public void close() {
        closed = true;
        generation.incrementAndGet();
        kept.clear();
    }

    private Mono<S> built(Target target, Function<? super Target, ? extends Mono<S>> build) {
        long before = generation.get();
        return build.apply(target).doOnNext(scope -> keep(target, scope, before));
    }

    private void keep(Target target, S scope, long before) {
        if (generation.get() != before || closed) {
            return;
        }
        Kept<S> k = new Kept<>(target.strategy(), target.node(), target.config(), scope);
        kept.put(target.tenant(), k);
        if (generation.get() != before) {
            kept.remove(target.tenant(), k);
        }
    }

    /** A scope and the place it was built for. */
    private record Kept<S>(IsolationStrategy strategy, NodeAddress node, DatabaseConfig config, S scope) {
        boolean matches(Target target) {
            return target.config() == config && target.strategy() == strategy && target.node().equals(node);
        }
    }
}
