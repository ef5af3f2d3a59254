package io.tenantdb.core.spi;

import reactor.core.CoreSubscriber;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.Context;
import org.reactivestreams.Subscription;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Coarse timeouts for the hot path: one periodic sweep (every {@link #TICK}) fails whatever is past
 * its deadline, instead of a timer scheduled and cancelled per operation.
 *
 * <p>{@code Mono.timeout} costs, per subscription, a task scheduled on and removed from a
 * {@code ScheduledThreadPoolExecutor} (a lock and a heap operation each way) and a description
 * string built from the operator chain; for a timeout that almost never fires (a pool acquisition
 * bounded at seconds) that is most of the cost of the guard. Here arming is an insert into and a
 * removal from a concurrent set, and a timeout fires at most one tick late. The sweep runs on
 * {@link Schedulers#parallel()} only while something waits.
 */
public final class Deadlines {

    /** The sweep period: how late, at most, a deadline is noticed. */
    public static final Duration TICK = Duration.ofMillis(10);

    private static final Deadlines SHARED = new Deadlines(Schedulers.parallel());

    private final Scheduler scheduler;
    private final Set<Due> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger armed = new AtomicInteger();
    private volatile Disposable sweeper;

    Deadlines(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** @return the JVM-wide instance */
    public static Deadlines shared() {
        return SHARED;
    }

    /**
     * Bounds how long {@code source} may take to produce its value (or complete empty). When the
     * deadline passes first, the source is cancelled and the subscriber gets {@code onTimeout}'s
     * error; a value that arrives after that is handed to {@code discard} (to release a resource).
     *
     * @param source    the single-valued work
     * @param timeout   the bound, &gt; 0
     * @param onTimeout the error to signal
     * @param discard   what to do with a value that lost the race (may be a no-op)
     * @param <T>       the value type
     * @return the bounded work
     */
    public <T> Mono<T> bound(Mono<T> source, Duration timeout, Supplier<? extends Throwable> onTimeout,
                             Consumer<? super T> discard) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(onTimeout, "onTimeout");
        Objects.requireNonNull(discard, "discard");
        long nanos = timeout.toNanos();
        if (nanos <= 0) {
            throw new IllegalArgumentException("timeout must be > 0, was " + timeout);
        }
        return new Mono<T>() {
            @Override
            public void subscribe(CoreSubscriber<? super T> actual) {
                source.subscribe(new Waiter<>(Deadlines.this, actual, System.nanoTime() + nanos, onTimeout, discard));
            }
        };
    }

    /**
     * Runs {@code task} once, about {@code delayNanos} from now (at most one {@link #TICK} late), on
     * the sweep's thread, unless the returned handle is disposed first. A drop-in for
     * {@code Scheduler.schedule(task, delay, unit)} where the delay is a rarely reached limit.
     *
     * @param task       what to run; it must not block
     * @param delayNanos how long from now, &gt;= 0
     * @return the handle that cancels it
     */
    public Disposable schedule(Runnable task, long delayNanos) {
        Objects.requireNonNull(task, "task");
        Task t = new Task(this, task, System.nanoTime() + Math.max(0, delayNanos));
        arm(t);
        return t;
    }

    /** @return timeouts armed now (for tests) */
    int waiting() {
        return waiting.size();
    }

    private void arm(Due w) {
        waiting.add(w);
        if (armed.getAndIncrement() == 0 || sweeper == null) {
            startSweeping();
        }
    }

    private void disarm(Due w) {
        if (waiting.remove(w)) {
            armed.decrementAndGet();
        }
    }

    private synchronized void startSweeping() {
        if (sweeper == null || sweeper.isDisposed()) {
            long tick = TICK.toNanos();
            sweeper = scheduler.schedulePeriodically(this::sweep, tick, tick, TimeUnit.NANOSECONDS);
        }
    }

    private void sweep() {
        if (waiting.isEmpty()) {
            synchronized (this) {
                // stop while idle; the next arm starts it again
                if (armed.get() == 0 && sweeper != null) {
                    sweeper.dispose();
                    sweeper = null;
                }
            }
            return;
        }
        long now = System.nanoTime();
        for (Due w : waiting) {
            if (now - w.deadline() >= 0) {
                try {
                    w.expire();
                } catch (Throwable e) {
                    Operators.onErrorDropped(e, Context.empty());
                }
            }
        }
    }

    /** Something with a deadline in the set. */
    private interface Due {
        long deadline();

        /** Called once the deadline has passed (possibly again on later sweeps until it disarms). */
        void expire();
    }

    /** A one-shot task. */
    private static final class Task implements Due, Disposable {
        private final Deadlines owner;
        private final Runnable task;
        private final long deadline;
        private final AtomicInteger state = new AtomicInteger();

        Task(Deadlines owner, Runnable task, long deadline) {
            this.owner = owner;
            this.task = task;
            this.deadline = deadline;
        }

        @Override
        public long deadline() {
            return deadline;
        }

        @Override
        public void expire() {
            if (state.compareAndSet(0, 1)) {
                owner.disarm(this);
                task.run();
            }
        }

        @Override
        public void dispose() {
            if (state.compareAndSet(0, 2)) {
                owner.disarm(this);
            }
        }

        @Override
        public boolean isDisposed() {
            return state.get() != 0;
        }
    }

    /** One bounded subscription: passes signals through until it is done or expired. */
    private static final class Waiter<T> implements CoreSubscriber<T>, Subscription, Due {
        private static final int WAITING = 0;
        private static final int DONE = 1;
        private static final int EXPIRED = 2;

        private final Deadlines owner;
        private final CoreSubscriber<? super T> actual;
        private final long deadline;
        private final Supplier<? extends Throwable> onTimeout;
        private final Consumer<? super T> discard;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private Subscription upstream;

        Waiter(Deadlines owner, CoreSubscriber<? super T> actual, long deadline, Supplier<? extends Throwable> onTimeout,
               Consumer<? super T> discard) {
            this.owner = owner;
            this.actual = actual;
            this.deadline = deadline;
            this.onTimeout = onTimeout;
            this.discard = discard;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                owner.arm(this);
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(T t) {
            if (state.compareAndSet(WAITING, DONE)) {
                owner.disarm(this);
                actual.onNext(t);
            } else if (state.get() == EXPIRED) {
                discard.accept(t);
            } else {
                actual.onNext(t);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (state.getAndSet(DONE) != EXPIRED) {
                owner.disarm(this);
                actual.onError(t);
            } else {
                Operators.onErrorDropped(t, actual.currentContext());
            }
        }

        @Override
        public void onComplete() {
            if (state.getAndSet(DONE) != EXPIRED) {
                owner.disarm(this);
                actual.onComplete();
            }
        }

        @Override
        public long deadline() {
            return deadline;
        }

        @Override
        public void expire() {
            if (state.compareAndSet(WAITING, EXPIRED)) {
                owner.disarm(this);
                upstream.cancel();
                actual.onError(onTimeout.get());
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            if (state.compareAndSet(WAITING, DONE)) {
                owner.disarm(this);
            }
            upstream.cancel();
        }
    }
}
