package io.tenantdb.observability.internal;

import io.tenantdb.observability.CacheInvalidation;
import io.tenantdb.observability.CacheInvalidationBus;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** An invalidation bus inside one JVM. */
public final class LocalInvalidationBus implements CacheInvalidationBus {

    private final Sinks.Many<CacheInvalidation> sink = Sinks.many().multicast().directBestEffort();

    @Override
    public Mono<Void> publish(CacheInvalidation invalidation) {
        return Mono.fromRunnable(() -> {
            synchronized (sink) {
                sink.tryEmitNext(invalidation);
            }
        });
    }

    @Override
    public Flux<CacheInvalidation> invalidations() {
        return sink.asFlux();
    }
}
