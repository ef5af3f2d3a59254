package io.tenantdb.observability;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lettuce (behind the Redis engine in the ITs) guards each endpoint's writes with {@code SharedLock},
 * a short internal lock contended only while a connection is re-established, as when the ITs stop and
 * restart a Redis server; and {@code MethodTranslator.of} takes a short lock building a method table
 * when two pub/sub connections open at once (two instances subscribing to the invalidation bus).
 * Those bounded, CPU-only waits are allowed; every other blocking call still fails.
 */
public final class LettuceBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "doExclusive");
        builder.allowBlockingCallsInside("io.lettuce.core.internal.AbstractInvocationHandler$MethodTranslator", "of");
    }
}
