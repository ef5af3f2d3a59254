package io.tenantdb.tenancy.internal;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.spi.Deadlines;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One attempt of one operation, as a single Reactor operator: its timeout, its outcome reported to
 * the circuit breaker of the node it ran on, and (when the operator guards a resolver) itself in the
 * Reactor context, from where the guarded resolver records which node's breaker gave permission.
 *
 * <p>The timeout costs one timer per attempt, not one per element: for a stream the timer is
 * re-armed only when it fires early (it then compares against the time of the last element), so
 * a 200,000-row stream arms a handful of timers instead of 200,000. The timers are
 * {@link Deadlines}' coarse ones (at most 10 ms late): no scheduled task per attempt. An attempt that completes while
 * being subscribed (a cached or in-memory answer) never arms one.
 */
public final class Attempt implements CoreSubscriber<Object>, Subscription, Runnable {

    private static final int RUNNING = 0;
    private static final int EMITTING = 1;
    private static final int DONE = 2;
    private static final int TIMED_OUT = 3;
    private static final AtomicIntegerFieldUpdater<Attempt> STATE =
            AtomicIntegerFieldUpdater.newUpdater(Attempt.class, "state");

    private final CoreSubscriber<Object> actual;
    private final Context context;
    private final OperationInfo op;
    private final Duration timeout;
    private final long timeoutNanos;
    private final boolean stream;
    private final AtomicBoolean emitted;
    private final Deadlines timers;

    private volatile int state;
    private volatile long lastSignal;
    /** A single-valued attempt has its value: like {@code Mono.timeout}, it no longer times out. */
    private volatile boolean answered;
    private volatile Disposable timer;
    private Subscription upstream;

    private CircuitBreaker breaker;
    private long start;

    @SuppressWarnings("unchecked")
    private Attempt(CoreSubscriber<?> actual, OperationInfo op, Duration timeout, boolean stream, AtomicBoolean emitted,
                    boolean inContext) {
        this.actual = (CoreSubscriber<Object>) actual;
        this.op = op;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.stream = stream;
        this.emitted = emitted;
        this.timers = Deadlines.shared();
        Context c = actual.currentContext();
        this.context = inContext ? c.put(Attempt.class, this) : c;
    }

    /**
     * @param source    the operation
     * @param op        what it is
     * @param timeout   the time limit of the attempt
     * @param inContext whether to put the attempt in the context (for a guarded resolver)
     * @param <T>       value type
     * @return each subscription one attempt
     */
    public static <T> Mono<T> mono(Mono<T> source, OperationInfo op, Duration timeout, boolean inContext) {
        return new MonoOperator<T, T>(source) {
            @Override
            public void subscribe(CoreSubscriber<? super T> actual) {
                source.subscribe(new Attempt(actual, op, timeout, false, null, inContext));
            }
        };
    }

    /**
     * @param source    the operation
     * @param op        what it is
     * @param timeout   the longest wait for the first element, then between elements
     * @param emitted   set once any attempt emitted an element (retries stop there), or null
     * @param inContext whether to put the attempt in the context (for a guarded resolver)
     * @param <T>       element type
     * @return each subscription one attempt
     */
    public static <T> Flux<T> flux(Flux<T> source, OperationInfo op, Duration timeout, AtomicBoolean emitted,
                                   boolean inContext) {
        return new FluxOperator<T, T>(source) {
            @Override
            public void subscribe(CoreSubscriber<? super T> actual) {
                source.subscribe(new Attempt(actual, op, timeout, true, emitted, inContext));
            }
        };
    }

    // ------------------------------------------------------------------ breaker permission

    /** @return the node's breaker this attempt holds permission of, or null */
    public synchronized CircuitBreaker breaker() {
        return breaker;
    }

    /**
     * Records that the attempt runs on the node of that breaker (permission already acquired).
     *
     * @param cb the breaker
     * @return false when the attempt already holds a breaker (permission not taken twice)
     */
    public synchronized boolean hold(CircuitBreaker cb) {
        if (breaker != null) {
            return false;
        }
        breaker = cb;
        start = System.nanoTime();
        return true;
    }

