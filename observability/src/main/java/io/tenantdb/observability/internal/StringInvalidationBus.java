package io.tenantdb.observability.internal;

import io.tenantdb.observability.CacheInvalidation;
import io.tenantdb.observability.CacheInvalidationBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Objects;
import java.util.function.Function;

/** An invalidation bus over any string publish/subscribe channel. */
public final class StringInvalidationBus implements CacheInvalidationBus {

    private static final Logger LOG = LoggerFactory.getLogger(StringInvalidationBus.class);

    private final Function<String, Mono<Void>> publish;
    private final Flux<CacheInvalidation> received;

    /**
     * @param publish  publishes one message
     * @param received messages received
     */
    public StringInvalidationBus(Function<String, Mono<Void>> publish, Flux<String> received) {
        this.publish = Objects.requireNonNull(publish, "publish");
        this.received = Objects.requireNonNull(received, "received").concatMap(text -> {
            try {
                return Mono.just(CacheInvalidation.decode(text));
            } catch (IllegalArgumentException e) {
                LOG.warn("ignored a malformed cache invalidation message");
                return Mono.empty();
            }
        });
    }

    @Override
    public Mono<Void> publish(CacheInvalidation invalidation) {
        return Mono.defer(() -> publish.apply(invalidation.encode()));
    }

    @Override
    public Flux<CacheInvalidation> invalidations() {
        return received;
    }
}
