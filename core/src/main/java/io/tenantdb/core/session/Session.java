package io.tenantdb.core.session;

import io.tenantdb.core.DatabaseType;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;

import java.util.function.Function;

/**
 * What every session family has. A session is a stateless handle: it resolves the tenant from the
 * Reactor context at subscription, so one session serves every tenant concurrently and may be kept
 * in a field.
 *
 * @apiNote nothing happens until a returned publisher is subscribed.
 */
public interface Session {

    /** @return the engine behind this session */
    DatabaseType engine();

    /**
     * The escape hatch: runs {@code work} with the engine's native client, already scoped to the
     * current tenant (for example an R2DBC connection whose {@code search_path} is the tenant's
     * schema). The client is released when the returned publisher completes, errors or is cancelled.
     *
     * @param nativeType the native type asked for; each engine documents which it supports
     * @param work       what to do with it
     * @param <N>        the native type
     * @param <T>        the result type
     * @return the results of {@code work}
     * @throws io.tenantdb.core.exception.UnsupportedFeatureException (as an error signal) when the
     *     engine does not offer {@code nativeType}
     */
    <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work);
}
