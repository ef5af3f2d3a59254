package io.tenantdb.benchmarks.internal;

import org.HdrHistogram.Histogram;

/**
 * One timed run of one side.
 *
 * @param units     units of work done (operations, or documents/rows when an operation carries many)
 * @param nanos     wall time of the trial
 * @param latencies per-operation latency in nanoseconds
 * @param cpuNanos  CPU time this JVM (the client: both sides run in it, one at a time) used during the
 *                  trial, -1 when not measured
 */
public record Trial(long units, long nanos, Histogram latencies, long cpuNanos) {

    /** A trial without a CPU figure. */
    public Trial(long units, long nanos, Histogram latencies) {
        this(units, nanos, latencies, -1);
    }

    /** @return client CPU microseconds per unit, NaN when not measured */
    public double cpuMicrosPerUnit() {
        return cpuNanos < 0 || units == 0 ? Double.NaN : cpuNanos / 1e3 / units;
    }

    /** @return units per second */
    public double perSecond() {
        return units * 1e9 / nanos;
    }
}