    private synchronized CircuitBreaker take() {
        CircuitBreaker cb = breaker;
        breaker = null;
        return cb;
    }

    private void success() {
        long s = start;
        CircuitBreaker cb = take();
        if (cb != null) {
            cb.onSuccess(System.nanoTime() - s, TimeUnit.NANOSECONDS);
        }
    }

    private void failure(Throwable error) {
        long s = start;
        CircuitBreaker cb = take();
        if (cb != null) {
            cb.onError(System.nanoTime() - s, TimeUnit.NANOSECONDS, error);
        }
    }

    private void cancelled() {
        CircuitBreaker cb = take();
        if (cb != null) {
            cb.releasePermission();
        }
    }

    // ------------------------------------------------------------------ subscriber

    @Override
    public Context currentContext() {
        return context;
    }

    @Override
    public void onSubscribe(Subscription s) {
        if (Operators.validate(upstream, s)) {
            upstream = s;
            if (stream) {
                lastSignal = System.nanoTime();
            }
            actual.onSubscribe(this);
            if (state == RUNNING || state == EMITTING) {
                arm(timeoutNanos);
            }
        }
    }

    private void arm(long delayNanos) {
        Disposable t = timers.schedule(this, delayNanos);
        timer = t;
        int s = state;
        if (s == DONE || s == TIMED_OUT) {
            // finished while the timer was being armed: onComplete/cancel may not have seen it
            t.dispose();
        }
    }

    private void disarm() {
        Disposable t = timer;
        if (t != null) {
            t.dispose();
        }
    }

    @Override
    public void onNext(Object t) {
        if (!STATE.compareAndSet(this, RUNNING, EMITTING)) {
            Operators.onNextDropped(t, context);
            return;
        }
        if (emitted != null && !emitted.get()) {
            emitted.set(true);
        }
        if (stream) {
            lastSignal = System.nanoTime();
        } else {
            answered = true;
        }
        actual.onNext(t);
        // fails when cancelled from inside onNext (state DONE): it stays so
        STATE.compareAndSet(this, EMITTING, RUNNING);
    }

    @Override
    public void onError(Throwable t) {
        if (!STATE.compareAndSet(this, RUNNING, DONE)) {
            Operators.onErrorDropped(t, context);
            return;
        }
        disarm();
        failure(t);
        actual.onError(t);
    }

    @Override
    public void onComplete() {
        if (!STATE.compareAndSet(this, RUNNING, DONE)) {
            return;
        }
        disarm();
        success();
        actual.onComplete();
    }

    @Override
    public void request(long n) {
        upstream.request(n);
    }

    @Override
    public void cancel() {
        int prev = STATE.getAndSet(this, DONE);
        if (prev == RUNNING || prev == EMITTING) {
            disarm();
            cancelled();
            upstream.cancel();
        }
    }

    /** The timer fired. */
    @Override
    public void run() {
        int s = state;
        if (s == DONE || s == TIMED_OUT || answered) {
            return;
        }
        if (stream) {
            long idle = System.nanoTime() - lastSignal;
            if (s == EMITTING || idle < timeoutNanos) {
                // an element came since the timer was armed: wait for the rest of the gap
                arm(s == EMITTING ? timeoutNanos : timeoutNanos - idle);
                return;
            }
        }
        if (!STATE.compareAndSet(this, RUNNING, TIMED_OUT)) {
            if (state == EMITTING) {
                arm(timeoutNanos);
            }
            return;
        }
        upstream.cancel();
        OperationTimeoutException e = new OperationTimeoutException("operation '" + op.name() + "' got no answer within "
                + timeout + ": the node may be overloaded or unreachable; raise resilience.timeout if the operation is"
                + " legitimately slow", op.tenant(), op.engine(), null);
        failure(e);
        actual.onError(e);
    }
}
