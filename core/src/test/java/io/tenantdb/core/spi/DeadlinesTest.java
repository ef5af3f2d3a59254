package io.tenantdb.core.spi;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlinesTest {

    private final Deadlines deadlines = new Deadlines(Schedulers.parallel());
    private final List<String> discarded = new CopyOnWriteArrayList<>();

    private Mono<String> bound(Mono<String> source, Duration timeout) {
        return deadlines.bound(source, timeout, () -> new TimeoutException("too slow"), discarded::add);
    }

    @Test
    void aValueInTimePassesThroughAndLeavesNothingWaiting() {
        StepVerifier.create(bound(Mono.just("v"), Duration.ofSeconds(5))).expectNext("v").verifyComplete();
        StepVerifier.create(bound(Mono.<String>empty(), Duration.ofSeconds(5))).verifyComplete();
        StepVerifier.create(bound(Mono.error(new IllegalStateException("boom")), Duration.ofSeconds(5)))
                .expectErrorMessage("boom").verify(Duration.ofSeconds(5));
        assertThat(deadlines.waiting()).isZero();
    }

    @Test
    void aSourceThatNeverAnswersFailsWithTheGivenErrorAndIsCancelled() {
        AtomicBoolean cancelled = new AtomicBoolean();
        StepVerifier.create(bound(Mono.<String>never().doOnCancel(() -> cancelled.set(true)), Duration.ofMillis(50)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(TimeoutException.class).hasMessage("too slow"))
                .verify(Duration.ofSeconds(5));
        assertThat(cancelled).isTrue();
        assertThat(deadlines.waiting()).isZero();
    }

    @Test
    void aValueThatArrivesAfterTheTimeoutIsDiscardedNotLost() {
        // a source that delivers despite the cancel, as a pool may hand over a connection as the wait ends
        AtomicReference<Subscriber<? super String>> source = new AtomicReference<>();
        Mono<String> stubborn = Mono.fromDirect(s -> {
            source.set(s);
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
        });
        StepVerifier.create(bound(stubborn, Duration.ofMillis(30))).expectError(TimeoutException.class)
                .verify(Duration.ofSeconds(5));
        source.get().onNext("connection");
        source.get().onComplete();
        assertThat(discarded).containsExactly("connection");
    }

    @Test
    void cancellingTheSubscriberDisarmsTheDeadline() {
        AtomicBoolean cancelled = new AtomicBoolean();
        bound(Mono.<String>never().doOnCancel(() -> cancelled.set(true)), Duration.ofSeconds(30)).subscribe().dispose();
        assertThat(cancelled).isTrue();
        assertThat(deadlines.waiting()).isZero();
    }

    @Test
    void manyWaitersExpireOnOneSweep() {
        List<Mono<String>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            all.add(bound(Mono.never(), Duration.ofMillis(20)).onErrorReturn(TimeoutException.class, "timed out"));
        }
        StepVerifier.create(Mono.zip(all, values -> values.length)).expectNext(1_000).expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(deadlines.waiting()).isZero();
    }

    @Test
    void aScheduledTaskRunsOnceAfterItsDelayUnlessDisposed() throws InterruptedException {
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
        long t0 = System.nanoTime();
        deadlines.schedule(() -> {
            runs.incrementAndGet();
            ran.countDown();
        }, Duration.ofMillis(40).toNanos());
        AtomicBoolean other = new AtomicBoolean();
        reactor.core.Disposable cancelled = deadlines.schedule(() -> other.set(true), Duration.ofMillis(40).toNanos());
        cancelled.dispose();
        assertThat(ran.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(40).toNanos());
        Thread.sleep(3 * Deadlines.TICK.toMillis());
        assertThat(runs).hasValue(1);
        assertThat(other).isFalse();
        assertThat(cancelled.isDisposed()).isTrue();
        assertThat(deadlines.waiting()).isZero();
    }
}
