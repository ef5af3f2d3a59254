package io.tenantdb.redis;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Lettuce guards each endpoint's writes with {@code SharedLock}, a short internal lock that is only
 * contended while a connection is being re-established (e.g. right after a cluster master dies).
 * That wait is bounded and not I/O, so it is allowed here, as Armeria allows its
 * {@code ReentrantShortLock}; every other blocking call still fails the tests.
 */
public final class LettuceBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "incrementWriters");
        builder.allowBlockingCallsInside("io.lettuce.core.protocol.SharedLock", "doExclusive");
    }
}
