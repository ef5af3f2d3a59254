package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import org.reactivestreams.Publisher;
import reactor.core.Exceptions;
import reactor.core.Fuseable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * Decides where a tenant's operation runs. The default sends every operation to the first host of
 * the tenant's configuration; the tenancy module replaces it with placement, read/write split, load
 * balancing and failover.
 */
@FunctionalInterface
public interface TargetResolver {

    /**
     * @param engine the engine
     * @param tenant the tenant
     * @param kind   read or write
     * @return the target; must not block
     */
    Mono<Target> resolve(DatabaseType engine, TenantId tenant, OperationKind kind);

    /**
     * The default: every operation of a tenant goes to the first host of its merged configuration.
     * Decorators (circuit breakers, routers) can wrap it.
     *
     * @param context the engine's context (gives each tenant's configuration)
     * @return the resolver
     */
    static TargetResolver firstHost(EngineContext context) {
        return (engine, tenant, kind) -> {
            DatabaseConfig config = context.config(tenant);
            return Mono.just(new Target(engine, tenant, kind, config.isolation().strategy(),
                    config.connection().primary(), config));
        };
    }

    /**
     * Runs an operation on a resolved target: {@code target.flatMap(then)}, except that a target
     * already known when resolved ({@code Mono.just}, what {@link #firstHost} answers) is handed to
     * {@code then} at once, without an operator per operation: call it where the operation is
     * being subscribed (inside an {@link OperationRunner} body), not where it is assembled. As with
     * {@code flatMap}, something {@code then} throws becomes the returned publisher's error.
     *
     * @param target what {@link #resolve} answered
     * @param then   the operation on the target
     * @param <T>    value type
     * @return the operation
     */
    static <T> Mono<T> withTarget(Mono<Target> target, Function<? super Target, ? extends Mono<T>> then) {
        if (target instanceof Fuseable.ScalarCallable) {
            Target known;
            try {
                known = scalar(target);
            } catch (Exception e) {
                return Mono.error(Exceptions.unwrap(e));
            }
            if (known == null) {
                return Mono.empty();
            }
            try {
                return Objects.requireNonNull(then.apply(known), "the operation on the target is null");
            } catch (Throwable e) {
                Exceptions.throwIfJvmFatal(e);
                return Mono.error(e);
            }
        }
        return target.flatMap(then);
    }

    /**
     * {@link #withTarget} for a multi-valued operation: {@code target.flatMapMany(then)}.
     *
     * @param target what {@link #resolve} answered
     * @param then   the operation on the target
     * @param <T>    element type
     * @return the operation
     */
    static <T> Flux<T> withTargetMany(Mono<Target> target, Function<? super Target, ? extends Publisher<T>> then) {
        if (target instanceof Fuseable.ScalarCallable) {
            Target known;
            try {
                known = scalar(target);
            } catch (Exception e) {
                return Flux.error(Exceptions.unwrap(e));
            }
            if (known == null) {
                return Flux.empty();
            }
            try {
                return Flux.from(Objects.requireNonNull(then.apply(known), "the operation on the target is null"));
            } catch (Throwable e) {
                Exceptions.throwIfJvmFatal(e);
                return Flux.error(e);
            }
        }
        return target.flatMapMany(then);
    }

    @SuppressWarnings("unchecked")
    private static Target scalar(Mono<Target> target) throws Exception {
        return ((Callable<Target>) target).call();
    }
}
