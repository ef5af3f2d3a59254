package io.tenantdb.benchmarks.internal;

import java.time.Duration;

/**
 * How long and how often each comparison runs.
 *
 * @param quick   whether this is the quick run
 * @param warmup  least warm-up (both sides, in pairs) before the pairs
 * @param maxWarmup longest warm-up: past {@code warmup} it goes on only while the JIT compilers are busy
 * @param trial   length of one trial of one side
 * @param pairs   interleaved pairs
 */
public record Settings(boolean quick, Duration warmup, Duration maxWarmup, Duration trial, int pairs) {

    /** ≤ 5 minutes for every case together. */
    public static final Settings QUICK = new Settings(true, Duration.ofMillis(1500), Duration.ofMillis(1500), Duration.ofMillis(1000), 5);

    /** The published run. */
    public static final Settings FULL = new Settings(false, Duration.ofSeconds(8), Duration.ofSeconds(64), Duration.ofSeconds(4), 10);
}
