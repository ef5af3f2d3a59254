package io.tenantdb.benchmarks.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * The micro loop, for operations that complete synchronously (no I/O): subscribes one operation after the
 * other on the calling thread for a fixed time, in batches, and reports operations, time and bytes
 * allocated per operation (from {@code com.sun.management.ThreadMXBean}). Simpler than JMH run through
 * {@code exec}, and interleaved the same way as the load cases; JIT warm-up is the comparison's warm-up.
 */
public final class MicroHarness {

    private static final int BATCH = 1_000;

    private MicroHarness() {
    }

    /** Sink for results, so the JIT cannot drop the work. */
    private static volatile Object sink;

    /**
     * @param op       makes one operation that completes synchronously
     * @param duration how long to run
     * @return the trial; latencies hold nanoseconds per operation of each batch of 1,000
     */
    public static Result run(Supplier<? extends Publisher<?>> op, Duration duration) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Histogram perBatch = new Histogram(3);
        long ops = 0;
        long bytes0 = threads.getThreadAllocatedBytes(thread);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long now = start;
        while (now < end) {
            for (int i = 0; i < BATCH; i++) {
                sink = Mono.from(op.get()).block();
            }
            long after = System.nanoTime();
            perBatch.recordValue(Math.max(1, (after - now) / BATCH));
            now = after;
            ops += BATCH;
        }
        long nanos = now - start;
        long bytes = threads.getThreadAllocatedBytes(thread) - bytes0;
        return new Result(new Trial(ops, nanos, perBatch), (double) bytes / ops);
    }

    /**
     * @param trial         operations, time, per-batch ns/op
     * @param bytesPerOp    bytes allocated per operation
     */
    public record Result(Trial trial, double bytesPerOp) {
    }
}
