package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.MissingTenantException;
import org.reactivestreams.Publisher;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Runs an engine's operation for the tenant of the subscriber's context, through the operator
 * chain. Every session method of every engine goes through here: it is where the tenant is
 * resolved (failing closed when there is none) and where routing, resilience, metrics and
 * encryption attach.
 */
public final class OperationRunner {

    private static final OperationRunner NONE = new OperationRunner(List.of());

    /** Innermost first, so wrapping in order leaves the lowest order outermost. */
    private final OperationOperator[] innermostFirst;

    private OperationRunner(List<OperationOperator> operators) {
        List<OperationOperator> sorted = new ArrayList<>(operators);
        sorted.sort(Comparator.comparingInt(OperationOperator::order).reversed());
        this.innermostFirst = sorted.toArray(new OperationOperator[0]);
    }

    /**
     * @param operators the operators, in any order; sorted by {@link OperationOperator#order()}
     * @return a runner applying them
     */
    public static OperationRunner of(List<? extends OperationOperator> operators) {
        return operators.isEmpty() ? NONE : new OperationRunner(List.copyOf(operators));
    }

    /** @return a runner with no operators */
    public static OperationRunner none() {
        return NONE;
    }

    /**
     * A multi-valued operation.
     *
     * @param engine the engine
     * @param kind   read or write
     * @param name   a low-cardinality operation name
     * @param body   the operation for the resolved tenant; called once per subscription
     * @param <T>    element type
     * @return the operation, resolved and decorated at subscription
     */
    public <T> Flux<T> flux(DatabaseType engine, OperationKind kind, String name,
                            Function<TenantId, ? extends Publisher<T>> body) {
        return OperationFlux.assemble(new OperationFlux<>(this, engine, kind, name, body));
    }

    /**
     * A single-valued operation.
     *
     * @param engine the engine
     * @param kind   read or write
     * @param name   a low-cardinality operation name
     * @param body   the operation for the resolved tenant; called once per subscription
     * @param <T>    value type
     * @return the operation, resolved and decorated at subscription
     */
    public <T> Mono<T> mono(DatabaseType engine, OperationKind kind, String name,
                            Function<TenantId, ? extends Mono<T>> body) {
        return OperationMono.assemble(new OperationMono<>(this, engine, kind, name, body));
    }

    /**
     * The publisher one subscription runs: the body itself when there is no operator (the caller's
     * subscribe already runs once per subscription), else the body deferred (operators may
     * subscribe more than once, retries) and wrapped by every operator.
     */
    private <T> Publisher<T> decorateFlux(DatabaseType engine, OperationKind kind, String name, TenantId tenant,
                                          Function<TenantId, ? extends Publisher<T>> body) {
        if (innermostFirst.length == 0) {
            return body.apply(tenant);
        }
        Flux<T> flux = Flux.defer(() -> body.apply(tenant));
        OperationInfo info = new OperationInfo(engine, tenant, kind, name);
        for (OperationOperator operator : innermostFirst) {
            flux = operator.apply(info, flux);
        }
        return flux;
    }

    private <T> Mono<T> decorateMono(DatabaseType engine, OperationKind kind, String name, TenantId tenant,
                                     Function<TenantId, ? extends Mono<T>> body) {
        if (innermostFirst.length == 0) {
            return body.apply(tenant);
        }
        Mono<T> mono = Mono.defer(() -> body.apply(tenant));
        OperationInfo info = new OperationInfo(engine, tenant, kind, name);
        for (OperationOperator operator : innermostFirst) {
            mono = operator.apply(info, mono);
        }
        return mono;
    }

    /**
     * What {@code Flux.deferContextual} would do, in one object instead of a capturing lambda and an
     * operator: per subscription, the tenant is read from the subscriber's context (failing closed
     * when it holds none) and the decorated body is subscribed. Anything the body throws becomes the
     * subscriber's error.
     */
    private static final class OperationFlux<T> extends Flux<T> {

        private final OperationRunner runner;
        private final DatabaseType engine;
        private final OperationKind kind;
        private final String name;
        private final Function<TenantId, ? extends Publisher<T>> body;

        OperationFlux(OperationRunner runner, DatabaseType engine, OperationKind kind, String name,
                      Function<TenantId, ? extends Publisher<T>> body) {
            this.runner = runner;
            this.engine = engine;
            this.kind = kind;
            this.name = name;
            this.body = body;
        }

        static <T> Flux<T> assemble(OperationFlux<T> flux) {
            return onAssembly(flux);
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            TenantId tenant = actual.currentContext().getOrDefault(TenantContext.KEY, null);
            if (tenant == null) {
                Operators.error(actual, new MissingTenantException(engine));
                return;
            }
            Publisher<T> p;
            try {
                p = Objects.requireNonNull(runner.decorateFlux(engine, kind, name, tenant, body),
                        "the operation body returned a null publisher");
            } catch (Throwable e) {
                Operators.error(actual, Operators.onOperatorError(e, actual.currentContext()));
                return;
            }
            from(p).subscribe(actual);
        }
    }

    /** The single-valued {@link OperationFlux}. */
    private static final class OperationMono<T> extends Mono<T> {

        private final OperationRunner runner;
        private final DatabaseType engine;
        private final OperationKind kind;
        private final String name;
        private final Function<TenantId, ? extends Mono<T>> body;

        OperationMono(OperationRunner runner, DatabaseType engine, OperationKind kind, String name,
                      Function<TenantId, ? extends Mono<T>> body) {
            this.runner = runner;
            this.engine = engine;
            this.kind = kind;
            this.name = name;
            this.body = body;
        }

        static <T> Mono<T> assemble(OperationMono<T> mono) {
            return onAssembly(mono);
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            TenantId tenant = actual.currentContext().getOrDefault(TenantContext.KEY, null);
            if (tenant == null) {
                Operators.error(actual, new MissingTenantException(engine));
                return;
            }
            Mono<T> p;
            try {
                p = Objects.requireNonNull(runner.decorateMono(engine, kind, name, tenant, body),
                        "the operation body returned a null Mono");
            } catch (Throwable e) {
                Operators.error(actual, Operators.onOperatorError(e, actual.currentContext()));
                return;
            }
            p.subscribe(actual);
        }
    }
}
