package io.tenantdb.observability.internal;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyWindowTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LatencyWindow window = new LatencyWindow(Duration.ofSeconds(30), now::get);

    @Test
    void percentilesOfAKnownDistribution() {
        // 1..1000 ms, once each
        for (int ms = 1; ms <= 1000; ms++) {
            window.record(TimeUnit.MILLISECONDS.toNanos(ms));
        }
        assertThat(window.percentileMillis(50)).isCloseTo(500, within(5.0));
        assertThat(window.percentileMillis(99)).isCloseTo(990, within(10.0));
        assertThat(window.percentileMillis(100)).isCloseTo(1000, within(10.0));
    }

    @Test
    void noTrafficReadsZero() {
        assertThat(window.percentileMillis(99)).isZero();
    }

    @Test
    void aSlowBurstStaysForOneToTwoPeriodsThenLeaves() {
        for (int i = 0; i < 100; i++) {
            window.record(TimeUnit.MILLISECONDS.toNanos(400));
        }
        assertThat(window.percentileMillis(99)).isCloseTo(400, within(4.0));
        now.addAndGet(TimeUnit.SECONDS.toNanos(31)); // next period: the burst is the previous histogram
        window.record(TimeUnit.MILLISECONDS.toNanos(2));
        assertThat(window.percentileMillis(99)).as("still read in the next period").isCloseTo(400, within(4.0));
        now.addAndGet(TimeUnit.SECONDS.toNanos(31)); // and the one after: gone
        window.record(TimeUnit.MILLISECONDS.toNanos(2));
        assertThat(window.percentileMillis(99)).isCloseTo(2, within(0.05));
    }

    @Test
    void aLongIdleGapForgetsEverything() {
        window.record(TimeUnit.MILLISECONDS.toNanos(400));
        now.addAndGet(TimeUnit.MINUTES.toNanos(5));
        assertThat(window.percentileMillis(99)).isZero();
    }

    @Test
    void outOfRangeValuesAreClampedNotThrown() {
        window.record(-5);
        window.record(TimeUnit.HOURS.toNanos(3));
        assertThat(window.percentileMillis(100)).isCloseTo(TimeUnit.HOURS.toMillis(1), within(TimeUnit.HOURS.toMillis(1) / 50.0));
        assertThat(window.percentileMillis(0)).isZero();
    }

    @Test
    void concurrentWritersOnNonBlockingThreadsLoseNothingWithinAPeriod() {
        LatencyWindow live = new LatencyWindow(Duration.ofMinutes(10), System::nanoTime);
        int writers = 8;
        int each = 50_000;
        // parallel() threads are non-blocking: BlockHound (installed in every test JVM) fails a yield or park
        Flux.range(0, writers)
                .flatMap(w -> Flux.range(0, each).doOnNext(i -> live.record(TimeUnit.MICROSECONDS.toNanos(100 + (i % 100))))
                        .subscribeOn(Schedulers.parallel()).then())
                .blockLast(Duration.ofSeconds(30));
        assertThat(live.count()).isEqualTo((long) writers * each);
        assertThat(live.percentileMillis(100)).isCloseTo(0.199, within(0.002));
        assertThat(live.percentileMillis(0)).isCloseTo(0.100, within(0.002));
        assertThat(live.percentileMillis(50)).isCloseTo(0.149, within(0.002));
    }
}
