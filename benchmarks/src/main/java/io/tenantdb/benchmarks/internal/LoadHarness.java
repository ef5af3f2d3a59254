package io.tenantdb.benchmarks.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The end-to-end load loop: keeps {@code inFlight} operations running for a fixed time, starting a new one
 * as each completes ({@code Flux.range(..).flatMap(op, inFlight)}), and records each operation's latency in
 * an HdrHistogram. An operation that fails stops the trial with its error: a benchmark of failures is
 * meaningless.
 */
public final class LoadHarness {

    private LoadHarness() {
    }

    /**
     * @param op          makes one operation (subscribed once)
     * @param unitsPerOp  units of work one operation does (1, or the documents of a bulk)
     * @param inFlight    operations in flight
     * @param duration    how long to keep starting operations
     * @return the trial
     */
    public static Trial run(Supplier<? extends Publisher<?>> op, long unitsPerOp, int inFlight, Duration duration) {
        Histogram histogram = new ConcurrentHistogram(Duration.ofMinutes(5).toNanos(), 3);
        AtomicLong done = new AtomicLong();
        long cpu0 = processCpuNanos();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Flux.range(0, Integer.MAX_VALUE)
                .takeWhile(i -> System.nanoTime() < end)
                .flatMap(i -> {
                    long t0 = System.nanoTime();
                    return Flux.from(op.get()).then(Mono.fromRunnable(() -> {
                        histogram.recordValue(Math.max(0, System.nanoTime() - t0));
                        done.incrementAndGet();
                    }));
                }, inFlight, 1)
                .then()
                .block(duration.plusMinutes(5));
        long nanos = System.nanoTime() - start;
        long cpu1 = processCpuNanos();
        return new Trial(done.get() * unitsPerOp, nanos, histogram, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0);
    }

    /** @return CPU time of this JVM so far (all threads), -1 where the platform does not tell */
    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }
}
