package io.tenantdb.tenancy.internal;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A tenant's rate-limiter and bulkhead permits for one operation, as one Reactor subscriber: both are
 * taken when the operation is subscribed (rate limiter first, neither waits), and the bulkhead's is
 * given back once, on completion, error or cancel. One layer where Resilience4j's reactor operators
 * put two, each with its own subscriber, plus the error mapping; the limiters themselves are
 * Resilience4j's.
 *
 * @param <T> element type
 */
final class Permits<T> implements CoreSubscriber<T>, Subscription {

    private final CoreSubscriber<? super T> actual;
    private final Bulkhead bulkhead;
    private final AtomicBoolean released = new AtomicBoolean();
    private Subscription upstream;

    private Permits(CoreSubscriber<? super T> actual, Bulkhead bulkhead) {
        this.actual = actual;
        this.bulkhead = bulkhead;
    }

    /**
     * Takes the permits and subscribes {@code subscribe} with a subscriber that gives the bulkhead's
     * back, or signals the refusal (mapped by {@code refusal}) without subscribing.
     *
     * @param actual      the downstream subscriber
     * @param rateLimiter the tenant's rate limiter, or null
     * @param bulkhead    the tenant's bulkhead, or null
     * @param refusal     maps {@link RequestNotPermitted} / {@link BulkheadFullException} to the error signalled
     * @param subscribe   subscribes the operation with the given subscriber
     * @param <T>         element type
     */
    static <T> void subscribe(CoreSubscriber<? super T> actual, RateLimiter rateLimiter, Bulkhead bulkhead,
                              Function<Throwable, Throwable> refusal,
                              java.util.function.Consumer<CoreSubscriber<? super T>> subscribe) {
        if (rateLimiter != null && !rateLimiter.acquirePermission()) {
            Operators.error(actual, refusal.apply(RequestNotPermitted.createRequestNotPermitted(rateLimiter)));
            return;
        }
        if (bulkhead == null) {
            subscribe.accept(actual);
            return;
        }
        if (!bulkhead.tryAcquirePermission()) {
            Operators.error(actual, refusal.apply(BulkheadFullException.createBulkheadFullException(bulkhead)));
            return;
        }
        subscribe.accept(new Permits<>(actual, bulkhead));
    }

    private void release() {
        if (released.compareAndSet(false, true)) {
            bulkhead.onComplete();
        }
    }

    @Override
    public Context currentContext() {
        return actual.currentContext();
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.validate(upstream, s)) {
            upstream = s;
            actual.onSubscribe(this);
        }
    }

    @Override
    public void onNext(T t) {
        actual.onNext(t);
    }

    @Override
    public void onError(Throwable t) {
        release();
        actual.onError(t);
    }

    @Override
    public void onComplete() {
        release();
        actual.onComplete();
    }

    @Override
    public void request(long n) {
        upstream.request(n);
    }

    @Override
    public void cancel() {
        release();
        upstream.cancel();
    }
}
