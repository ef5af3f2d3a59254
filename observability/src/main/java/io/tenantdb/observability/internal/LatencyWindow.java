package io.tenantdb.observability.internal;

import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Recent latency percentiles of one engine, recorded from event loops without a lock, a spin or
 * a yield.
 *
 * <p>Three HdrHistogram {@link AtomicHistogram}s (fixed range 1 µs to 1 hour, two significant
 * digits) take turns: one records, the previous one is still read, the third waits, cleared, for
 * its turn. A percentile is read over the recording histogram and the previous one, so it covers
 * between one and two {@code period}s of traffic. Recording is a wait-free increment; the writer
 * that first sees the period over moves the turn on, clearing the waiting histogram (a few
 * microseconds, once a period).
 *
 * <p>Why not Micrometer's client-side percentiles: they record into an auto-ranging HdrHistogram
 * {@code DoubleRecorder} whose range shifts and interval flips wait for in-flight writers with
 * {@code Thread.yield()} on the recording thread, which here is an event loop.
 *
 * <p>A value recorded by a writer that read the turn just before it moved on lands in the previous
 * histogram, which is still read: nothing recorded is lost from the window early.
 */
public final class LatencyWindow {

    private static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);

    private final AtomicHistogram[] ring = new AtomicHistogram[3];
    private final long periodNanos;
    private final LongSupplier nanoTime;
    /** The turn: ring[turn % 3] records, ring[(turn + 2) % 3] is the previous one. */
    private volatile long turn;
    private final AtomicLong turnEnds;

    /**
     * @param period   how long each histogram records; percentiles cover one to two periods
     * @param nanoTime the clock ({@code System::nanoTime}; a fake one in tests)
     */
    public LatencyWindow(Duration period, LongSupplier nanoTime) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive, got " + period);
        }
        this.periodNanos = period.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new AtomicHistogram(HIGHEST_MICROS, 2);
        }
        this.turnEnds = new AtomicLong(nanoTime.getAsLong() + periodNanos);
    }

    /**
     * Records one latency. Wait-free but for the one writer per period that moves the turn on.
     *
     * @param nanos the latency; negative values count as 0, values over an hour as an hour
     */
    public void record(long nanos) {
        long micros = Math.min(Math.max(nanos / 1_000, 0), HIGHEST_MICROS);
        ring[(int) (advance() % 3)].recordValue(micros);
    }

    /**
     * @param percentile between 0 and 100
     * @return the latency at that percentile over the window in milliseconds; 0 with no traffic
     */
    public double percentileMillis(double percentile) {
        Histogram merged = merged();
        if (merged.getTotalCount() == 0) {
            return 0;
        }
        return merged.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** @return how many latencies the window holds now */
    public long count() {
        return merged().getTotalCount();
    }

    private Histogram merged() {
        long t = advance();
        Histogram merged = new Histogram(HIGHEST_MICROS, 2);
        merged.add(ring[(int) (t % 3)]);
        merged.add(ring[(int) ((t + 2) % 3)]);
        return merged;
    }

    /** Moves the turn on when its period is over; returns the turn to record into. */
    private long advance() {
        long now = nanoTime.getAsLong();
        long ends = turnEnds.get();
        if (now - ends < 0) {
            return turn;
        }
        // one caller wins the period; the others record into the turn as it is
        long next = now + periodNanos;
        if (turnEnds.compareAndSet(ends, next)) {
            long t = turn;
            if (now - ends >= periodNanos) {
                // idle for more than a whole period: what was recorded is too old to be read
                ring[(int) ((t + 2) % 3)].reset();
                ring[(int) (t % 3)].reset();
            }
            // the waiting histogram was the previous turn's previous one: nobody reads it now
            ring[(int) ((t + 1) % 3)].reset();
            turn = t + 1;
        }
        return turn;
    }
}
