package io.tenantdb.tenancy;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Resilience4j 2.x guards its sliding windows, state transitions and event consumers with short
 * {@code ReentrantLock} sections (no I/O, held for a few instructions); under contention a thread
 * parks briefly, which BlockHound reports. Those sections are allowed; everything else stays checked.
 * The rate limiter parks for one nanosecond between contended compare-and-set retries.
 * Caffeine's maintenance, run inline when its write buffer is full, is the same kind of section.
 */
public final class ResilienceBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        String metrics = "io.github.resilience4j.core.metrics.FixedSizeSlidingWindowMetrics";
        builder.allowBlockingCallsInside(metrics, "record");
        builder.allowBlockingCallsInside(metrics, "getSnapshot");
        String machine = "io.github.resilience4j.circuitbreaker.internal.CircuitBreakerStateMachine";
        for (String m : new String[] {"onSuccess", "onError", "tryAcquirePermission", "acquirePermission",
                "releasePermission", "stateTransition", "transitionToOpenState", "transitionToHalfOpenState",
                "transitionToClosedState"}) {
            builder.allowBlockingCallsInside(machine, m);
        }
        builder.allowBlockingCallsInside(machine + "$OpenState", "toHalfOpenState");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.EventProcessor", "onEvent");
        builder.allowBlockingCallsInside("io.github.resilience4j.core.EventProcessor", "registerConsumer");
        // CAS back-off: LockSupport.parkNanos(1) between retries of a contended compare-and-set
        builder.allowBlockingCallsInside("io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter", "compareAndSet");
        builder.allowBlockingCallsInside("com.github.benmanes.caffeine.cache.BoundedLocalCache", "performCleanUp");
        // put() spins (Thread.onSpinWait, a CPU hint) while a concurrently evicted entry is retired: the
        // router's read-your-writes cache under a burst of writes (MoveIT) hits it
        builder.allowBlockingCallsInside("com.github.benmanes.caffeine.cache.BoundedLocalCache", "put");
    }
}
